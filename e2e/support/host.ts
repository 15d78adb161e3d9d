/** Starts `wirelens web` on a free port for a spec and parses the one line it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..');

export interface Host {
  url: string;
  origin: string;
  token: string;
  stop(): Promise<void>;
}

/** `as`: run the host as another user (needs root), e.g. one without the right to capture. */
export async function startHost(file?: string, as?: { uid: number; gid: number }): Promise<Host> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wirelens-e2e-data-'));
  if (as) chownSync(dataDir, as.uid, as.gid);
  const args = ['bin/wirelens.mjs', 'web', '--no-open', '--port', '0', ...(file ? [file] : [])];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, WIRELENS_DATA_DIR: dataDir, ...(as ? { HOME: dataDir } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(as ?? {}),
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`web host did not start in 60 s\n${out}\n${err}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^Wirelens at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`web host exited (${code})\n${out}\n${err}`));
    });
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
