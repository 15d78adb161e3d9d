/**
 * Live capture: runs a capture program as a child (dumpcap, else tcpdump) writing classic pcap to a file, packet
 * by packet; the capture file is then read incrementally (CaptureFile.refresh) so the packet list grows live.
 * Permission problems are explained with the fix, never thrown as a stack trace.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

export interface LiveInterface {
  name: string;
  description?: string;
}

export interface LiveOptions {
  iface: string;
  /** Capture filter (BPF). */
  filter?: string;
  /** Stop after this many packets. */
  count?: number;
  /** The pcap file to write. */
  output: string;
}

export class LiveCaptureError extends Error {
  override name = 'LiveCaptureError';
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin')
    .split(':')
    .concat(['/usr/sbin', '/sbin'])) {
    const p = `${dir}/${cmd}`;
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The capture program to use: dumpcap (Wireshark's) when present, else tcpdump. */
export function captureProgram(): { name: 'dumpcap' | 'tcpdump'; path: string } | undefined {
  const d = which('dumpcap');
  if (d) return { name: 'dumpcap', path: d };
  const t = which('tcpdump');
  return t ? { name: 'tcpdump', path: t } : undefined;
}

const PERMISSION_HELP =
  'Capturing needs the right to open raw sockets. Either run as root, or let dumpcap capture for you: ' +
  '`sudo setcap cap_net_raw,cap_net_admin=eip /usr/bin/dumpcap` and `sudo usermod -aG wireshark $USER` ' +
  '(Debian: `sudo dpkg-reconfigure wireshark-common`, answer yes), then log out and in again.';

/** Turns a capture program's stderr into a clear message. */
export function explainFailure(stderr: string, iface: string): string {
  const s = stderr.toLowerCase();
  if (/permission|operation not permitted|not permitted|you don't have permission/.test(s)) {
    return `No permission to capture on ${iface}. ${PERMISSION_HELP}`;
  }
  if (/no such device|doesn't exist|there is no device|no suitable device|is not up|not found/.test(s)) {
    return `There is no capture interface called "${iface}" (see \`wirelens capture --list-interfaces\`).`;
  }
  if (/syntax error|can't parse filter|invalid capture filter|bad filter/.test(s)) {
    return `The capture filter is not valid BPF: ${stderr.trim().split('\n').pop()}`;
  }
  return `Capture on ${iface} failed: ${stderr.trim().split('\n').slice(-2).join(' ')}`;
}

export function listInterfaces(): LiveInterface[] {
  const prog = captureProgram();
  if (prog) {
    const r = spawnSync(prog.path, ['-D'], { encoding: 'utf8', timeout: 10_000 });
    const out = `${r.stdout ?? ''}`;
    const list = out
      .split('\n')
      .map((l) => /^\d+\.\s*(\S+)(?:\s+\((.*)\))?/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[1], ...(m[2] ? { description: m[2] } : {}) }));
    if (list.length) return list;
  }
  // Fallback: the kernel's list.
  try {
    return spawnSync('ls', ['/sys/class/net'], { encoding: 'utf8' })
      .stdout.split(/\s+/)
      .filter(Boolean)
      .map((name) => ({ name }));
  } catch {
    return [];
  }
}

/** A running capture writing `output`. */
export class LiveCapture {
  private child?: ChildProcess;
  private stderr = '';
  private exited?: Promise<number | null>;

  constructor(readonly opts: LiveOptions) {}

  /** Starts the child; resolves once the file has its header (or rejects with a clear message). */
  async start(timeoutMs = 10_000): Promise<void> {
    const prog = captureProgram();
    if (!prog)
      throw new LiveCaptureError(
        "No capture program found: install Wireshark's dumpcap (`apt-get install wireshark-common`) or tcpdump.",
      );
    const { iface, filter, count, output } = this.opts;
    const args =
      prog.name === 'dumpcap'
        ? [
            '-q',
            '-P',
            '-i',
            iface,
            '-w',
            output,
            ...(filter ? ['-f', filter] : []),
            ...(count ? ['-c', String(count)] : []),
          ]
        : [
            '-U',
            '-n',
            '-i',
            iface,
            '-w',
            output,
            ...(count ? ['-c', String(count)] : []),
            ...(filter ? [filter] : []),
          ];
    const child = spawn(prog.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code) => resolve(code));
      child.on('error', () => resolve(-1));
    });
    const t0 = Date.now();
    for (;;) {
      if (existsSync(output) && statSync(output).size >= 24) return;
      const done = await Promise.race([
        this.exited.then((c) => ({ c })),
        new Promise<undefined>((r) => setTimeout(r, 50)),
      ]);
      if (done) throw new LiveCaptureError(explainFailure(this.stderr, iface));
      if (Date.now() - t0 > timeoutMs) {
        this.stop();
        throw new LiveCaptureError(
          `The capture program did not start writing ${output} within ${timeoutMs / 1000} s. ${this.stderr.trim()}`,
        );
      }
    }
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the child ends by itself (e.g. after --count packets). */
  async done(): Promise<number | null> {
    return (await this.exited) ?? null;
  }

  /** Stops the capture (SIGINT lets the program flush), waiting for it to exit. */
  async stop(): Promise<void> {
    if (this.running) this.child?.kill('SIGINT');
    await this.exited;
  }

  get errorText(): string {
    return this.stderr;
  }
}
