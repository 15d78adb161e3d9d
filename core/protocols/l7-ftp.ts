/**
 * FTP (RFC 959; EPRT/EPSV RFC 2428) and its data connections, as Wireshark 4.0 shows them: the control
 * connection's requests and responses on port 21 ("Request: USER alice", "Response: 230 Login successful."),
 * with the credentials, paths and data-connection set-ups an investigator reads from it; and each data
 * connection a PASV or EPSV response or a PORT or EPRT command announces ("FTP Data: 1460 bytes (PASV) (RETR
 * report.pdf)"), tied to the command it answers. The files RETR, STOR, STOU and APPE moved are export objects
 * (core/objects/ftp.ts), as `tshark --export-objects ftp-data` gives them: the data of every frame of the
 * connection, in capture order, under the command's argument.
 */
import { bool, frameNum, ipv4, str, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import { formatIPv4 } from '../fields/format.js';
import { formatText } from '../fields/text.js';
import { connectionOf, expectConnection, matchPort, startTls } from './l4-tcp.js';
import { lineBasedText } from './l7-http.js';
import { forEachLine, lineAt } from './lines.js';

/** Reply codes (RFC 959 §4.2 and the security extensions of RFC 2228), as Wireshark names them. */
const REPLIES: Record<number, string> = {
  110: 'Restart marker reply',
  120: 'Service ready in nnn minutes',
  125: 'Data connection already open; transfer starting',
  150: 'File status okay; about to open data connection',
  200: 'Command okay',
  202: 'Command not implemented, superfluous at this site',
  211: 'System status, or system help reply',
  212: 'Directory status',
  213: 'File status',
  214: 'Help message',
  215: 'NAME system type',
  220: 'Service ready for new user',
  221: 'Service closing control connection',
  225: 'Data connection open; no transfer in progress',
  226: 'Closing data connection',
  227: 'Entering Passive Mode',
  229: 'Entering Extended Passive Mode',
  230: 'User logged in, proceed',
  232: 'User logged in, authorized by security data exchange',
  234: 'Security data exchange complete',
  235: 'Security data exchange completed successfully',
  250: 'Requested file action okay, completed',
  257: 'PATHNAME created',
  331: 'User name okay, need password',
  332: 'Need account for login',
  334: 'Requested security mechanism is ok',
  335: 'Security data is acceptable, more is required',
  336: 'Username okay, need password. Challenge is ...',
  350: 'Requested file action pending further information',
  421: 'Service not available, closing control connection',
  425: "Can't open data connection",
  426: 'Connection closed; transfer aborted',
  431: 'Need some unavailable resource to process security',
  450: 'Requested file action not taken',
  451: 'Requested action aborted: local error in processing',
  452: 'Requested action not taken. Insufficient storage space in system',
  500: 'Syntax error, command unrecognized',
  501: 'Syntax error in parameters or arguments',
  502: 'Command not implemented',
  503: 'Bad sequence of commands',
  504: 'Command not implemented for that parameter',
  522: 'Network protocol not supported',
  530: 'Not logged in',
  532: 'Need account for storing files',
  533: 'Command protection level denied for policy reasons',
  534: 'Request denied for policy reasons',
  535: 'Failed security check (hash, sequence, etc)',
  536: 'Requested PROT level not supported by mechanism',
  537: 'Command protection level not supported by security mechanism',
  550: 'Requested action not taken: File unavailable',
  551: 'Requested action aborted: page type unknown',
  552: 'Requested file action aborted: Exceeded storage allocation',
  553: 'Requested action not taken: File name not allowed',
  631: 'Integrity protected reply',
  632: 'Confidentiality and integrity protected reply',
  633: 'Confidentiality protected reply',
};

const f = {
  cwd: str('ftp.current-working-directory', 'Current working directory'),
  response: bool('ftp.response', 'Response'),
  request: bool('ftp.request', 'Request'),
  command: str('ftp.request.command', 'Request command'),
  arg: str('ftp.request.arg', 'Request arg'),
  code: uint('ftp.response.code', 'Response code', 32, { strings: REPLIES }),
  responseArg: str('ftp.response.arg', 'Response arg'),
  pasvIp: ipv4('ftp.passive.ip', 'Passive IP address'),
  pasvPort: uint('ftp.passive.port', 'Passive port', 16),
  pasvNat: bool('ftp.passive.nat', 'Passive IP NAT'),
  activeIp: ipv4('ftp.active.cip', 'Active IP address'),
  activePort: uint('ftp.active.port', 'Active port', 16),
  activeNat: bool('ftp.active.nat', 'Active IP NAT'),
  eprtAf: uint('ftp.eprt.af', 'Extended active address family', 8, { strings: { 1: 'IPv4', 2: 'IPv6' } }),
  eprtIp: ipv4('ftp.eprt.ip', 'Extended active IP address'),
  eprtPort: uint('ftp.eprt.port', 'Extended active port', 16),
  epsvIp: ipv4('ftp.epsv.ip', 'Extended passive IPv4 address'),
  epsvPort: uint('ftp.epsv.port', 'Extended passive port', 16),
};

const d = {
  setupFrame: frameNum('ftp-data.setup-frame', 'Setup frame'),
  setupMethod: str('ftp-data.setup-method', 'Setup method'),
  command: str('ftp-data.command', 'Command'),
  commandFrame: frameNum('ftp-data.command-frame', 'Command frame'),
  cwd: str('ftp-data.current-working-directory', 'Current working directory'),
};

/** Where a file's data lies: in frame `frame`'s bytes at `off` (else `bytes` holds a copy). */
export interface FtpPiece {
  frame: number;
  off: number;
  len: number;
  bytes?: Uint8Array;
}

/** A file a data connection moved (RETR, STOR, STOU or APPE), as tshark's ftp-data export lists it. */
export interface FtpFile {
  /** The first frame of its data. */
  frame: number;
  command: string;
  commandFrame: number;
  /** The command's argument ("(MISSING)" without one). */
  name: string;
  /** Where the data came from and went. */
  source: string;
  destination: string;
  size: number;
  pieces: FtpPiece[];
}

/** A data connection: how it was announced, and the command it answers (its first, or first data command). */
interface DataConnection {
  setupFrame: number;
  method: 'PASV' | 'EPASV' | 'PORT' | 'EPRT';
  command?: string;
  commandFrame?: number;
  cwd: string;
}

interface Control {
  cwd: string;
  lastCommand?: string;
  data?: DataConnection;
}

export interface FtpState {
  controls: Map<number, Control>;
  /** The files of the capture by their command's frame, in the order their data began. */
  files: Map<number, FtpFile>;
}

export function ftpState(ctx: { state: DissectCtx['state'] }): FtpState {
  return ctx.state.get<FtpState>('ftp', () => ({ controls: new Map(), files: new Map() }));
}

/** Commands whose answer comes over the data connection. */
const DATA_COMMANDS = /^(RETR|STOR|STOU|APPE|LIST|NLST|MLSD)\b/i;
/** Commands that move a file (the exported ones). */
const FILE_COMMANDS = /^(STOR|RETR|STOU|APPE)/;

function ipNumber(parts: readonly string[]): number | undefined {
  const n = parts.map(Number);
  if (n.some((x) => x > 255)) return undefined;
  return ((n[0] << 24) | (n[1] << 16) | (n[2] << 8) | n[3]) >>> 0;
}

/** "h1,h2,h3,h4,p1,p2" in `text` (PASV replies, PORT arguments): the address and port, and where they are. */
function hostPort(
  text: string,
): { ip: number; port: number; at: number; ipLen: number; portAt: number; portLen: number } | undefined {
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(text);
  if (!m) return undefined;
  const ip = ipNumber(m.slice(1, 5));
  const [p1, p2] = [Number(m[5]), Number(m[6])];
  if (ip === undefined || p1 > 255 || p2 > 255) return undefined;
  const ipLen = m.slice(1, 5).join(',').length;
  return {
    ip,
    port: p1 * 256 + p2,
    at: m.index,
    ipLen,
    portAt: m.index + ipLen + 1,
    portLen: m[5].length + 1 + m[6].length,
  };
}

/** A path as a successful CWD leaves it: absolute replaces, ".." goes up, "." stays, a name goes down. */
function changeDirectory(cwd: string, arg: string): string {
  if (arg.startsWith('/')) return arg;
  const parts = cwd === '' ? [] : cwd.split('/');
  for (const p of arg.split('/')) {
    if (p === '..') {
      if (parts.length > 1 || (parts.length === 1 && parts[0] !== '')) parts.pop();
    } else if (p !== '.' && p !== '') parts.push(p);
  }
  return parts.join('/') || (cwd.startsWith('/') ? '/' : '');
}

/** The path of a PWD reply's quoted text ("" inside it stands for one "), or undefined. */
function pwdPath(text: string): string | undefined {
  if (!text.startsWith('"')) return undefined;
  let out = '';
  for (let i = 1; i < text.length; i++) {
    if (text[i] !== '"') out += text[i];
    else if (text[i + 1] === '"') {
      out += '"';
      i++;
    } else return out;
  }
  return undefined;
}

export const ftp = defineProtocol({
  abbrev: 'ftp',
  name: 'File Transfer Protocol (FTP)',
  registerIn: { 'tcp.port': 21 },
  dissect(ctx) {
    const v = ctx.view;
    const b = v.bytes;
    const n = ctx.frame.number;
    const isRequest = ctx.pinfo.dstPort === matchPort(ctx);
    const stream = (ctx.pinfo.data.get('tcp.stream') as number | undefined) ?? -1;
    const st = ftpState(ctx);
    let c = st.controls.get(stream);
    if (!c) st.controls.set(stream, (c = { cwd: '' }));
    const { end, next } = lineAt(v, 0);
    // Parsed a byte a character (offsets are the packet's); field values are the bytes read as UTF-8 (RFC 2640).
    const line = Buffer.from(b.subarray(0, end)).toString('latin1');
    const utf8 = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('utf8');
    ctx.columns.protocol = 'FTP';
    ctx.columns.info = `${isRequest ? 'Request' : 'Response'}: ${formatText(b, 0, end)}`;
    ctx.setLabel(ctx.top, 'File Transfer Protocol (FTP)');
    ctx.add(f.request, 0, 0, isRequest, { hidden: true });
    ctx.add(f.response, 0, 0, !isRequest, { hidden: true });
    const lineItem = ctx.text(formatText(b, 0, next), 0, next);
    const o = { parent: lineItem };
    const src = ctx.pinfo.netSrc ?? '';
    const announce = (ip: string, port: number, method: DataConnection['method']) => {
      if (ctx.visited || !c) return;
      c.data = { setupFrame: n, method, cwd: c.cwd };
      expectConnection(ctx, { ip, port, protocol: 'ftp-data', data: c.data });
    };
    let cwd = c.cwd;
    if (isRequest) {
      const space = line.indexOf(' ');
      const tokenLen = space < 0 ? end : space;
      if (tokenLen > 0) ctx.add(f.command, 0, tokenLen, utf8(0, tokenLen), o);
      const arg = space < 0 ? '' : line.slice(space + 1);
      if (arg) ctx.add(f.arg, space + 1, end - space - 1, utf8(space + 1, end), o);
      const command = line.slice(0, tokenLen).toUpperCase();
      if (!ctx.visited) {
        // The data connection set up last answers its first command, or the first that uses it for data.
        const data = c.data;
        if (data && (!data.command || (!DATA_COMMANDS.test(data.command) && DATA_COMMANDS.test(line)))) {
          data.command = utf8(0, end);
          data.commandFrame = n;
        }
        c.lastCommand = utf8(0, end);
      }
      if (command === 'PORT') {
        const hp = hostPort(arg);
        if (hp) {
          const at = space + 1 + hp.at;
          ctx.add(f.activeIp, at, hp.ipLen, hp.ip, o);
          ctx.add(f.activePort, space + 1 + hp.portAt, hp.portLen, hp.port, o);
          if (formatIPv4(hp.ip) !== src) ctx.add(f.activeNat, 0, 0, true, { ...o, generated: true });
          announce(formatIPv4(hp.ip), hp.port, 'PORT');
        }
      } else if (command === 'EPRT') {
        const m = /^(.)(\d)\1([^|]*)\1(\d+)\1/.exec(arg);
        if (m) {
          const af = Number(m[2]);
          const at = space + 1;
          ctx.add(f.eprtAf, at + 1, 1, af, o);
          const ip = af === 1 ? ipNumber(m[3].split('.')) : undefined;
          if (ip !== undefined && m[3].split('.').length === 4) ctx.add(f.eprtIp, at + 3, m[3].length, ip, o);
          const port = Number(m[4]);
          ctx.add(f.eprtPort, at + 4 + m[3].length, m[4].length, port, o);
          if (port < 65536) announce(af === 1 ? m[3] : m[3].toLowerCase(), port, 'EPRT');
        }
      }
    } else if (end >= 3 && /^\d{3}$/.test(line.slice(0, 3))) {
      const code = Number(line.slice(0, 3));
      ctx.add(f.code, 0, 3, code, o);
      const arg = end > 4 ? line.slice(4) : '';
      if (code === 250 && !ctx.visited && c.lastCommand) {
        const last = c.lastCommand;
        if (/^CWD /.test(last)) c.cwd = changeDirectory(c.cwd, last.slice(4));
        else if (/^CDUP/.test(last)) c.cwd = changeDirectory(c.cwd, '..');
      }
      // AUTH TLS (or SSL) accepted: the control connection is TLS from the next frame on (RFC 4217).
      if (code === 234 && !ctx.visited && /^AUTH /i.test(c.lastCommand ?? '')) startTls(ctx, 'ftp');
      if (code === 257 && !ctx.visited) {
        const path = pwdPath(utf8(4, end));
        if (path !== undefined) c.cwd = path;
      }
      if (arg) ctx.add(f.responseArg, 4, end - 4, utf8(4, end), o);
      if (code === 227) {
        const hp = hostPort(arg);
        if (hp) {
          ctx.add(f.pasvIp, 4 + hp.at, hp.ipLen, hp.ip, o);
          ctx.add(f.pasvPort, 4 + hp.portAt, hp.portLen, hp.port, o);
          if (formatIPv4(hp.ip) !== src) ctx.add(f.pasvNat, 0, 0, true, { ...o, generated: true });
          announce(formatIPv4(hp.ip), hp.port, 'PASV');
        }
      } else if (code === 229) {
        const m = /\((.)\1\1(\d+)\1\)/.exec(arg);
        if (m) {
          const port = Number(m[2]);
          const ip = ctx.pinfo.netSrc;
          const v4 = ip && /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ipNumber(ip.split('.')) : undefined;
          if (v4 !== undefined) ctx.add(f.epsvIp, 0, 0, v4, { ...o, generated: true });
          ctx.add(f.epsvPort, 4 + m.index + 4, m[2].length, port, o);
          if (ip && port < 65536) announce(ip, port, 'EPASV');
        }
      }
      cwd = c.cwd;
    }
    // The rest of the segment's lines (a multi-line reply), each as text.
    forEachLine(v, next, (off, to) => void ctx.text(formatText(b, off, to - off), off, to - off));
    // Wireshark keeps the directory a frame was in (after a CWD or PWD reply: the new one), at the top level.
    if (!ctx.visited) ctx.state.setFrame('ftp.cwd', n, cwd);
    const shown = ctx.visited ? (ctx.state.getFrame<string>('ftp.cwd', n) ?? '') : cwd;
    if (ctx.wants(f.cwd)) ctx.topItem(f.cwd, shown, { generated: true });
    return true;
  },
});

export const ftpData = defineProtocol({
  abbrev: 'ftp-data',
  name: 'FTP Data',
  registerIn: { 'tcp.port': 20 },
  dissect(ctx) {
    const v = ctx.view;
    const len = Math.max(v.length, (ctx.pinfo.data.get('tcp.reported_len') as number | undefined) ?? 0);
    ctx.columns.protocol = 'FTP-DATA';
    let info = `FTP Data: ${len} bytes`;
    const conn = connectionOf(ctx);
    const data = conn?.protocol === 'ftp-data' ? (conn.data as DataConnection) : undefined;
    if (data) {
      const top = { generated: true };
      ctx.topItem(d.setupFrame, data.setupFrame, top);
      ctx.topItem(d.setupMethod, data.method, top);
      info += ` (${data.method})`;
      if (data.command !== undefined) {
        ctx.topItem(d.command, data.command, top);
        info += ` (${data.command})`;
        ctx.topItem(d.commandFrame, data.commandFrame ?? 0);
      }
      ctx.topItem(d.cwd, data.cwd, top);
      if (!ctx.visited && data.command && data.commandFrame && FILE_COMMANDS.test(data.command))
        keepData(ctx, data.command, data.commandFrame, v.length);
    }
    ctx.columns.info = info;
    ctx.setLabel(ctx.top, `FTP Data (${v.length} bytes data)`);
    // Text (a listing, a text file) line by line: when its first 20 bytes are printable ASCII or line ends.
    const b = v.bytes;
    let text = true;
    for (let i = 0; i < Math.min(20, b.length); i++) {
      const ch = b[i];
      if (ch !== 13 && ch !== 10 && (ch < 0x20 || ch > 0x7e)) {
        text = false;
        break;
      }
    }
    if (text && b.length) lineBasedText(ctx);
    return true;
  },
});

/** First pass: this frame's data joins the file its command moves (tshark: every frame's, in capture order). */
function keepData(ctx: DissectCtx, command: string, commandFrame: number, len: number): void {
  const files = ftpState(ctx).files;
  let file = files.get(commandFrame);
  if (!file) {
    files.set(
      commandFrame,
      (file = {
        frame: ctx.frame.number,
        command,
        commandFrame,
        name: command.length > 5 ? command.slice(5) : '(MISSING)',
        source: ctx.pinfo.netSrc ?? '',
        destination: ctx.pinfo.netDst ?? '',
        size: 0,
        pieces: [],
      }),
    );
  }
  if (len === 0) return;
  // Data in the frame itself is read back from it when exported; anything else (reassembled) is copied.
  file.pieces.push(
    ctx.src === 0
      ? { frame: ctx.frame.number, off: ctx.base, len }
      : { frame: ctx.frame.number, off: 0, len, bytes: ctx.view.slice(0, len).slice() },
  );
  file.size += len;
}
