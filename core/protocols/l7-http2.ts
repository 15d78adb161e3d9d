/**
 * HTTP/2 (RFC 9113) as Wireshark shows it in the packet list: the connection preface ("Magic") and each frame as
 * TYPE[stream], a HEADERS frame with its request ("GET /path") or status ("200 OK"), the last DATA frame of a
 * response with its content type. Header blocks are decompressed with HPACK, whose tables make the first pass's
 * order matter: later passes show what it decoded. Reached through TLS (ALPN "h2") or the preface in the clear.
 *
 * Bodies: each stream's DATA frames are put together, decoded from their content coding (gzip, deflate, br) and
 * shown as data sources of the frame that ends the stream, where the media type's dissector reads them ("DATA[1]
 * (GIF89a)", as tshark shows it). Each body is an HTTP object for export (tshark 4.0 exports none of HTTP/2's),
 * named after its request's :path, with :authority as its host.
 */
import { bytes as bytesField, str, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import { HpackDecoder, HpackError, type Header } from './hpack.js';
import { statusDescription } from './http-status.js';
import { decodeContent, httpState, mediaLayer, pushObject, type HttpRequestInfo } from './l7-http.js';

const FRAMES = [
  'DATA',
  'HEADERS',
  'PRIORITY',
  'RST_STREAM',
  'SETTINGS',
  'PUSH_PROMISE',
  'PING',
  'GOAWAY',
  'WINDOW_UPDATE',
  'CONTINUATION',
];
const FRAME_STRINGS: Record<number, string> = Object.fromEntries(FRAMES.map((n, i) => [i, n]));

/** The client's connection preface: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n". */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

const f = {
  magic: str('http2.magic', 'Magic'),
  length: uint('http2.length', 'Length', 24),
  type: uint('http2.type', 'Type', 8, { strings: FRAME_STRINGS }),
  flags: uint('http2.flags', 'Flags', 8, { base: 'hex' }),
  streamId: uint('http2.streamid', 'Stream Identifier', 32),
  headerName: str('http2.header.name', 'Name'),
  headerValue: str('http2.header.value', 'Value'),
  method: str('http2.headers.method', ':method'),
  path: str('http2.headers.path', ':path'),
  status: uint('http2.headers.status', ':status', 16),
  authority: str('http2.headers.authority', ':authority'),
  scheme: str('http2.headers.scheme', ':scheme'),
  contentType: str('http2.headers.content_type', 'content-type'),
  data: bytesField('http2.data.data', 'Data'),
};

/** Headers with a field of their own (text; :status is a number, as in Wireshark). */
const PSEUDO: Record<string, (typeof f)[keyof typeof f]> = {
  ':method': f.method,
  ':path': f.path,
  ':authority': f.authority,
  ':scheme': f.scheme,
  'content-type': f.contentType,
};

/** One side of a stream (request or response): its headers and the DATA bytes so far. */
interface Message {
  headers?: readonly Header[];
  chunks: Uint8Array[];
}

interface Stream {
  /** The sender of the request's HEADERS (address:port). */
  client?: string;
  request?: HttpRequestInfo;
  sides: { request: Message; response: Message };
}

interface Connection {
  /** Per direction (the sender of the preface first): its HPACK decoder. */
  decoders: Map<string, HpackDecoder>;
  /** Streams whose messages are not complete yet (first pass). */
  streams: Map<number, Stream>;
}

/** A message body complete at a frame (END_STREAM), kept for every pass over that frame. */
interface Body {
  coded: Uint8Array;
  /** The body decoded from its content coding (undefined: none, or it did not decode). */
  decoded?: Uint8Array;
  /** Its content coding (gzip, br, …); undefined for none or "identity". */
  encoding?: string;
  contentType: string;
  /** The request it belongs to (or answers); the side: request body (POST) or response. */
  request?: HttpRequestInfo;
}

/** What the first pass decoded of a frame's header block (undefined: it could not). */
type Decoded = readonly Header[] | undefined;

function connection(ctx: DissectCtx): Connection {
  const all = ctx.state.get<Map<number, Connection>>('http2.connections', () => new Map());
  const key = (ctx.pinfo.data.get('tcp.stream') as number | undefined) ?? -1;
  let c = all.get(key);
  if (!c) all.set(key, (c = { decoders: new Map(), streams: new Map() }));
  return c;
}

/** A header block's headers: decoded on the first pass (in order, through the direction's table), else recalled. */
function headerBlock(ctx: DissectCtx, block: Uint8Array): Decoded {
  const n = ctx.frame.number;
  const k = ctx.callIndex('http2.blocks');
  if (ctx.visited) return ctx.state.getFrameItem<Decoded>('http2.headers', n, k);
  const c = connection(ctx);
  const from = `${ctx.pinfo.netSrc}:${ctx.pinfo.srcPort}`;
  let d = c.decoders.get(from);
  if (!d) c.decoders.set(from, (d = new HpackDecoder()));
  let headers: Decoded;
  try {
    headers = d.decode(block);
  } catch (e) {
    if (!(e instanceof HpackError)) throw e;
  }
  ctx.state.setFrameItem('http2.headers', n, k, headers);
  return headers;
}

const header = (h: readonly Header[] | undefined, name: string) => h?.find((x) => x[0] === name)?.[1];

function streamOf(c: Connection, sid: number): Stream {
  let s = c.streams.get(sid);
  if (!s) c.streams.set(sid, (s = { sides: { request: { chunks: [] }, response: { chunks: [] } } }));
  return s;
}

/** The side of stream `s` that `from` sends: the request's sender is the client. */
const sideOf = (s: Stream, from: string): Message => (s.client === from ? s.sides.request : s.sides.response);

/** First pass: the body `m` ends with (if it has one), decoded; the side is reset. */
function finish(s: Stream, m: Message): Body | undefined {
  const size = m.chunks.reduce((n, c) => n + c.length, 0);
  const headers = m.headers;
  const chunks = m.chunks;
  m.chunks = [];
  m.headers = undefined;
  if (size === 0) return undefined;
  const coded = Buffer.concat(chunks, size);
  const coding = header(headers, 'content-encoding');
  const encoding = coding?.toLowerCase() === 'identity' ? undefined : coding;
  const decoded = encoding !== undefined ? decodeContent(encoding, coded) : undefined;
  return {
    coded: new Uint8Array(coded.buffer, coded.byteOffset, coded.length),
    ...(decoded ? { decoded } : {}),
    ...(encoding !== undefined ? { encoding } : {}),
    contentType: (header(headers, 'content-type') ?? '').split(';')[0].trim(),
    ...(s.request ? { request: s.request } : {}),
  };
}

/**
 * At a frame with END_STREAM: the body that ended (decided on the first pass, recalled on later ones) as data
 * sources (as sent, and decoded), its media layer with its note in Info, and on the first pass its HTTP object.
 */
function showBody(ctx: DissectCtx, frame: ReturnType<DissectCtx['text']>, body: Body | undefined): void {
  if (!body) return;
  let bodyCtx = ctx.withSource('Reassembled HTTP/2 body', body.coded);
  if (body.encoding !== undefined) {
    const { encoding, coded, decoded } = body;
    const entity = ctx.text(
      `Content-encoded entity body (${encoding}): ${coded.length} bytes${decoded ? ` -> ${decoded.length} bytes` : ''}`,
      0,
      0,
      frame,
    );
    if (!decoded) ctx.expert(entity, 'warn', 'undecoded', 'Decompression failed');
    // A body that does not decode is exported as it was sent (as HTTP/1.x bodies are).
    if (decoded) bodyCtx = ctx.withSource('Uncompressed entity body', decoded);
  }
  const bytes = bodyCtx.view.bytes;
  if (!ctx.visited)
    pushObject(ctx, httpState(ctx), ctx.frame.number, body.request, body.contentType, bytes, {
      src: bodyCtx.src,
      off: 0,
      len: bytes.length,
    });
  // A body that did not decode gets no media layer (as HTTP/1.x's).
  if (body.decoded || body.encoding === undefined) mediaLayer(ctx, bodyCtx, body.contentType, false);
}

export const http2 = defineProtocol({
  abbrev: 'http2',
  name: 'HyperText Transfer Protocol 2',
  dissect(ctx) {
    const v = ctx.view;
    const cols = ctx.columns;
    // Each frame's name joins the Info text as it comes, so that a body's media layer can add its note; the
    // frame's later calls (more TLS records) add theirs after a separator, as Wireshark's do.
    if (ctx.callIndex('http2.calls') === 0) cols.info = '';
    const note = (name: string) => void (cols.info += cols.info ? `, ${name}` : name);
    let off = 0;
    if (v.has(0, PREFACE.length) && Buffer.from(v.slice(0, PREFACE.length)).equals(PREFACE)) {
      ctx.add(f.magic, 0, PREFACE.length, 'PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n');
      note('Magic');
      off = PREFACE.length;
    }
    const c = connection(ctx);
    const from = `${ctx.pinfo.netSrc}:${ctx.pinfo.srcPort}`;
    while (off < v.length) {
      const need = v.has(off, 9) ? 9 + v.u24be(off) : 9;
      if (!v.has(off, need)) {
        // A frame continues in the next TLS record or segment: ask for the rest.
        ctx.pinfo.data.set('tcp.desegment', { offset: off, need });
        break;
      }
      const len = v.u24be(off);
      const type = v.u8(off + 3);
      const flags = v.u8(off + 4);
      const sid = v.u32be(off + 5) & 0x7fffffff;
      const typeName = FRAMES[type] ?? `Unknown type (${type})`;
      // Wireshark's subtree per frame: "Stream: HEADERS, Stream ID: 1, Length 42, GET /test.txt".
      const title = `Stream: ${typeName}, Stream ID: ${sid}, Length ${len}`;
      const frame = ctx.text(title, off, 9 + len);
      ctx.add(f.length, off, 3, len, { parent: frame });
      ctx.add(f.type, off + 3, 1, type, { parent: frame });
      ctx.add(f.flags, off + 4, 1, flags, { parent: frame });
      ctx.add(f.streamId, off + 5, 4, sid, { parent: frame });
      let name = `${typeName}[${sid}]`;
      const body = off + 9;
      const endStream = (type === 0 || type === 1) && (flags & 0x01) !== 0;
      if (type === 1 || type === 5) {
        // HEADERS / PUSH_PROMISE: padding (PADDED), a priority (HEADERS with PRIORITY) or promised stream first.
        const pad = flags & 0x08 ? v.u8(body) : 0;
        let start = body + (flags & 0x08 ? 1 : 0);
        if (type === 1 && flags & 0x20) start += 5;
        if (type === 5) start += 4;
        const end = body + len - pad;
        const headers = start <= end ? headerBlock(ctx, v.slice(start, end - start)) : undefined;
        if (headers) {
          for (const [hn, hv] of headers) {
            // Each header covers the whole block: HPACK gives no byte range per header to show.
            const h = ctx.text(`Header: ${hn}: ${hv}`, start, end - start, frame);
            ctx.add(f.headerName, start, end - start, hn, { parent: h });
            ctx.add(f.headerValue, start, end - start, hv, { parent: h });
            const pf = PSEUDO[hn];
            if (pf) ctx.add(pf, start, end - start, hv, { parent: h });
            else if (hn === ':status' && /^\d{1,5}$/.test(hv))
              ctx.add(f.status, start, end - start, Number(hv), { parent: h });
          }
          const method = header(headers, ':method');
          const status = header(headers, ':status');
          const summary =
            method !== undefined
              ? `${method} ${header(headers, ':path') ?? ''}`
              : status !== undefined
                ? `${status} ${statusDescription(Number(status))}`
                : '';
          if (summary) {
            name += `: ${summary}`;
            ctx.setLabel(frame, `${title}, ${summary}`);
          }
          if (type === 1 && !ctx.visited) {
            const s = streamOf(c, sid);
            if (method !== undefined) {
              s.client = from;
              s.request = {
                frame: ctx.frame.number,
                method,
                uri: header(headers, ':path') ?? '',
                host: header(headers, ':authority') ?? '',
                ts: { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec },
              };
              s.sides.request.headers = headers;
            } else if (s.client !== from && !/^1\d\d$/.test(status ?? '')) {
              // A final response's headers (not an interim 1xx, not trailers after the body).
              const m = s.sides.response;
              if (!m.chunks.length) m.headers = headers;
            }
          }
        }
      } else if (type === 0) {
        const pad = flags & 0x08 ? v.u8(body) : 0;
        const start = body + (flags & 0x08 ? 1 : 0);
        const dataLen = Math.max(0, body + len - pad - start);
        if (ctx.wants(f.data)) ctx.add(f.data, start, dataLen, v.slice(start, dataLen), { parent: frame });
        // A copy: the bytes may be a reader's buffer, reused for later frames.
        if (!ctx.visited && dataLen > 0)
          sideOf(streamOf(c, sid), from).chunks.push(v.slice(start, dataLen).slice());
      } else if (type === 3 && !ctx.visited) {
        // RST_STREAM: what the stream carried so far is no message.
        c.streams.delete(sid);
      }
      note(name);
      if (endStream) {
        // The k-th stream end of this frame: its body is decided on the first pass and recalled on later ones.
        const k = ctx.callIndex('http2.bodies');
        let done: Body | undefined;
        if (ctx.visited) done = ctx.state.getFrameItem<Body>('http2.bodies', ctx.frame.number, k);
        else {
          const s = c.streams.get(sid);
          if (s) {
            done = finish(s, sideOf(s, from));
            if (s.client !== from) c.streams.delete(sid);
          }
          ctx.state.setFrameItem('http2.bodies', ctx.frame.number, k, done);
        }
        showBody(ctx, frame, done);
      }
      off = body + len;
    }
    cols.protocol = 'HTTP2';
    ctx.setLabel(ctx.top, 'HyperText Transfer Protocol 2');
    return true;
  },
});
