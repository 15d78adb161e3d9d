/**
 * Telnet (RFC 854) as Wireshark 4.0 shows it: Info "Telnet Data ...", and in the tree each option negotiation
 * ("Will Echo", "Do Terminal Type"), each suboption (a terminal type, a window size, or the option's data) and
 * the data a line at a time.
 *
 * Beyond tshark: a login typed over Telnet is a credential in the clear, but it travels a keystroke a packet,
 * echoed by the server. The first pass follows each connection's login and password prompts and what the client
 * typed after them (backspaces applied), so the credentials list (Tools › Credentials, `wirelens credentials`)
 * has the username and password, and says when the server answered "Login incorrect".
 */
import { bytes, str, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { formatText } from '../fields/text.js';
import { latin1 } from '../bytes/byteview.js';
import { matchPort } from './l4-tcp.js';

const IAC = 255;
const SB = 250;
const SE = 240;

const COMMANDS: Record<number, string> = {
  240: 'Suboption End',
  241: 'No Operation',
  242: 'Data Mark',
  243: 'Break',
  244: 'Interrupt Process',
  245: 'Abort Output',
  246: 'Are You There?',
  247: 'Escape Character',
  248: 'Erase Line',
  249: 'Go Ahead',
  250: 'Suboption',
  251: 'Will',
  252: "Won't",
  253: 'Do',
  254: "Don't",
};

const OPTIONS: Record<number, string> = {
  0: 'Binary Transmission',
  1: 'Echo',
  2: 'Reconnection',
  3: 'Suppress Go Ahead',
  4: 'Approx Message Size Negotiation',
  5: 'Status',
  6: 'Timing Mark',
  7: 'Remote Controlled Trans and Echo',
  8: 'Output Line Width',
  9: 'Output Page Size',
  10: 'Output Carriage-Return Disposition',
  11: 'Output Horizontal Tab Stops',
  12: 'Output Horizontal Tab Disposition',
  13: 'Output Formfeed Disposition',
  14: 'Output Vertical Tabstops',
  15: 'Output Vertical Tab Disposition',
  16: 'Output Linefeed Disposition',
  17: 'Extended ASCII',
  18: 'Logout',
  19: 'Byte Macro',
  20: 'Data Entry Terminal',
  21: 'SUPDUP',
  22: 'SUPDUP Output',
  23: 'Send Location',
  24: 'Terminal Type',
  25: 'End of Record',
  26: 'TACACS User Identification',
  27: 'Output Marking',
  28: 'Terminal Location Number',
  29: 'Telnet 3270 Regime',
  30: 'X.3 PAD',
  31: 'Negotiate About Window Size',
  32: 'Terminal Speed',
  33: 'Remote Flow Control',
  34: 'Linemode',
  35: 'X Display Location',
  36: 'Environment Option',
  37: 'Authentication Option',
  38: 'Encryption Option',
  39: 'New Environment Option',
  40: 'TN3270E',
  41: 'XAUTH',
  42: 'CHARSET',
  43: 'Remote Serial Port',
  44: 'COM Port Control',
  45: 'Suppress Local Echo',
  46: 'Start TLS',
  47: 'KERMIT',
  48: 'SEND-URL',
  49: 'FORWARD_X',
};

const f = {
  cmd: uint('telnet.cmd', 'Command', 8, { strings: COMMANDS }),
  subcmd: uint('telnet.subcmd', 'Subcommand', 8, { strings: OPTIONS }),
  data: str('telnet.data', 'Data'),
  optionData: bytes('telnet.option_data', 'Option data'),
  stringValue: str('telnet.string_subopt.value', 'Value'),
  width: uint('telnet.naws_subopt.width', 'Width', 16),
  height: uint('telnet.naws_subopt.height', 'Height', 16),
};

/** A login the first pass saw typed: the username and password, their packets, and the server's verdict. */
export interface TelnetLogin {
  frame: number;
  user: string;
  userFrame: number;
  password: string;
  /** The server's answer said the login failed ("Login incorrect"). */
  rejected: boolean;
}

/** A connection's login, as the first pass follows it. */
interface Session {
  /** The end of what the server last wrote (prompts are found in it). */
  screen: string;
  /** What the client is typing after a prompt, and where the username came. */
  typing?: { what: 'user' | 'password'; text: string };
  user?: { name: string; frame: number };
  /** The login whose verdict is still to come. */
  pending?: TelnetLogin;
}

export function telnetLogins(ctx: { state: DissectCtx['state'] }): TelnetLogin[] {
  return ctx.state.get<{ logins: TelnetLogin[] }>('telnet.logins', () => ({ logins: [] })).logins;
}

export const telnet = defineProtocol({
  abbrev: 'telnet',
  name: 'Telnet',
  registerIn: { 'tcp.port': 23 },
  dissect(ctx) {
    const v = ctx.view;
    const b = v.bytes;
    ctx.columns.protocol = 'TELNET';
    ctx.columns.info = 'Telnet Data ...';
    const fromClient = ctx.pinfo.dstPort === matchPort(ctx);
    const data: number[] = [];
    let off = 0;
    while (off < b.length) {
      if (b[off] === IAC && off + 1 < b.length && b[off + 1] !== IAC) {
        off = command(ctx, off);
        continue;
      }
      // The data up to the next command, a line at a time (IAC IAC is a data byte 255).
      let end = off;
      for (; end < b.length && !(b[end] === IAC && b[end + 1] !== IAC); end++) {
        data.push(b[end]);
        if (b[end] === IAC) end++;
      }
      for (let at = off; at < end;) {
        const next = lineEnd(b, at, end);
        // A NUL is no character (CR NUL is a bare carriage return): a line of nothing else is no data.
        const text = latin1(b.subarray(at, next)).replace(/\0/g, '');
        if (text !== '')
          ctx.add(f.data, at, next - at, text, { label: `Data: ${formatText(b, at, next - at)}` });
        at = next;
      }
      off = end;
    }
    if (!ctx.visited && data.length) followLogin(ctx, fromClient, data);
    return true;
  },
});

/** Where the data line at `at` ends (before `end`): after a LF, or after a CR NUL (a carriage return alone). */
function lineEnd(b: Uint8Array, at: number, end: number): number {
  for (let i = at; i < end; i++) {
    if (b[i] === 10) return i + 1;
    if (b[i] === 13 && b[i + 1] === 0 && i + 1 < end) return i + 1;
  }
  return end;
}

/** The command at `off` (IAC and what follows); returns where the next thing starts. */
function command(ctx: DissectCtx, off: number): number {
  const b = ctx.view.bytes;
  const cmd = b[off + 1];
  const name = COMMANDS[cmd] ?? `Unknown (${cmd})`;
  if (cmd >= 251 && cmd <= 254 && off + 2 < b.length) {
    const opt = b[off + 2];
    const tree = ctx.text(`${name} ${OPTIONS[opt] ?? `Unknown (${opt})`}`, off, 3);
    ctx.add(f.cmd, off + 1, 1, cmd, { parent: tree });
    option(ctx, off + 2, tree);
    return off + 3;
  }
  if (cmd === SB && off + 2 < b.length) {
    const opt = b[off + 2];
    // The suboption's data runs to the next IAC SE (or the end of the segment).
    let end = off + 3;
    while (end < b.length && !(b[end] === IAC && b[end + 1] === SE)) end++;
    const tree = ctx.text(`Suboption ${OPTIONS[opt] ?? `Unknown (${opt})`}`, off, end - off);
    ctx.add(f.cmd, off + 1, 1, cmd, { parent: tree });
    suboption(ctx, opt, off + 3, end, option(ctx, off + 2, tree));
    return end;
  }
  const tree = ctx.text(name, off, 2);
  ctx.add(f.cmd, off + 1, 1, cmd, { parent: tree });
  return off + 2;
}

/** The option byte at `off` ("Subcommand: Echo"), under `parent`. */
function option(ctx: DissectCtx, off: number, parent: Item): Item {
  const opt = ctx.view.u8(off);
  return ctx.add(f.subcmd, off, 1, opt, {
    parent,
    label: `Subcommand: ${OPTIONS[opt] ?? `Unknown (${opt})`}`,
  });
}

/** A suboption's data [from, to): a terminal type, a window size, or the option's bytes. */
function suboption(ctx: DissectCtx, opt: number, from: number, to: number, parent: Item): void {
  const v = ctx.view;
  const len = to - from;
  if (len <= 0) return;
  if (opt === 24) {
    const send = v.u8(from) === 1;
    ctx.add(f.subcmd, from, 1, v.u8(from), {
      parent,
      label: send ? 'Send your Terminal Type' : "Here's my Terminal Type",
    });
    if (!send && len > 1) ctx.add(f.stringValue, from + 1, len - 1, v.latin1(from + 1, len - 1), { parent });
  } else if (opt === 31 && len >= 4) {
    ctx.add(f.width, from, 2, v.u16be(from), { parent });
    ctx.add(f.height, from + 2, 2, v.u16be(from + 2), { parent });
  } else ctx.add(f.optionData, from, len, v.slice(from, len), { parent });
}

const PROMPT_USER = /(login|username|user name)\s*:\s*$/i;
const PROMPT_PASSWORD = /password\s*:\s*$/i;
const REJECTED = /incorrect|failed|denied|invalid/i;

/** First pass: the connection's prompts (server) and keystrokes (client), to find the logins typed. */
function followLogin(ctx: DissectCtx, fromClient: boolean, data: readonly number[]): void {
  const key = ctx.pinfo.data.get('tcp.stream');
  const all = ctx.state.get<Map<unknown, Session>>('telnet', () => new Map());
  let s = all.get(key);
  if (!s) all.set(key, (s = { screen: '' }));
  const n = ctx.frame.number;
  if (!fromClient) {
    const text = Buffer.from(data).toString('latin1');
    s.screen = (s.screen + text).slice(-256);
    // The verdict: a refusal before the next prompt (a login prompt again, or a shell's).
    if (s.pending && REJECTED.test(s.screen)) s.pending.rejected = true;
    if (s.pending && (s.pending.rejected || /[$#>:]\s*$/.test(s.screen))) s.pending = undefined;
    if (PROMPT_PASSWORD.test(s.screen)) s.typing = { what: 'password', text: '' };
    else if (PROMPT_USER.test(s.screen)) s.typing = { what: 'user', text: '' };
    return;
  }
  const t = s.typing;
  if (!t) return;
  for (const c of data) {
    if (c === 13 || c === 10) {
      if (t.what === 'user') s.user = { name: t.text, frame: n };
      else {
        const login: TelnetLogin = {
          frame: n,
          user: s.user?.name ?? '',
          userFrame: s.user?.frame ?? n,
          password: t.text,
          rejected: false,
        };
        telnetLogins(ctx).push(login);
        s.pending = login;
      }
      s.typing = undefined;
      s.screen = '';
      return;
    }
    if (c === 8 || c === 127) t.text = t.text.slice(0, -1);
    else if (c >= 32 && c < 127) t.text += String.fromCharCode(c);
  }
}
