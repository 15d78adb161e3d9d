/**
 * POP3 (RFC 1939) as Wireshark 4.0 shows it: "C: USER alice", "S: +OK …", and the lines of a RETR or TOP answer
 * after its "+OK" as "S: DATA fragment, N bytes", put together and read as an Internet Message once as many bytes
 * as the "+OK" announced have come (Wireshark's count, which leaves out the message's start in the "+OK" segment).
 *
 * Beyond tshark: every message a RETR fetched, from its "+OK" line to the final ".", dot-unstuffed, joins the
 * e-mails of the capture (File › Export Objects › IMF, `wirelens export --protocol imf`): the phishing mail a
 * victim downloaded is evidence as much as the one a client sent over SMTP.
 */
import { str } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import { formatText } from '../fields/text.js';
import { headersOf, imf, keepEmail } from './l7-smtp.js';
import { forEachLine, lineAt } from './lines.js';
import { matchPort, startTls } from './l4-tcp.js';

const f = {
  response: str('pop.response', 'Response'),
  indicator: str('pop.response.indicator', 'Response indicator'),
  description: str('pop.response.description', 'Response description'),
  responseData: str('pop.response.data', 'Data'),
  request: str('pop.request', 'Request'),
  command: str('pop.request.command', 'Request command'),
  parameter: str('pop.request.parameter', 'Request parameter'),
  requestData: str('pop.request.data', 'Data'),
};

/** A connection's state on the first pass. */
interface Pop {
  /** The last command was RETR or TOP: its "+OK" starts a message. */
  messageRequested: boolean;
  /** Wireshark's count: the bytes the "+OK" announced, and those of the DATA fragments so far. */
  total: number;
  read: number;
  fragments: Uint8Array[];
  /** The message a RETR is fetching, as sent (for the e-mail list), until its final ".". */
  retrieving?: { chunks: Uint8Array[] };
  /** The last command was RETR (TOP fetches only a part of a message). */
  retr: boolean;
  /** The last command was STLS: a "+OK" turns the connection into TLS. */
  stls?: boolean;
}

/** Per frame, what the first pass decided: a DATA fragment (and the message it completed), or a line. */
interface PopFrame {
  fragment: boolean;
  reassembled?: Uint8Array;
}

const END = Uint8Array.from([13, 10, 46, 13, 10]);

function endsWithTerminator(chunks: readonly Uint8Array[]): boolean {
  const size = chunks.reduce((n, c) => n + c.length, 0);
  if (size < 3) return false;
  const all = Buffer.concat(chunks as Uint8Array[], size);
  // ".\r\n" alone (an empty message) or CRLF "." CRLF.
  return (size === 3 && all[0] === 46) || Buffer.from(END).equals(all.subarray(Math.max(0, size - 5)));
}

/** A fetched message without its final ".\r\n" and with leading dots unstuffed (RFC 1939 §3). */
function unstuff(data: Uint8Array): Uint8Array {
  const body = data.subarray(0, Math.max(0, data.length - 3));
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 46 && (i === 0 || body[i - 1] === 10) && body[i + 1] === 46) continue;
    out.push(body[i]);
  }
  return Uint8Array.from(out);
}

/** First pass: what this frame is, and the connection's state after it. */
function firstPass(ctx: DissectCtx, isRequest: boolean): PopFrame {
  const b = ctx.view.bytes;
  const stream = (ctx.pinfo.data.get('tcp.stream') as number | undefined) ?? -1;
  const all = ctx.state.get<Map<number, Pop>>('pop', () => new Map());
  let c = all.get(stream);
  if (!c) all.set(stream, (c = { messageRequested: false, total: 0, read: 0, fragments: [], retr: false }));
  const { end, next } = lineAt(ctx.view, 0);
  const line = Buffer.from(b.subarray(0, end)).toString('latin1');
  const continuation = !isRequest && !line.startsWith('+OK') && !line.startsWith('-ERR');
  if (continuation) {
    c.retrieving?.chunks.push(b.slice());
    const frame: PopFrame = { fragment: true };
    c.read += b.length;
    c.fragments.push(b.slice());
    if (c.read >= c.total) {
      frame.reassembled = Buffer.concat(c.fragments);
      c.read = c.total = 0;
      c.fragments = [];
    }
    keepMessage(ctx, c);
    return frame;
  }
  if (isRequest) {
    c.messageRequested = /^(RETR|TOP)/i.test(line);
    c.retr = /^RETR/i.test(line);
    c.stls = /^STLS/i.test(line);
  } else if (c.stls) {
    if (line.startsWith('+OK')) startTls(ctx, 'pop');
    c.stls = false;
  } else if (c.messageRequested) {
    if (line.startsWith('+OK ')) {
      c.read = 0;
      c.total = Number.parseInt(line.slice(4), 10) || 0;
      c.fragments = [];
      if (c.retr) c.retrieving = { chunks: [b.slice(next)] };
      keepMessage(ctx, c);
    }
    c.messageRequested = false;
  }
  return { fragment: false };
}

/** When the message a RETR fetched has come to its final ".", it joins the capture's e-mails. */
function keepMessage(ctx: DissectCtx, c: Pop): void {
  const r = c.retrieving;
  if (!r || !endsWithTerminator(r.chunks)) return;
  c.retrieving = undefined;
  const message = unstuff(Buffer.concat(r.chunks));
  keepEmail(ctx, headersOf(message), message);
}

export const pop = defineProtocol({
  abbrev: 'pop',
  name: 'Post Office Protocol',
  registerIn: { 'tcp.port': 110 },
  dissect(ctx) {
    const v = ctx.view;
    const b = v.bytes;
    const n = ctx.frame.number;
    const isRequest = ctx.pinfo.dstPort === matchPort(ctx);
    const k = ctx.callIndex('pop.calls');
    let fr: PopFrame | undefined = ctx.visited ? ctx.state.getFrameItem<PopFrame>('pop', n, k) : undefined;
    if (!fr) {
      fr = firstPass(ctx, isRequest);
      ctx.state.setFrameItem('pop', n, k, fr);
    }
    ctx.columns.protocol = 'POP';
    ctx.setLabel(ctx.top, 'Post Office Protocol');
    if (fr.fragment) {
      ctx.columns.info = `S: DATA fragment, ${b.length} byte${b.length === 1 ? '' : 's'}`;
      if (fr.reassembled) imf(ctx, ctx.withSource('Reassembled DATA', fr.reassembled), 'POP');
      return true;
    }
    const { end, next } = lineAt(v, 0);
    // Parsed a byte a character (offsets are the packet's); only Info and labels are escaped text.
    const line = Buffer.from(b.subarray(0, end)).toString('latin1');
    ctx.columns.info = `${isRequest ? 'C' : 'S'}: ${formatText(b, 0, end)}`;
    const first = ctx.add(isRequest ? f.request : f.response, 0, next, '', { label: formatText(b, 0, next) });
    const o = { parent: first };
    // The first token (skipping the spaces after it), then the rest of the line.
    const m = /^(\S+)( *)/.exec(line);
    if (m) {
      ctx.add(isRequest ? f.command : f.indicator, 0, m[1].length, formatText(b, 0, m[1].length), o);
      const at = m[0].length;
      if (at < end)
        ctx.add(isRequest ? f.parameter : f.description, at, end - at, formatText(b, at, end - at), o);
    }
    // The rest of the segment, a line at a time.
    forEachLine(v, next, (off, to) => {
      ctx.add(isRequest ? f.requestData : f.responseData, off, to - off, '', {
        label: formatText(b, off, to - off),
      });
    });
    return true;
  },
});
