/**
 * IMAP (RFC 3501) as Wireshark 4.0 shows it: every line of a segment as a "Line", a tagged line's tag, command
 * (after UID, if any), status and folder, LOGIN's username and password, requests paired with their responses by
 * tag, Info "Request: a001 LOGIN …" / "Response: a001 OK …" from the first tagged line. A FETCH response's
 * literal (`{N}` bytes) is read as an Internet Message once the segments holding all of it and the closing ")"
 * have come, as tshark reads it (it then gives the frame's Info).
 *
 * Beyond tshark: every whole message a FETCH brought (BODY[] or RFC822, not a header or a part) joins the e-mails
 * of the capture (File › Export Objects › IMF, `wirelens export --protocol imf`), as POP's RETR does; and so does
 * every message an APPEND saved (a client's copy of what it sent, in its Sent folder).
 *
 * After a STARTTLS the server says OK to, the connection is TLS (decrypted, IMAP again); IMAPS (993) is TLS from
 * the start, and TLS hands its decrypted data here too.
 */
import { bool, frameNum, relTime, str, type FieldDef } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import { timeDiff } from '../fields/format.js';
import type { Item } from '../dissect/types.js';
import { formatText } from '../fields/text.js';
import { matchPort, startTls, type Desegment } from './l4-tcp.js';
import { headersOf, keepEmail, imf } from './l7-smtp.js';
import { findLineEnd, lineNext } from './lines.js';
import { asciiText } from '../bytes/byteview.js';

const f = {
  isRequest: bool('imap.isrequest', 'Request'),
  line: str('imap.line', 'Line'),
  request: str('imap.request', 'Request'),
  requestTag: str('imap.request_tag', 'Request Tag'),
  response: str('imap.response', 'Response'),
  responseTag: str('imap.response_tag', 'Response Tag'),
  requestCommand: str('imap.request.command', 'Request Command'),
  responseCommand: str('imap.response.command', 'Response Command'),
  responseStatus: str('imap.response.status', 'Response Status'),
  tag: str('imap.tag', 'Tag'),
  command: str('imap.command', 'Command'),
  folder: str('imap.request.folder', 'Request Folder'),
  uid: bool('imap.request.command.uid', 'Request isUID'),
  username: str('imap.request.username', 'Request Username'),
  password: str('imap.request.password', 'Request Password'),
  responseIn: frameNum('imap.response_in', 'Response In'),
  responseTo: frameNum('imap.response_to', 'Request In'),
  time: relTime('imap.time', 'Response Time'),
};

const IMAP_PORT = 143;

/** Commands whose first argument is a mailbox (Wireshark's list; COPY's is its second). */
const FOLDER_COMMANDS = [
  'select',
  'examine',
  'create',
  'delete',
  'rename',
  'subscribe',
  'unsubscribe',
  'status',
  'append',
  'search',
];

/** A request and the frame of its response, paired by tag within a connection. */
interface Exchange {
  request: number;
  response: number;
  at: { s: number; ns: number };
}

/** Bytes [off, off+len) of `b` as Wireshark reads ENC_ASCII strings (a byte over 0x7f is U+FFFD). */
function ascii(b: Uint8Array, off: number, len: number): string {
  return asciiText(b.subarray(off, off + len));
}

/**
 * tvb_get_token_len() without desegmentation: the token at `off` within `len` bytes ends at a space, CR or LF;
 * `next` is just past that byte (or the end when there is none).
 */
function token(b: Uint8Array, off: number, len: number): { len: number; next: number } {
  const end = Math.min(b.length, off + Math.max(0, len));
  for (let i = off; i < end; i++)
    if (b[i] === 32 || b[i] === 13 || b[i] === 10) return { len: i - off, next: i + 1 };
  return { len: Math.max(0, end - off), next: end };
}

/** strncmp(command, word, command length) == 0: the lower-case command is `word` or a prefix of it. */
const isPrefixOf = (command: string, word: string) =>
  command.length <= word.length && word.startsWith(command);

const isWhitespace = (c: number) => c === 32 || c === 9 || c === 13 || c === 10;

/** tvb_find_guint8 from `from`, looking at `max` bytes at most (all the rest when `max` is undefined). */
function find(b: Uint8Array, end: number, c: number, from: number, max = end - from): number {
  const to = Math.min(end, from + max);
  for (let i = from; i < to; i++) if (b[i] === c) return i;
  return -1;
}

/** ws_strtou32 on the whole text: decimal digits (leading white space and a '+' allowed), at most 2³² − 1. */
function u32(s: string): number | undefined {
  if (!/^\s*\+?\d+$/.test(s)) return undefined;
  const n = Number(s.trim());
  return n <= 0xffffffff ? n : undefined;
}

function requestMore(ctx: DissectCtx, offset: number): void {
  // The layer stays: Wireshark's IMAP adds its tree item before it finds a FETCH literal incomplete.
  const d: Desegment = { offset, need: -1, keepLayer: true };
  ctx.pinfo.data.set('tcp.desegment', d);
}

/** A message an APPEND is sending (its literal), by connection: the bytes expected and those come so far. */
function appends(ctx: DissectCtx): Map<unknown, { size: number; chunks: Uint8Array[]; got: number }> {
  return ctx.state.get('imap.appends', () => new Map());
}

/**
 * A client line while an APPEND's literal is coming (first pass): its bytes are the message's, until the size
 * the command announced; then the message joins the capture's e-mails (the copy a client keeps of what it sent).
 */
function appendLine(ctx: DissectCtx, from: number, to: number): void {
  const stream = ctx.pinfo.data.get('tcp.stream');
  const a = appends(ctx).get(stream);
  if (!a) return;
  const take = Math.min(to - from, a.size - a.got);
  a.chunks.push(ctx.view.slice(from, take));
  a.got += take;
  if (a.got < a.size) return;
  appends(ctx).delete(stream);
  const message = Buffer.concat(a.chunks);
  keepEmail(ctx, headersOf(message), new Uint8Array(message));
}

/** Connections (TCP streams) whose client asked for STARTTLS and has had no tagged answer yet. */
function tlsAsked(ctx: DissectCtx): Set<unknown> {
  return ctx.state.get('imap.starttls', () => new Set<unknown>());
}

/** Requests by connection and lower-case tag, in frame order. */
function exchanges(ctx: DissectCtx): Map<string, Exchange[]> {
  return ctx.state.get('imap.exchanges', () => new Map<string, Exchange[]>());
}

/** imap_match_request(): records a request or pairs a response on the first pass; shows the pairing. */
function matchRequest(ctx: DissectCtx, tag: string, isRequest: boolean, parent: Item): void {
  const n = ctx.frame.number;
  const key = `${ctx.pinfo.data.get('tcp.stream') as number | undefined} ${tag}`;
  const all = exchanges(ctx);
  let list = all.get(key);
  if (!ctx.visited && isRequest) {
    if (!list) all.set(key, (list = []));
    if (list.at(-1)?.request !== n)
      list.push({ request: n, response: 0, at: { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec } });
  }
  const e = list?.findLast((x) => x.request <= n);
  if (!e) return;
  if (!ctx.visited && !isRequest) e.response = n;
  if (isRequest) {
    if (e.response) ctx.add(f.responseIn, 0, 0, e.response, { parent, generated: true });
    return;
  }
  ctx.add(f.responseTo, 0, 0, e.request, { parent, generated: true });
  ctx.add(f.time, 0, 0, timeDiff({ s: ctx.frame.tsSec, ns: ctx.frame.tsNsec }, e.at), {
    parent,
    generated: true,
  });
}

export const imap = defineProtocol({
  abbrev: 'imap',
  name: 'Internet Message Access Protocol',
  registerIn: { 'tcp.port': IMAP_PORT },
  dissect(ctx) {
    const v = ctx.view;
    const b = v.bytes;
    const len = v.length;
    const isRequest = ctx.pinfo.dstPort === matchPort(ctx);
    ctx.columns.protocol = 'IMAP';
    let linelen = findLineEnd(v, 0, true);
    if (linelen < 0) {
      ctx.pinfo.data.set('tcp.desegment', { offset: 0, need: -1 } satisfies Desegment);
      return true;
    }
    ctx.add(f.isRequest, 0, 0, isRequest, { hidden: true });
    /** A string item whose label shows its bytes escaped, as tshark shows an ASCII string. */
    const text = (field: FieldDef, off: number, n: number, parent?: Item, hidden = false) =>
      ctx.add(field, off, n, ascii(b, off, n), {
        parent,
        hidden,
        label: () => `${field.name}: ${formatText(b, off, n)}`,
      });
    const setInfo = (off: number, n: number) =>
      (ctx.columns.info = `${isRequest ? 'Request' : 'Response'}: ${formatText(b, off, n)}`);
    let firstLine = true;
    let offset = 0;
    while (offset < len) {
      linelen = findLineEnd(v, offset, true);
      if (linelen < 0) {
        requestMore(ctx, offset);
        return true;
      }
      let next = lineNext(v, offset, linelen);
      if (isRequest && !ctx.visited) appendLine(ctx, offset, next);
      if (b[offset] === 42) {
        // An untagged line ("* …"): FETCH among its first three words means a response that may carry a literal.
        const words: { start: number; end: number }[] = [];
        let at = offset;
        do {
          const start = at + 1;
          at = -1;
          for (let i = start; i < next; i++)
            if (isWhitespace(b[i])) {
              at = i;
              break;
            }
          if (at > start) words.push({ start, end: at });
        } while (at !== -1 && words.length < 3);
        let showLine = true;
        if (words.length >= 2) {
          const fetch = words.find((w) =>
            isPrefixOf(ascii(b, w.start, w.end - w.start).toUpperCase(), 'FETCH'),
          );
          if (fetch) {
            const r = fetchResponse(ctx, fetch.end, offset, next);
            if (r === undefined) {
              requestMore(ctx, offset);
              return true;
            }
            showLine = false;
            if (r.message) firstLine = false;
            next = r.next;
          }
        }
        if (showLine) text(f.line, offset, next - offset);
        offset = next;
        continue;
      }
      if (firstLine) {
        setInfo(offset, linelen);
        firstLine = false;
      }
      const lineItem = text(f.line, offset, next - offset);
      if (linelen !== 0) text(isRequest ? f.request : f.response, offset, linelen, lineItem);
      tagged(ctx, offset, linelen, isRequest, lineItem, text);
      offset = next;
    }
    // Only untagged lines: Info shows the segment's start, as long as its last line (Wireshark's quirk).
    if (firstLine) setInfo(0, linelen);
    return true;
  },
});

/**
 * A FETCH response at `offset` (its line ends at `next`): undefined while more data is needed, else where the
 * next line starts and whether a literal was read as a message. As Wireshark does, it looks for "(", then "{N}"
 * and a ")" after N more bytes (counted from the "}"), anywhere in the rest of the data.
 */
function fetchResponse(
  ctx: DissectCtx,
  fetchEnd: number,
  offset: number,
  next: number,
): { next: number; message: boolean } | undefined {
  const v = ctx.view;
  const b = v.bytes;
  const len = v.length;
  const open = find(b, len, 40, fetchEnd);
  if (open < 0) return undefined;
  const remaining = len - (open + 1);
  if (remaining <= 0) return undefined;
  const sizeStart = find(b, len, 123, open, remaining);
  const line = (to: number) =>
    ctx.add(f.line, offset, to - offset, ascii(b, offset, to - offset), {
      label: () => `${f.line.name}: ${formatText(b, offset, to - offset)}`,
    });
  if (sizeStart < 0) {
    // No literal: the response ends at the end of the line the "(" is on.
    const ll = findLineEnd(v, open, true);
    if (ll < 0) return undefined;
    const to = lineNext(v, open, ll);
    line(to);
    return { next: to, message: false };
  }
  const sizeEnd = find(b, len, 125, sizeStart + 1, remaining - (sizeStart - open));
  if (sizeEnd <= 0) return undefined;
  const size = u32(ascii(b, sizeStart + 1, sizeEnd - sizeStart - 1));
  if (size === undefined || len - (sizeEnd + size) <= 0 || find(b, len, 41, sizeEnd + size) < 0)
    return undefined;
  line(next);
  const headers = imf(ctx, ctx.sub(next, Math.min(size, len - next)), 'IMAP');
  // The data item the literal is: BODY[] (BODY.PEEK[] asked for) or RFC822 is a whole message.
  const item = /(\S+)\s*$/.exec(ascii(b, open + 1, sizeStart - open - 1))?.[1] ?? '';
  if (!ctx.visited && /^(BODY\[\]|RFC822)$/i.test(item))
    keepEmail(ctx, headers, b.slice(next, Math.min(len, next + size)));
  return { next: next + size > next ? next + size : next, message: true };
}

/** The items of a tagged line [off, off+linelen): tag, command or status, folder, login, pairing. */
function tagged(
  ctx: DissectCtx,
  off: number,
  linelen: number,
  isRequest: boolean,
  parent: Item,
  text: (field: FieldDef, off: number, n: number, parent?: Item, hidden?: boolean) => Item,
): void {
  const b = ctx.view.bytes;
  let tag: string | undefined;
  let t = token(b, off, linelen);
  if (t.len !== 0) {
    tag = ascii(b, off, t.len).toLowerCase();
    text(isRequest ? f.requestTag : f.responseTag, off, t.len, parent);
    text(f.tag, off, t.len, parent, true);
    linelen -= t.next - off;
    off = t.next;
  }
  t = token(b, off, linelen);
  if (t.len !== 0) {
    let command = '';
    let folder = { off: 0, len: 0, next: 0 };
    const argsFrom = (at: number) => {
      const a = token(b, at, linelen - (at - off));
      folder = { off: at, len: a.len, next: a.next };
    };
    if (isRequest && ascii(b, off, t.len).toUpperCase() === 'UID'.slice(0, t.len)) {
      ctx.add(f.uid, off, t.len, true, { parent });
      const u = token(b, t.next, linelen - (t.next - off));
      if (u.len !== 0) {
        text(f.requestCommand, t.next, u.len, parent);
        text(f.command, off, t.len, parent, true);
        command = ascii(b, t.next, u.len).toLowerCase();
        argsFrom(u.next);
      }
    } else {
      text(isRequest ? f.requestCommand : f.responseStatus, off, t.len, parent);
      if (isRequest) {
        text(f.command, off, t.len, parent, true);
        command = ascii(b, off, t.len).toLowerCase();
        argsFrom(t.next);
      }
    }
    if (command !== '') {
      if (FOLDER_COMMANDS.some((w) => isPrefixOf(command, w))) {
        if (folder.len !== 0) text(f.folder, folder.off, folder.len, parent);
      } else if (linelen > 0 && isPrefixOf(command, 'copy')) {
        const c = token(b, folder.next, linelen - (folder.next - off));
        if (c.len !== 0) text(f.folder, folder.next, c.len, parent);
      } else if (isPrefixOf(command, 'starttls')) {
        if (!ctx.visited) tlsAsked(ctx).add(ctx.pinfo.data.get('tcp.stream'));
      } else if (isPrefixOf(command, 'login')) {
        const user = token(b, t.next, linelen - (t.next - off));
        text(f.username, t.next, user.len, parent);
        const pass = token(b, user.next, linelen - (user.next - off));
        // Wireshark takes the password as if it were quoted: without its first and last character.
        const value = pass.len >= 2 ? ascii(b, user.next + 1, pass.len - 2) : '';
        ctx.add(f.password, user.next, pass.len, value, { parent });
      }
    }
    if (command === 'append' && !ctx.visited) {
      // Its message follows as a literal: "{N}" (after the server's "+") or "{N+}" (at once) ends the line.
      const literal = /\{(\d+)\+?\}$/.exec(ascii(b, off, linelen));
      if (literal)
        appends(ctx).set(ctx.pinfo.data.get('tcp.stream'), {
          size: Number(literal[1]),
          chunks: [],
          got: 0,
        });
    }
    if (!isRequest) {
      // The server's answer to STARTTLS: OK turns the connection into TLS from the next frame on.
      const stream = ctx.pinfo.data.get('tcp.stream');
      if (!ctx.visited && tlsAsked(ctx).delete(stream) && ascii(b, off, t.len).toLowerCase() === 'ok')
        startTls(ctx, 'imap');
      const c = token(b, t.next, linelen - (t.next - off));
      if (c.len > 0) {
        text(f.responseCommand, t.next, c.len, parent);
        text(f.command, t.next, c.len, parent, true);
      }
    }
  }
  if (tag !== undefined) matchRequest(ctx, tag, isRequest, parent);
}
