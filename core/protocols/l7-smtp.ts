/**
 * SMTP (RFC 5321) and the messages it carries (Internet Message Format, RFC 5322), as Wireshark shows them: client
 * command lines ("C: MAIL FROM:<a@b>"), server replies ("S: 250 Ok", continuation lines joined with " | "), the
 * AUTH LOGIN user name and password lines, and the DATA a client sends: each segment a "DATA fragment" until the
 * line with a single "." ends the message, whose frame then shows it reassembled as IMF (From, To, Subject, …).
 * Commands and replies are reassembled to whole lines, so a client typing one character per segment shows those
 * segments as "[TCP segment of a reassembled PDU]" and the command in the frame that completes it.
 */
import { bool, frameNum, none, str, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { matchPort, startTls, type Desegment } from './l4-tcp.js';
import { concatBytes } from '../bytes/byteview.js';

const REPLY_CODES: Record<number, string> = {
  211: 'System status, or system help reply',
  214: 'Help message',
  220: '<domain> Service ready',
  221: '<domain> Service closing transmission channel',
  235: 'Authentication successful',
  250: 'Requested mail action okay, completed',
  251: 'User not local; will forward to <forward-path>',
  252: 'Cannot VRFY user, but will accept message and attempt delivery',
  334: 'AUTH input',
  354: 'Start mail input; end with <CRLF>.<CRLF>',
  421: '<domain> Service not available, closing transmission channel',
  432: 'A password transition is needed',
  450: 'Requested mail action not taken: mailbox unavailable',
  451: 'Requested action aborted: local error in processing',
  452: 'Requested action not taken: insufficient system storage',
  454: 'Temporary authenticate failure',
  500: 'Syntax error, command unrecognized',
  501: 'Syntax error in parameters or arguments',
  502: 'Command not implemented',
  503: 'Bad sequence of commands',
  504: 'Command parameter not implemented',
  530: 'Authentication required',
  534: 'Authentication mechanism is too weak',
  535: 'Authentication credentials invalid',
  538: 'Encryption required for requested authentication mechanism',
  550: 'Requested action not taken: mailbox unavailable',
  551: 'User not local; please try <forward-path>',
  552: 'Requested mail action aborted: exceeded storage allocation',
  553: 'Requested action not taken: mailbox name not allowed',
  554: 'Transaction failed',
};

const f = {
  req: bool('smtp.req', 'Request'),
  rsp: bool('smtp.rsp', 'Response'),
  commandLine: str('smtp.command_line', 'Command Line'),
  command: str('smtp.req.command', 'Command'),
  reqParameter: str('smtp.req.parameter', 'Request parameter'),
  response: str('smtp.response', 'Response'),
  code: uint('smtp.response.code', 'Response code', 32, { strings: REPLY_CODES }),
  rspParameter: str('smtp.rsp.parameter', 'Response parameter'),
  username: str('smtp.auth.username', 'Username'),
  password: str('smtp.auth.password', 'Password'),
  fragments: none('smtp.data.fragments', 'DATA fragments'),
  fragment: frameNum('smtp.data.fragment', 'DATA fragment'),
  fragmentCount: uint('smtp.data.fragment.count', 'DATA fragment count', 32),
  reassembledLength: uint('smtp.data.reassembled.length', 'Reassembled DATA length', 32),
};

/** IMF is never called through a table: SMTP adds its layer (a protocol, so its fields have an owner). */
const imfProto = defineProtocol({
  abbrev: 'imf',
  name: 'Internet Message Format',
  dissect: () => false,
}).field;
/** IMF header fields Wirelens records, by lower-case header name. */
const IMF_HEADERS: Record<string, ReturnType<typeof str>> = {
  from: str('imf.from', 'From'),
  sender: str('imf.sender', 'Sender'),
  'reply-to': str('imf.reply_to', 'Reply-To'),
  to: str('imf.to', 'To'),
  cc: str('imf.cc', 'Cc'),
  bcc: str('imf.bcc', 'Bcc'),
  date: str('imf.date', 'Date'),
  subject: str('imf.subject', 'Subject'),
  'message-id': str('imf.message_id', 'Message-ID'),
  'in-reply-to': str('imf.in_reply_to', 'In-Reply-To'),
  references: str('imf.references', 'References'),
  'user-agent': str('imf.user_agent', 'User-Agent'),
  'x-mailer': str('imf.ext.mailer', 'X-Mailer'),
  'content-type': str('imf.content.type', 'Content-Type'),
  'content-transfer-encoding': str('imf.content.transfer_encoding', 'Content-Transfer-Encoding'),
  'mime-version': str('imf.mime_version', 'MIME-Version'),
  received: str('imf.received', 'Received'),
  'return-path': str('imf.return_path', 'Return-Path'),
};
const imfExtension = str('imf.extension', 'Extension');

const SMTP_PORTS = [25, 587];

/** What the client's next line or segment is, on one connection (built in the first, in-order pass). */
interface Conv {
  mode: 'command' | 'data' | 'user' | 'pass';
  /** The client sent DATA: a 354 reply starts the message. */
  dataAsked: boolean;
  /** The client sent STARTTLS: a 220 reply turns the connection into TLS. */
  tlsAsked?: boolean;
  /** The client sent AUTH LOGIN: the next 334 reply asks for this. */
  loginNext?: 'user' | 'pass';
  /** The message so far (DATA mode): its pieces and the frames they came in. */
  parts: Uint8Array[];
  frags: { frame: number; len: number }[];
  /** Bytes of the message so far. */
  size: number;
}

/** How a client segment was taken on the first pass (replayed as it was on a re-dissection). */
type ClientRecord =
  | { kind: 'lines'; mode: 'command' | 'user' | 'pass' }
  | { kind: 'fragment' }
  | { kind: 'end'; message: Uint8Array; frags: { frame: number; len: number }[]; tail: number };

function convs(ctx: DissectCtx): Map<number, Conv> {
  return ctx.state.get('smtp.convs', () => new Map<number, Conv>());
}

/** tvb_format_text_wsp-like: line ends and tabs shown as spaces. */
const wsp = (s: string) => s.replace(/[\r\n\t]/g, ' ');

const enc = new TextDecoder('latin1');
const text = (b: Uint8Array) => enc.decode(b);

function requestMore(ctx: DissectCtx, offset: number): void {
  const d: Desegment = { offset, need: -1 };
  ctx.pinfo.data.set('tcp.desegment', d);
}

defineProtocol({
  abbrev: 'smtp',
  name: 'Simple Mail Transfer Protocol',
  registerIn: { 'tcp.port': SMTP_PORTS },
  dissect(ctx) {
    const v = ctx.view;
    const stream = (ctx.pinfo.data.get('tcp.stream') as number | undefined) ?? -1;
    const fromClient = ctx.pinfo.dstPort === matchPort(ctx);
    const bytes = v.bytes.subarray(0, v.length);
    // Per call of the frame (TCP may hand over more than one PDU), as HTTP keys its per-message state.
    const k = ((ctx.pinfo.data.get('smtp.calls') as number | undefined) ?? 0) + 1;
    ctx.pinfo.data.set('smtp.calls', k);
    const key = ctx.frame.number * 64 + Math.min(k, 63);
    if (!fromClient) return serverReplies(ctx, bytes, stream);
    let rec: ClientRecord | undefined = ctx.state.getFrame<ClientRecord>('smtp.client', key);
    if (!ctx.visited || !rec) {
      rec = clientFirstPass(ctx, bytes, stream);
      if (!rec) return true; // asked for the rest of a line
      ctx.state.setFrame('smtp.client', key, rec);
    }
    ctx.columns.protocol = 'SMTP';
    if (rec.kind === 'fragment') {
      ctx.columns.info = `C: DATA fragment, ${bytes.length} byte${bytes.length === 1 ? '' : 's'}`;
      return true;
    }
    if (rec.kind === 'end') return messageEnd(ctx, rec);
    const lines = splitLines(bytes);
    const shown: string[] = [];
    for (const [s, e, next] of lines) {
      const line = text(bytes.subarray(s, e));
      ctx.add(f.req, s, 0, true, { hidden: true });
      if (rec.mode === 'user' || rec.mode === 'pass') {
        const user = rec.mode === 'user';
        ctx.add(user ? f.username : f.password, s, next - s, line);
        shown.push(`${user ? 'User' : 'Pass'}: ${line}`);
        continue;
      }
      const cl = ctx.add(f.commandLine, s, next - s, `${line}\r\n`, {
        label: () => `Command Line: ${line}\\r\\n`,
      });
      const sp = line.indexOf(' ');
      const cmd = sp < 0 ? line : line.slice(0, sp);
      ctx.add(f.command, s, cmd.length, cmd, { parent: cl });
      if (sp >= 0)
        ctx.add(f.reqParameter, s + sp + 1, line.length - sp - 1, line.slice(sp + 1), { parent: cl });
      shown.push(line);
    }
    ctx.columns.info = `C: ${shown.join(' | ')}`;
    return true;
  },
});

/** Complete lines [start, end without the line end, next line start); the caller asked for the rest of a cut one. */
function splitLines(b: Uint8Array): [number, number, number][] {
  const out: [number, number, number][] = [];
  let s = 0;
  while (s < b.length) {
    const lf = b.indexOf(10, s);
    if (lf < 0) break;
    out.push([s, lf > s && b[lf - 1] === 13 ? lf - 1 : lf, lf + 1]);
    s = lf + 1;
  }
  return out;
}

/** The complete lines of `b`; TCP is asked for the rest of a last line cut short (its bytes come again then). */
function completeLines(ctx: DissectCtx, b: Uint8Array): [number, number, number][] {
  const lines = splitLines(b);
  if (b.length && b[b.length - 1] !== 10) requestMore(ctx, lines.length ? lines[lines.length - 1][2] : 0);
  return lines;
}

/** The client's data on the first pass: lines (asking for the rest of a cut one), or a piece of a message. */
function clientFirstPass(ctx: DissectCtx, b: Uint8Array, stream: number): ClientRecord | undefined {
  let c = convs(ctx).get(stream);
  if (!c) convs(ctx).set(stream, (c = { mode: 'command', dataAsked: false, parts: [], frags: [], size: 0 }));
  if (c.mode === 'data') {
    c.parts.push(b.slice());
    c.frags.push({ frame: ctx.frame.number, len: b.length });
    c.size += b.length;
    // The message ends with a line holding a single "." (the CRLF before it may end an earlier piece). Only the
    // last bytes are looked at: a big attachment in thousands of segments is joined once, at its end.
    const end = lastBytes(c.parts, 4);
    const endsHere = end.length >= 3 && text(end.subarray(end.length - 3)) === '.\r\n';
    const lineStart = c.size === 3 || (end.length === 4 && end[0] === 10);
    if (!endsHere || !lineStart) return { kind: 'fragment' };
    const all = c.parts.length === 1 ? c.parts[0] : concatBytes(...c.parts);
    const frags = c.frags;
    c.mode = 'command';
    c.parts = [];
    c.frags = [];
    c.size = 0;
    return { kind: 'end', message: all.subarray(0, all.length - 3), frags, tail: 3 };
  }
  const lines = completeLines(ctx, b);
  if (!lines.length) return undefined;
  const mode = c.mode;
  for (const [s, e] of lines) {
    const line = text(b.subarray(s, e));
    if (c.mode === 'user' || c.mode === 'pass') {
      c.mode = 'command';
      continue;
    }
    const word = line.split(' ')[0].toUpperCase();
    if (word === 'DATA') c.dataAsked = true;
    c.tlsAsked = word === 'STARTTLS';
    if (word === 'AUTH' && /^AUTH\s+LOGIN\b/i.test(line))
      c.loginNext = line.trim().split(/\s+/).length > 2 ? 'pass' : 'user';
  }
  return { kind: 'lines', mode };
}

/** The last `n` bytes (or fewer) of the pieces joined. */
function lastBytes(parts: Uint8Array[], n: number): Uint8Array {
  const out: number[] = [];
  for (let i = parts.length - 1; i >= 0 && out.length < n; i--)
    for (let j = parts[i].length - 1; j >= 0 && out.length < n; j--) out.unshift(parts[i][j]);
  return Uint8Array.from(out);
}

/**
 * Server replies: "S: 250-first | second | …" (a continuation line without its code). As in Wireshark, a reply
 * is one Response item (its first line, with the code) holding a parameter per line, multi-line or not.
 */
function serverReplies(ctx: DissectCtx, b: Uint8Array, stream: number): boolean {
  const lines = completeLines(ctx, b);
  if (!lines.length) return true;
  ctx.columns.protocol = 'SMTP';
  ctx.add(f.rsp, lines[0][0], 0, true, { hidden: true });
  const shown: string[] = [];
  let continued = false;
  let reply: Item | undefined;
  for (const [s, e, next] of lines) {
    const line = text(b.subarray(s, e));
    shown.push(continued && /^\d{3}[ -]/.test(line) ? line.slice(4) : line);
    const code = /^\d{3}/.test(line) ? Number(line.slice(0, 3)) : undefined;
    if (!continued || !reply) {
      reply = ctx.add(f.response, s, next - s, `${line}\r\n`, { label: () => `Response: ${line}\\r\\n` });
      if (code !== undefined) ctx.add(f.code, s, 3, code, { parent: reply });
    }
    if (code !== undefined && line.length > 4)
      ctx.add(f.rspParameter, s + 4, line.length - 4, line.slice(4), { parent: reply });
    continued = line[3] === '-';
    if (!ctx.visited && code !== undefined) noteReply(ctx, stream, code);
  }
  ctx.columns.info = `S: ${shown.join(' | ')}`;
  return true;
}

/**
 * A reply moves the client on: 354 after DATA starts the message, 334 after AUTH LOGIN asks for a user/password,
 * 220 after STARTTLS turns the connection into TLS.
 */
function noteReply(ctx: DissectCtx, stream: number, code: number): void {
  const c = convs(ctx).get(stream);
  if (!c) return;
  if (c.tlsAsked && code === 220) startTls(ctx, 'smtp');
  c.tlsAsked = false;
  if (code === 354 && c.dataAsked) {
    c.mode = 'data';
    c.dataAsked = false;
  } else if (code === 334 && c.loginNext) {
    c.mode = c.loginNext;
    c.loginNext = c.loginNext === 'user' ? 'pass' : undefined;
  } else if (code >= 400) c.loginNext = undefined;
  if (code !== 354 && code < 400 && c.dataAsked && code !== 250) c.dataAsked = false;
}

/** A message a client sent, as File > Export Objects > IMF lists it (recorded on the first pass). */
export interface EmailRecord {
  /** Frame of the final "." (where the message is reassembled). */
  frame: number;
  from: string;
  to: string;
  subject: string;
  source: string;
  destination: string;
  /** The message as sent (headers and body, without the final "." line). */
  bytes: Uint8Array;
}

/** The messages of the capture so far, in frame order. */
export function emailRecords(ctx: Pick<DissectCtx, 'state'>): EmailRecord[] {
  return ctx.state.get('smtp.messages', () => [] as EmailRecord[]);
}

/** The segment that ends a message: the "." line, the fragments, and the message as IMF. */
function messageEnd(ctx: DissectCtx, rec: Extract<ClientRecord, { kind: 'end' }>): boolean {
  const v = ctx.view;
  ctx.text('C: .', v.length - rec.tail, rec.tail);
  const last = rec.frags[rec.frags.length - 1];
  if (rec.frags.length > 1 || last.len !== rec.message.length + rec.tail) {
    const len = rec.message.length;
    const items = rec.frags.map((x) => `#${x.frame}(${x.len - (x === last ? rec.tail : 0)})`);
    const top = ctx.add(f.fragments, 0, 0, null, {
      generated: true,
      label: () => `[${rec.frags.length} DATA fragments (${len} bytes): ${items.join(', ')}]`,
    });
    for (const x of rec.frags) ctx.add(f.fragment, 0, 0, x.frame, { parent: top, generated: true });
    ctx.add(f.fragmentCount, 0, 0, rec.frags.length, { parent: top, generated: true });
    ctx.add(f.reassembledLength, 0, 0, len, { parent: top, generated: true });
  }
  const msg = ctx.withSource('Reassembled DATA', rec.message);
  const headers = imf(ctx, msg);
  if (!ctx.visited) keepEmail(ctx, headers, rec.message);
  return true;
}

/**
 * The header fields of a message by lower-case name (the first of each, unfolded), read without adding anything
 * to the tree: for a message kept for the e-mail list that is not shown as IMF (POP's RETR, IMAP's APPEND).
 */
export function headersOf(m: Uint8Array): Map<string, string> {
  const text = Buffer.from(m).toString('utf8');
  const head = text.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
  const out = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c > 0 && !out.has(line.slice(0, c).trim().toLowerCase()))
      out.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
  }
  return out;
}

/** A message joins the capture's e-mails at this frame, with the header values the list shows (first pass). */
export function keepEmail(ctx: DissectCtx, headers: ReadonlyMap<string, string>, bytes: Uint8Array): void {
  emailRecords(ctx).push({
    frame: ctx.frame.number,
    from: headers.get('from') ?? '',
    to: headers.get('to') ?? '',
    subject: headers.get('subject') ?? '',
    source: ctx.pinfo.netSrc ?? '',
    destination: ctx.pinfo.netDst ?? '',
    bytes,
  });
}

/**
 * An Internet Message: its header fields, Info "from: …, subject: …" and the text of the body, as tshark 4.0;
 * the Protocol column names the protocol that carried it ("SMTP/IMF", "POP/IMF"). Returns the header values by
 * lower-case name (the first of each).
 */
export function imf(ctx: DissectCtx, m: DissectCtx, carrier = 'SMTP'): Map<string, string> {
  const headers = new Map<string, string>();
  const b = m.view.bytes.subarray(0, m.view.length);
  const top = m.layerItem(imfProto, 0, b.length);
  ctx.columns.protocol = `${carrier}/IMF`;
  const info: string[] = [];
  let o = 0;
  // Header fields (a line starting with white space continues the one before), up to the blank line.
  while (o < b.length) {
    let e = b.indexOf(10, o);
    if (e < 0) e = b.length;
    let next = e + 1;
    while (next < b.length && (b[next] === 32 || b[next] === 9)) {
      const more = b.indexOf(10, next);
      e = more < 0 ? b.length : more;
      next = e + 1;
    }
    const raw = text(b.subarray(o, e)).replace(/\r$/, '');
    if (raw === '') {
      o = Math.min(next, b.length);
      info.push('');
      break;
    }
    const c = raw.indexOf(':');
    if (c > 0) {
      const name = raw.slice(0, c).trim().toLowerCase();
      const value = raw.slice(c + 1).replace(/^[ \t]+/, '');
      // Folded values keep their line ends, shown escaped as tshark shows them.
      const shownValue = value.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
      if (!headers.has(name)) headers.set(name, value);
      const field = IMF_HEADERS[name] ?? imfExtension;
      m.add(field, o, Math.min(next, b.length) - o, value, {
        parent: top,
        label: () => `${raw.slice(0, c)}: ${shownValue}`,
      });
      if (name === 'from') info.push(`from: ${shownValue}`);
      else if (name === 'subject') info.push(`subject: ${shownValue}`);
    }
    o = Math.min(next, b.length);
  }
  // The body, a line at a time.
  while (o < b.length) {
    let e = b.indexOf(10, o);
    e = e < 0 ? b.length : e + 1;
    const line = wsp(text(b.subarray(o, e)));
    m.text(line, o, e - o, top);
    info.push(line);
    o = e;
  }
  ctx.columns.info = info.join(', ');
  return headers;
}
