/**
 * HTTP/2 (RFC 9113) as Wireshark shows it in the packet list: the connection preface ("Magic") and each frame as
 * TYPE[stream], a HEADERS frame with its request ("GET /path") or status ("200 OK"), the last DATA frame of a
 * response with its content type. Header blocks are decompressed with HPACK, whose tables make the first pass's
 * order matter: later passes show what it decoded. Reached through TLS (ALPN "h2") or the preface in the clear.
 */
import { bytes as bytesField, str, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import { HpackDecoder, HpackError, type Header } from './hpack.js';
import { statusDescription } from './http-status.js';

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

interface Connection {
  /** Per direction (the sender of the preface first): its HPACK decoder. */
  decoders: Map<string, HpackDecoder>;
  /** Content types of responses by stream, for the Info of their last DATA frame. */
  contentTypes: Map<number, string>;
}

/** What the first pass decoded of a frame's header block (undefined: it could not). */
type Decoded = readonly Header[] | undefined;

function connection(ctx: DissectCtx): Connection {
  const all = ctx.state.get<Map<number, Connection>>('http2.connections', () => new Map());
  const key = (ctx.pinfo.data.get('tcp.stream') as number | undefined) ?? -1;
  let c = all.get(key);
  if (!c) all.set(key, (c = { decoders: new Map(), contentTypes: new Map() }));
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

const header = (h: readonly Header[], name: string) => h.find((x) => x[0] === name)?.[1];

export const http2 = defineProtocol({
  abbrev: 'http2',
  name: 'HyperText Transfer Protocol 2',
  dissect(ctx) {
    const v = ctx.view;
    const names: string[] = [];
    let off = 0;
    if (v.has(0, PREFACE.length) && Buffer.from(v.slice(0, PREFACE.length)).equals(PREFACE)) {
      ctx.add(f.magic, 0, PREFACE.length, 'PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n');
      names.push('Magic');
      off = PREFACE.length;
    }
    const c = connection(ctx);
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
          const ct = header(headers, 'content-type');
          if (method === undefined && status !== undefined && ct !== undefined && !ctx.visited)
            c.contentTypes.set(sid, ct);
        }
      } else if (type === 0) {
        if (ctx.wants(f.data)) ctx.add(f.data, body, len, v.slice(body, len), { parent: frame });
        // The last DATA frame of a response: its content type, as Wireshark shows the reassembled body.
        const ct = flags & 0x01 ? c.contentTypes.get(sid) : undefined;
        if (ct !== undefined) name += ` (${ct.split(';')[0]})`;
      }
      names.push(name);
      off = body + len;
    }
    ctx.columns.protocol = 'HTTP2';
    ctx.columns.info = names.join(', ');
    ctx.setLabel(ctx.top, 'HyperText Transfer Protocol 2');
    return true;
  },
});
