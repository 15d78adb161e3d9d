/**
 * HTTP/1.x: request/response lines, headers, bodies (Content-Length, chunked, gzip/deflate), request ↔ response
 * pairing, media-type sub-dissection for the Info column (GIF, PNG, JPEG, text), and the records the HTTP object
 * export reads. Messages spanning several TCP segments ask TCP for more data through 'tcp.desegment'.
 */
import { gunzipSync, inflateSync, inflateRawSync, brotliDecompressSync } from 'node:zlib';
import { findLineEnd, lineNext } from './lines.js';
import {
  bool,
  bytes as bytesField,
  frameNum,
  relTime,
  str,
  uint,
  proto,
  type FieldDef,
} from '../fields/registry.js';
import {
  declareMarkers,
  declareWithin,
  defineProtocol,
  getProtocol,
  lowerLayerIds,
  wsText,
  type DissectCtx,
} from '../dissect/engine.js';
import { BoundsError, type ByteView } from '../bytes/byteview.js';
import type { Desegment } from './l4-tcp.js';
import type { Item } from '../dissect/types.js';
import type { Extending } from './tcp-desegment.js';
import { isWebSocketData, websocketStreams } from './l7-websocket.js';
import { gifDetails } from './media-gif.js';
import { pngDetails } from './media-png.js';
import { statusDescription } from './http-status.js';
import { formatText } from '../fields/text.js';
import { TLS_DECRYPTED } from './tls-decrypt.js';
import { JSON_MEDIA_TYPES, jsonLayer } from './l7-json.js';
import { formLayer } from './media-form.js';

export const HTTP_METHODS = [
  'GET',
  'POST',
  'HEAD',
  'PUT',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
  'PATCH',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'SEARCH',
  'REPORT',
  'NOTIFY',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'M-SEARCH',
];
// "PRI * HTTP/2.0" is the HTTP/2 connection preface, not an HTTP/1 request (Wireshark leaves it to HTTP/2).

const f = {
  request: bool('http.request', 'Request'),
  notification: bool('http.notification', 'Notification'),
  response: bool('http.response', 'Response'),
  method: str('http.request.method', 'Request Method'),
  uri: str('http.request.uri', 'Request URI'),
  uriPath: str('http.request.uri.path', 'Request URI Path'),
  uriQuery: str('http.request.uri.query', 'Request URI Query'),
  uriQueryParam: str('http.request.uri.query.parameter', 'Request URI Query Parameter'),
  reqVersion: str('http.request.version', 'Request Version'),
  fullUri: str('http.request.full_uri', 'Full request URI'),
  reqLine: str('http.request.line', 'Request line'),
  respVersion: str('http.response.version', 'Response Version'),
  code: uint('http.response.code', 'Status Code', 16),
  codeDesc: str('http.response.code.desc', 'Status Code Description'),
  phrase: str('http.response.phrase', 'Response Phrase'),
  respLine: str('http.response.line', 'Response line'),
  host: str('http.host', 'Host'),
  userAgent: str('http.user_agent', 'User-Agent'),
  accept: str('http.accept', 'Accept'),
  acceptEncoding: str('http.accept_encoding', 'Accept Encoding'),
  acceptLanguage: str('http.accept_language', 'Accept-Language'),
  connection: str('http.connection', 'Connection'),
  contentType: str('http.content_type', 'Content-Type'),
  contentLengthHeader: str('http.content_length_header', 'Content-Length'),
  contentLength: uint('http.content_length', 'Content length', 64),
  transferEncoding: str('http.transfer_encoding', 'Transfer-Encoding'),
  contentEncoding: str('http.content_encoding', 'Content-Encoding'),
  server: str('http.server', 'Server'),
  date: str('http.date', 'Date'),
  lastModified: str('http.last_modified', 'Last-Modified'),
  location: str('http.location', 'Location'),
  cookie: str('http.cookie', 'Cookie'),
  setCookie: str('http.set_cookie', 'Set-Cookie'),
  referer: str('http.referer', 'Referer'),
  authorization: str('http.authorization', 'Authorization'),
  authBasic: str('http.authbasic', 'Credentials'),
  cookiePair: str('http.cookie_pair', 'Cookie pair'),
  cacheControl: str('http.cache_control', 'Cache-Control'),
  upgrade: str('http.upgrade', 'Upgrade'),
  proxyAuthenticate: str('http.proxy_authenticate', 'Proxy-Authenticate'),
  proxyAuthorization: str('http.proxy_authorization', 'Proxy-Authorization'),
  wwwAuthenticate: str('http.www_authenticate', 'WWW-Authenticate'),
  wsAccept: str('http.sec_websocket_accept', 'Sec-WebSocket-Accept'),
  wsExtensions: str('http.sec_websocket_extensions', 'Sec-WebSocket-Extensions'),
  wsKey: str('http.sec_websocket_key', 'Sec-WebSocket-Key'),
  wsProtocol: str('http.sec_websocket_protocol', 'Sec-WebSocket-Protocol'),
  wsVersion: str('http.sec_websocket_version', 'Sec-WebSocket-Version'),
  xForwardedFor: str('http.x_forwarded_for', 'X-Forwarded-For'),
  http2Settings: str('http.http2_settings', 'HTTP2-Settings'),
  unknownHeader: str('http.unknown_header', 'Unknown header'),
  responseIn: frameNum('http.response_in', 'Response in frame'),
  requestIn: frameNum('http.request_in', 'Request in frame'),
  prevRequestIn: frameNum('http.prev_request_in', 'Prev request in frame'),
  prevResponseIn: frameNum('http.prev_response_in', 'Prev response in frame'),
  nextRequestIn: frameNum('http.next_request_in', 'Next request in frame'),
  nextResponseIn: frameNum('http.next_response_in', 'Next response in frame'),
  responseForUri: str('http.response_for.uri', 'Request URI'),
  time: relTime('http.time', 'Time since request'),
  requestNumber: uint('http.request_number', 'Request number', 32),
  responseNumber: uint('http.response_number', 'Response number', 32),
  fileData: bytesField('http.file_data', 'File Data'),
  chunkSize: uint('http.chunk_size', 'Chunk size', 32),
  chunkData: bytesField('http.chunk_data', 'Chunk data'),
  chunkBoundary: bytesField('http.chunk_boundary', 'Chunk boundary'),
  chunkedResponse: none0('http.chunked_response', 'HTTP chunked response'),
};
// What comes after a message's header lines comes with its marker (the frame summary tells requests from
// responses). The first line's own fields do not: a head cut by the snaplen has them but no marker, as in tshark.
declareMarkers([f.request, f.notification, f.response]);
declareWithin([f.request, f.notification], [f.fullUri, f.responseIn, f.requestNumber]);
declareWithin(
  [f.response],
  [f.requestIn, f.time, f.responseForUri, f.responseNumber, f.prevResponseIn, f.nextResponseIn],
);
declareWithin([f.request, f.response], [f.prevRequestIn, f.nextRequestIn]);
/**
 * Internal flags (not Wireshark fields, never shown): a request or status line is in the frame, even in a head the
 * snaplen cut before its request/response flag. A filter on the first line's fields (`http.request.method ==
 * "GET"`) then re-dissects only frames with such a line, not every HTTP frame.
 */
const head = {
  request: bool('_ws.http.request_line', 'HTTP request line present'),
  response: bool('_ws.http.status_line', 'HTTP status line present'),
};
declareMarkers([head.request, head.response]);
declareWithin(
  [head.request],
  [f.method, f.uri, f.uriPath, f.uriQuery, f.uriQueryParam, f.reqVersion, f.reqLine],
);
declareWithin([head.response], [f.respVersion, f.code, f.codeDesc, f.phrase, f.respLine]);
import { registry } from '../fields/registry.js';
function none0(abbrev: string, name: string) {
  return registry.register(abbrev, name, 'none');
}

const HEADER_FIELDS: Record<string, (typeof f)[keyof typeof f]> = {
  host: f.host,
  'user-agent': f.userAgent,
  accept: f.accept,
  'accept-encoding': f.acceptEncoding,
  'accept-language': f.acceptLanguage,
  connection: f.connection,
  'content-type': f.contentType,
  'content-length': f.contentLengthHeader,
  'transfer-encoding': f.transferEncoding,
  'content-encoding': f.contentEncoding,
  server: f.server,
  date: f.date,
  'last-modified': f.lastModified,
  location: f.location,
  cookie: f.cookie,
  'set-cookie': f.setCookie,
  referer: f.referer,
  authorization: f.authorization,
  'cache-control': f.cacheControl,
  upgrade: f.upgrade,
  'proxy-authenticate': f.proxyAuthenticate,
  'proxy-authorization': f.proxyAuthorization,
  'www-authenticate': f.wwwAuthenticate,
  'sec-websocket-accept': f.wsAccept,
  'sec-websocket-extensions': f.wsExtensions,
  'sec-websocket-key': f.wsKey,
  'sec-websocket-protocol': f.wsProtocol,
  'sec-websocket-version': f.wsVersion,
  'x-forwarded-for': f.xForwardedFor,
  'http2-settings': f.http2Settings,
};

// Media layers that add the Info suffix, as in tshark.
const media = {
  gif: proto('image-gif', 'Compuserve GIF'),
  gifVersion: str('image-gif.version', 'Version'),
  png: proto('png', 'Portable Network Graphics'),
  jfif: proto('image-jfif', 'JPEG File Interchange Format'),
  text: proto('data-text-lines', 'Line-based text data'),
  media: proto('media', 'Media Type'),
  xml: proto('xml', 'eXtensible Markup Language'),
};

export interface HttpRequestInfo {
  frame: number;
  method: string;
  uri: string;
  host: string;
  ts: { s: number; ns: number };
}

/**
 * One HTTP body as tshark's --export-objects http lists it, recorded on the first pass: every request or response
 * with a body, and the data of "Continuation" frames (named after the stream's last request, like tshark).
 */
export interface HttpObjectRecord {
  frame: number;
  /** Which http.file_data item of the frame holds the body (0 = first). */
  fileData: number;
  requestFrame?: number;
  host: string;
  uri: string;
  contentType: string;
  source: string;
  destination: string;
  size: number;
  method: string;
  /** False when no request was seen for it (tshark then names it "object<frame>"). */
  hasUri: boolean;
  /**
   * Where the body lies (data source, offset, length) when the frame shows no HTTP layer and so has no
   * http.file_data item to find it by: a bare body on a connection that carried no request.
   */
  at?: { src: number; off: number; len: number };
}

/**
 * Wireshark's request/response list of a connection (push_req/push_res): a request always starts an entry, a
 * response fills the last entry unless that one has a response already. Numbers the messages ("HTTP request
 * 2/3") and links them to the previous and next ones.
 */
interface ReqRes {
  number: number;
  reqFrame: number;
  resFrame: number;
  prev?: ReqRes;
  next?: ReqRes;
  /** The connection's list: its count is the "/N" (what the first pass has seen so far, then the total). */
  conv: { count: number; tail?: ReqRes };
}

interface HttpState {
  /** Request/response lists per connection (TCP stream, or UDP address and port pair). */
  reqRes: Map<string, { count: number; tail?: ReqRes }>;
  /** Pending requests per TCP stream (FIFO), for pairing responses. */
  pending: Map<number, HttpRequestInfo[]>;
  /** Last full request URI per TCP stream (kept until a later request with a Host header replaces it). */
  fullUri: Map<number, string>;
  /** Last request per TCP stream (names the data of continuation frames). */
  lastRequest: Map<number, HttpRequestInfo>;
  objects: HttpObjectRecord[];
  /**
   * Called on the first pass with each object as it is found and its body (valid during the call only): lets an
   * export started on a fresh capture write the bodies without dissecting their frames again.
   */
  onObject?: (record: HttpObjectRecord, body: Uint8Array) => void;
  requests: number;
  responses: number;
  /** Chunk walks of incomplete chunked bodies, by the key of the reassembled data they were made on. */
  walks: WeakMap<object, { off: number; walk: ChunkWalk }>;
}

export function httpState(ctx: { state: DissectCtx['state'] }): HttpState {
  return ctx.state.get<HttpState>('http', () => ({
    reqRes: new Map(),
    fullUri: new Map(),
    pending: new Map(),
    lastRequest: new Map(),
    objects: [],
    requests: 0,
    responses: 0,
    walks: new WeakMap(),
  }));
}

interface Parsed {
  isRequest: boolean;
  firstLine: string;
  method?: string;
  uri?: string;
  version: string;
  code?: number;
  phrase?: string;
  /** `value` trimmed (what the logic reads), `text` as Wireshark's field has it (leading spaces skipped only). */
  headers: { name: string; value: string; text: string; off: number; len: number }[];
  headerEnd: number; // offset after the blank line
  /**
   * For a head cut by the snaplen: whether Wireshark's header loop throws at the cut, before the message's
   * request/response flag is added (the cut line is a token without a colon), rather than ending quietly
   * (nothing after the last line end, a colon-bearing header, or a line it does not take for a header).
   */
  throwsInHead?: boolean;
}

function lineEnd(v: ByteView, from: number, end: number): number {
  for (let i = from; i < end; i++) if (v.bytes[i] === 10) return i;
  return -1;
}

/** Does `off` start an HTTP request or status line? (heuristic, cheap) */
export function looksLikeHttp(v: ByteView, off: number): boolean {
  const b = v.bytes;
  if (off + 5 > b.length) return false;
  if (
    b[off] === 0x48 &&
    b[off + 1] === 0x54 &&
    b[off + 2] === 0x54 &&
    b[off + 3] === 0x50 &&
    b[off + 4] === 0x2f
  )
    return true;
  let i = off;
  while (i < b.length && i - off < 12 && ((b[i] >= 0x41 && b[i] <= 0x5a) || b[i] === 0x2d)) i++;
  if (i === off || i >= b.length || b[i] !== 0x20) return false;
  return HTTP_METHODS.includes(v.latin1(off, i - off));
}

/** The partly parsed message of the last 'incomplete' result (first line and complete header lines). */
let lastPartial: Parsed | undefined;

function parseHead(v: ByteView, off: number): Parsed | 'incomplete' | undefined {
  lastPartial = undefined;
  const end = v.length;
  const le = lineEnd(v, off, end);
  if (le < 0) return looksLikeHttp(v, off) ? 'incomplete' : undefined;
  const first = v.latin1(off, le - off).replace(/\r$/, '');
  let p: Parsed;
  const resp = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(first);
  if (resp) {
    p = {
      isRequest: false,
      firstLine: first,
      version: resp[1],
      code: Number(resp[2]),
      phrase: resp[3] ?? '',
      headers: [],
      headerEnd: 0,
    };
  } else {
    const req = /^([A-Z-]+) (\S+) (HTTP\/\d\.\d)$/.exec(first);
    if (!req || !HTTP_METHODS.includes(req[1])) return undefined;
    p = {
      isRequest: true,
      firstLine: first,
      method: req[1],
      uri: req[2],
      version: req[3],
      headers: [],
      headerEnd: 0,
    };
  }
  let pos = le + 1;
  for (;;) {
    const e = lineEnd(v, pos, end);
    if (e < 0) {
      // Headers not complete: keep what was read for a frame cut by the snaplen, with the cut line as
      // Wireshark takes it (a header once it has its colon).
      const cut = cutLine(v, pos, end);
      if (cut === 'header') {
        const line = v.latin1(pos, end - pos);
        const c = line.indexOf(':');
        p.headers.push(headerOf(line, c, pos, end - pos));
      }
      p.throwsInHead = cut === 'throws';
      p.headerEnd = end;
      lastPartial = p;
      return 'incomplete';
    }
    const line = v.latin1(pos, e - pos).replace(/\r$/, '');
    if (line === '') {
      p.headerEnd = e + 1;
      return p;
    }
    const c = line.indexOf(':');
    if (c > 0) p.headers.push(headerOf(line, c, pos, e + 1 - pos));
    else p.headers.push({ name: line, value: '', text: '', off: pos, len: e + 1 - pos });
    pos = e + 1;
    if (p.headers.length > 1000) return p;
  }
}

/**
 * How Wireshark's header loop takes the last line of a head cut by the snaplen, v[from, end) with no line end:
 * nothing there, a header (token characters, then a colon), not a header (a separator first: the loop ends),
 * or a line it cannot tell yet (token characters only, or a control character), where it throws.
 */
function cutLine(v: ByteView, from: number, end: number): 'none' | 'header' | 'other' | 'throws' {
  if (from >= end) return 'none';
  for (let i = from; i < end; i++) {
    const c = v.bytes[i];
    if (c < 0x20 || c > 0x7e) return 'throws';
    if (c === 0x3a) return 'header';
    if (SEPARATORS.includes(c)) return 'other';
  }
  return 'throws';
}
/** RFC 2616 separators (HT is a control character): a header name has none. */
const SEPARATORS = [...'()<>@,;\\"/[]?={} '].map((ch) => ch.charCodeAt(0));

/**
 * A line as sent, as Wireshark labels it (format_text: UTF-8, control characters escaped, its line end shown as
 * \\r\\n, none when the snaplen cut it).
 */
function shownLine(v: ByteView, off: number, len: number): string {
  return formatText(v.bytes, off, Math.min(len, v.length - off));
}

/**
 * What Wireshark 4.0 accepts in a header name (no space before the colon): RFC 7230's token characters, except
 * that its list has a backslash (and the colon) where the RFC has the apostrophe.
 */
const TOKEN_CHARS = new Set([...'!#$%&\\:*+-.^_`|~'].map((ch) => ch.charCodeAt(0)));
function isTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || TOKEN_CHARS.has(c);
}

/** Whether the header name at v[off, off+len) (up to its colon) is one Wireshark takes as a header. */
function validHeaderName(v: ByteView, off: number, len: number): boolean {
  if (len <= 0) return false;
  for (let i = off; i < off + len; i++) if (!isTokenChar(v.u8(i))) return false;
  return true;
}

/**
 * A header line Wireshark shows as a line (http.request.line, http.response.line or http.unknown_header) rather
 * than as a header field, with its warnings: a NUL with more text after it (Wireshark's string reading stops
 * there) and, for a name that is no token, the illegal-characters note.
 */
function lineItem(
  ctx: DissectCtx,
  field: FieldDef,
  off: number,
  len: number,
  value: string,
  parent: Item,
  badName: boolean,
): void {
  const v = ctx.view;
  const it = ctx.add(field, off, len, value, { parent, label: () => shownLine(v, off, len) });
  if (strayAfterNul(v.bytes, off, Math.min(v.length, off + len)))
    ctx.expert(it, 'warn', 'undecoded', 'Trailing stray characters');
  if (badName) ctx.expert(it, 'warn', 'protocol', 'Illegal characters found in header name');
}

/**
 * Wireshark's check for text after a NUL in a string read as ASCII: it converts the bytes first (each byte
 * ≥ 0x80 to U+FFFD, three bytes of UTF-8), then looks for anything but NULs between the first NUL of the
 * converted text and the original length — so a NUL that many high bytes push past that length goes unnoticed.
 */
function strayAfterNul(b: Uint8Array, off: number, end: number): boolean {
  const length = end - off;
  let pos = 0;
  let i = off;
  for (; i < end && b[i] !== 0; i++) pos += b[i] >= 0x80 ? 3 : 1;
  for (; i < end && pos < length; i++, pos++) if (b[i] !== 0) return true;
  return false;
}

function header(p: Parsed, name: string): string | undefined {
  const n = name.toLowerCase();
  return p.headers.find((h) => h.name.toLowerCase() === n)?.value;
}

/** A header line's name and value (the colon at `c`). */
function headerOf(line: string, c: number, off: number, len: number): Parsed['headers'][number] {
  const text = line.slice(c + 1).replace(/^[ \t]+/, '');
  return { name: line.slice(0, c), value: text.trim(), text, off, len };
}

/** Bytes String.prototype.trim() removes from a latin1 line (tab, LF, VT, FF, CR, space, NBSP). */
const isTrimmed = (c: number) => (c >= 9 && c <= 13) || c === 32 || c === 0xa0;
const hexDigit = (c: number) =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;

/**
 * The size on a chunk-size line [pos, le) (le at its LF): hex digits before any ';' extension, surrounding
 * whitespace ignored; -1 when it is not that. Read from the bytes: it runs once per chunk of a body.
 */
function chunkSize(b: Uint8Array, pos: number, le: number): number {
  let end = le;
  for (let k = pos; k < le; k++)
    if (b[k] === 0x3b) {
      end = k;
      break;
    }
  while (end > pos && isTrimmed(b[end - 1])) end--;
  let start = pos;
  while (start < end && isTrimmed(b[start])) start++;
  if (start === end) return -1;
  let size = 0;
  for (let k = start; k < end; k++) {
    const d = hexDigit(b[k]);
    if (d < 0) return -1;
    size = size * 16 + d;
  }
  return size;
}

/** How far a walk through a chunked body got: the chunk-size line at `pos` is next, after `count` chunks. */
interface ChunkWalk {
  pos: number;
  count: number;
}

/** A de-chunked body: where it ends, its data, and its chunks as [offset, size, length with line ends]. */
interface Dechunked {
  end: number;
  data: Uint8Array;
  chunks: [number, number, number][];
}

/** Chunks a body may have before it is taken as not chunked after all. */
const MAX_CHUNKS = 100000;

/**
 * Walks the chunks of a body from `w` on, moving `w` past each complete one (each step reads only bytes before
 * the end of its chunk, so a walk stopped short stays valid for the same data with more after it). With `out`,
 * records each chunk and its data. Returns the offset after the last chunk's trailers, or why it stopped.
 */
function walkChunks(
  v: ByteView,
  w: ChunkWalk,
  out?: { chunks: [number, number, number][]; parts: Uint8Array[] },
): number | 'incomplete' | 'bad' {
  const b = v.bytes;
  const n = v.length;
  for (; w.count < MAX_CHUNKS; w.count++) {
    const pos = w.pos;
    const le = lineEnd(v, pos, n);
    if (le < 0) return 'incomplete';
    const size = chunkSize(b, pos, le);
    if (size < 0) return 'bad';
    const dataOff = le + 1;
    if (size === 0) {
      // Trailers until an empty line.
      let p = dataOff;
      for (;;) {
        const e = lineEnd(v, p, n);
        if (e < 0) return 'incomplete';
        const empty = e === p || (e === p + 1 && b[p] === 13);
        p = e + 1;
        if (empty) break;
      }
      out?.chunks.push([pos, 0, p - pos]);
      return p;
    }
    if (dataOff + size + 2 > n) return 'incomplete';
    if (out) {
      out.chunks.push([pos, size, dataOff + size + 2 - pos]);
      out.parts.push(b.subarray(dataOff, dataOff + size));
    }
    let next = dataOff + size;
    if (b[next] === 13) next++;
    if (b[next] === 10) next++;
    w.pos = next;
  }
  return 'bad';
}

/**
 * Parses a chunked body at `off`, its walk continued from `w` (a walk from `off` that stopped short on the same
 * bytes, see chunkWalk()): the end offset, the de-chunked data and the chunks, or 'incomplete' or 'bad'. The
 * chunks are only collected once the body is complete: an incomplete one costs a walk without allocations.
 */
function dechunk(
  v: ByteView,
  off: number,
  w: ChunkWalk = { pos: off, count: 0 },
): Dechunked | 'incomplete' | 'bad' {
  const r = walkChunks(v, w);
  if (typeof r !== 'number') return r;
  const out = { chunks: [] as [number, number, number][], parts: [] as Uint8Array[] };
  const end = walkChunks(v, { pos: off, count: 0 }, out) as number;
  const data = new Uint8Array(out.parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of out.parts) {
    data.set(x, o);
    o += x.length;
  }
  return { end, data, chunks: out.chunks };
}

/**
 * Where the chunk walk of the body at `body` (of the message at `off`) starts: at its first chunk, or where the
 * last walk of it stopped when TCP says the data extends the data of that walk (the same PDU reassembled again,
 * one segment longer): a large chunked body then costs one walk, not one per segment.
 */
function chunkWalk(ctx: DissectCtx, off: number, body: number): ChunkWalk {
  const ext = ctx.pinfo.data.get('tcp.extends') as Extending | undefined;
  // Only for the data TCP handed on itself (not a part of it another dissector passed to HTTP).
  if (!ext || ext.bytes !== ctx.view.bytes) return { pos: body, count: 0 };
  const walks = httpState(ctx).walks;
  const last = walks.get(ext.key);
  // The same message start means the same headers, so the same body start.
  if (last && last.off === off) return last.walk;
  const walk = { pos: body, count: 0 };
  walks.set(ext.key, { off, walk });
  return walk;
}

/** A body decoded from its content coding (gzip, deflate, br), or undefined for one that does not decode. */
export function decodeContent(encoding: string, data: Uint8Array): Uint8Array | undefined {
  try {
    const e = encoding.toLowerCase();
    if (e === 'gzip' || e === 'x-gzip') return gunzipSync(data);
    if (e === 'deflate') {
      try {
        return inflateSync(data);
      } catch {
        return inflateRawSync(data);
      }
    }
    if (e === 'br') return brotliDecompressSync(data);
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Wireshark's "Line-based text data" tree: its count of lines in the label and a line item each (text with its
 * line end shown as \r\n). Only for the full tree.
 */
function textLines(body: DissectCtx, top: Item, ct: string): void {
  if (!body.fullTree) return;
  const b = body.view.bytes;
  const lines: [number, number][] = [];
  for (let o = 0; o < b.length;) {
    let e = o;
    while (e < b.length && b[e] !== 10) e++;
    const next = Math.min(b.length, e + 1);
    lines.push([o, next]);
    o = next;
  }
  body.setLabel(top, `Line-based text data${ct ? `: ${ct}` : ''} (${lines.length} lines)`);
  for (const [o, e] of lines) body.text(shownLine(body.view, o, e - o), o, e - o, top);
}

/** A "Line-based text data" layer over all of `body`, of no media type (FTP-DATA's text). */
export function lineBasedText(body: DissectCtx): void {
  textLines(body, body.layerItem(media.text, 0, body.view.length), '');
}

/**
 * A Compuserve GIF layer over `body` when it starts with a GIF signature; returns the version, or ''. With
 * `info`, the version goes into the Info text ("(GIF89a)") first, as Wireshark's GIF dissector adds it before
 * reading the image. A GIF cut short (by the snaplen) ends the packet's dissection there, as in Wireshark:
 * callers record what the message holds (its object) first.
 */
function gifLayer(body: DissectCtx, info: boolean): string {
  const b = body.view.bytes;
  const ver = b.length >= 6 ? String.fromCharCode(...b.subarray(0, 6)) : '';
  if (ver !== 'GIF89a' && ver !== 'GIF87a') return '';
  if (info) body.columns.info += ` (${ver})`;
  const it = body.layerItem(media.gif, 0, b.length, `Compuserve GIF, Version: ${ver}`);
  body.add(media.gifVersion, 0, 6, ver, { parent: it });
  try {
    gifDetails(body, it);
  } catch (e) {
    // Wireshark names the GIF, not HTTP, as what the snaplen cut.
    if (e instanceof BoundsError) e.part = 'GIF image';
    throw e;
  }
  return ver;
}

/**
 * The body's media-type layer, noted in the Info text as tshark shows it ("(GIF89a)", "(PNG)", "(text/html)").
 * With `fallback` false only a dissector registered for the type takes the body (HTTP/2's dissector_try_string):
 * no heuristics, no generic media layer.
 */
export function mediaLayer(ctx: DissectCtx, body: DissectCtx, contentType: string, fallback = true): void {
  const ct = contentType.split(';')[0].trim().toLowerCase();
  const b = body.view.bytes;
  if (b.length === 0) return;
  const add = (field: typeof media.gif, suffix: string): Item => {
    ctx.columns.info += ` ${suffix}`;
    return body.layerItem(field, 0, b.length);
  };
  if (ct === 'image/gif') {
    if (gifLayer(body, true)) return;
    // Not a GIF after all (a PNG served as image/gif): Wireshark notes it and tries the heuristics.
    ctx.expert(
      undefined,
      'note',
      'malformed',
      'HTTP body subdissector failed, trying heuristic subdissector',
    );
  }
  if (
    ct === 'image/png' ||
    (ct.startsWith('image/') && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47)
  ) {
    if (b[0] === 0x89 && b[1] === 0x50) {
      const it = add(media.png, '(PNG)');
      try {
        pngDetails(body, it);
      } catch (e) {
        if (e instanceof BoundsError) e.part = 'PNG';
        throw e;
      }
      return;
    }
  }
  if ((ct === 'image/jpeg' || ct === 'image/jpg') && b[0] === 0xff && b[1] === 0xd8)
    return void add(media.jfif, '(JPEG JFIF image)');
  if (ct.startsWith('text/')) return textLines(body, add(media.text, `(${ct})`), ct);
  if (JSON_MEDIA_TYPES.has(ct)) {
    // Wireshark's JSON dissector adds "/JSON" to the Protocol column and its name to the Info text; what
    // follows the JSON goes to the line-based text dissector, which notes the type as a whole JSON body does.
    const end = jsonLayer(body, ct);
    if (end < b.length) textLines(body.sub(end), body.layerItem(media.text, end, b.length - end), ct);
    ctx.columns.info += ` (${ct})`;
    return;
  }
  // Wireshark hands octet streams to its "data" dissector: a Data layer, nothing added to the Info text.
  if (ct === 'application/octet-stream') return body.data(0, b.length);
  if (ct === 'application/xml') return void add(media.xml, '(application/xml)');
  if (ct === 'application/x-www-form-urlencoded') return formLayer(ctx, body, ct);
  if (!fallback) return;
  // A type no dissector takes (or none at all): HTTP's heuristic dissectors come first (GIF's finds its
  // signature), then the media layer — or, without a Content-Type, a Data layer in HTTP's tree.
  if (gifLayer(body, true)) return;
  if (ct) add(media.media, `(${ct})`);
  else body.data(0, b.length, ctx.top);
}

export const http = defineProtocol({
  abbrev: 'http',
  name: 'Hypertext Transfer Protocol',
  registerIn: { 'tcp.port': [80, 8080, 8000, 3128, 8008, 8888] },
  heuristicIn: ['tcp'],
  dissect(ctx) {
    // After "101 Switching Protocols" the stream is not HTTP any more: let the WebSocket dissector take it.
    if (isWebSocketData(ctx)) return false;
    const v = ctx.view;
    const tcpCan = ctx.pinfo.data.get('tcp.can_desegment') as boolean | undefined;
    const canDesegment = tcpCan ?? (ctx.frame.capLen >= ctx.frame.origLen || ctx.src !== 0);
    // The length of the data as sent (more than what was captured when the snaplen cut the frame).
    const reportedLen = Math.max(
      v.length,
      (ctx.pinfo.data.get('tcp.reported_len') as number | undefined) ?? 0,
    );
    const stream = (ctx.pinfo.data.get('tcp.stream') as number | undefined) ?? -1;
    // Wireshark's "have_seen_http": a request was seen on this connection.
    // The connection's last request as it stood when this data was first dissected (replayed as it was then).
    const conv = convAt(ctx, stream);
    if (!conv.last && !isHttpPort(ctx) && !looksLikeHttp(v, 0)) return false;
    let off = 0;
    let msgIndex = 0;
    let any = false;
    while (off < v.length || off < reportedLen) {
      // dissect_http_message(): a CRLF before a message is skipped; reading past the captured bytes throws.
      let start = off;
      if (reportedLen - off > 3) {
        if (off + 2 > v.length) throw new BoundsError(v.length, off, 2);
        if (v.bytes[off] === 13 && v.bytes[off + 1] === 10) start += 2;
      }
      if (start >= v.length) throw new BoundsError(v.length, start, 1);
      const b0 = v.bytes[start];
      if (b0 < 0x20 || b0 > 0x7e) {
        // Binary data: only a "Continuation" on a connection that carried HTTP, never an exported object.
        if (!conv.last) {
          if (!any) ctx.pinfo.data.set('tcp.swallowed', true);
          return true;
        }
        ctx.columns.protocol = 'HTTP';
        if (msgIndex === 0) ctx.columns.info = 'Continuation';
        // Inside the HTTP tree, as Wireshark calls the data dissector on it (not a level of the hierarchy).
        ctx.data(off, v.length - off, ctx.top);
        return true;
      }
      const firstEnd = findLineEnd(v, start, true);
      if (firstEnd < 0 && canDesegment && v.length >= reportedLen && v.length - start < MAX_HEAD_DESEGMENT) {
        // No complete line yet: ask for one more segment, whatever the data.
        requestMore(ctx, { offset: start, need: -1 });
        return true;
      }
      const p = firstEnd < 0 || !looksLikeHttp(v, start) ? undefined : parseHead(v, start);
      if (p === undefined) {
        const used = continuation(ctx, start, msgIndex, stream, conv);
        if (used < 0) {
          if (!any && !conv.last) ctx.pinfo.data.set('tcp.swallowed', true);
          return true;
        }
        any = true;
        off = start + used;
        msgIndex++;
        continue;
      }
      off = start;
      if (p === 'incomplete') {
        if (off === 0 && !looksLikeHttp(v, 0)) return false;
        ctx.columns.protocol = 'HTTP';
        const le = lineEnd(v, off, v.length);
        if (le >= 0) setInfo(ctx, v.latin1(off, le - off).replace(/\r$/, ''), msgIndex);
        else if (!canDesegment && off === 0) ctx.columns.info = 'Continuation';
        if (canDesegment && v.length - off < MAX_HEAD_DESEGMENT) {
          requestMore(ctx, { offset: off, need: -1 });
          return true;
        }
        // Cut by the snaplen: dissect what is there, then report the missing rest as tshark does.
        const partial = lastPartial;
        if (partial) {
          const st = (ctx.pinfo.data.get('tcp.stream') as number | undefined) ?? -1;
          // A response head that gets through its lines (no throw) answers the pending request, as a whole one.
          const req =
            partial.isRequest || partial.throwsInHead ? undefined : answeredRequest(ctx, stream, msgIndex);
          dissectMessage(ctx, partial, off, v.length, msgIndex, req, st, undefined, true, true);
        }
        throw new BoundsError(v.length, 1, v.length);
      }
      // Headers complete: how long is the body?
      const st = httpState(ctx);
      const key = msgKey(ctx.frame.number, msgIndex);
      let req: HttpRequestInfo | undefined;
      if (!p.isRequest) {
        // Peek only: the request is consumed when the response is complete (not on a partial first try).
        if (!ctx.visited) req = st.pending.get(stream)?.[0];
        else req = ctx.state.getFrame<HttpRequestInfo>('http.req_of', key);
      }
      // Like Wireshark, the connection's last request decides whether a response can have a body.
      const lastMethod = conv.last?.method;
      const noBody =
        !p.isRequest &&
        (lastMethod === 'HEAD' ||
          (p.code !== undefined && (p.code < 200 || p.code === 204 || p.code === 304)));
      // A FIN ends the stream: no more data will come for the body.
      const canDesegmentBody = canDesegment && ctx.pinfo.data.get('tcp.fin') !== true;
      const te = header(p, 'transfer-encoding')?.toLowerCase();
      const clText = header(p, 'content-length');
      const cl = clText !== undefined && /^\d+$/.test(clText) ? Number(clText) : undefined;
      let bodyEnd = p.headerEnd;
      let chunked: ReturnType<typeof dechunk> | undefined;
      if (!noBody) {
        if (te?.includes('chunked')) {
          chunked = dechunk(v, p.headerEnd, chunkWalk(ctx, off, p.headerEnd));
          if (chunked === 'incomplete') {
            ctx.columns.protocol = 'HTTP';
            setInfo(ctx, p.firstLine, msgIndex);
            if (canDesegmentBody) {
              requestMore(ctx, { offset: off, need: -1 });
              return true;
            }
            throw new BoundsError(v.length, 1, v.length);
          } else if (chunked !== 'bad') bodyEnd = chunked.end;
          else bodyEnd = v.length;
        } else if (cl !== undefined) {
          bodyEnd = p.headerEnd + cl;
          if (bodyEnd > v.length) {
            ctx.columns.protocol = 'HTTP';
            setInfo(ctx, p.firstLine, msgIndex);
            if (canDesegmentBody) {
              requestMore(ctx, { offset: off, need: bodyEnd - off });
              return true;
            }
            // What is there of the body (cut by the snaplen or the end of the stream).
            dissectMessage(ctx, p, off, v.length, msgIndex, req, stream, undefined, noBody);
            if (reportedLen > v.length) throw new BoundsError(v.length, 1, v.length);
            return true;
          }
        } else if (!p.isRequest) {
          // No length: the body runs to the end of the connection.
          if (canDesegmentBody) {
            ctx.columns.protocol = 'HTTP';
            setInfo(ctx, p.firstLine, msgIndex);
            requestMore(ctx, { offset: off, need: -2 });
            return true;
          }
          bodyEnd = v.length;
        }
      }
      // A complete message: dissect it.
      any = true;
      if (!p.isRequest && !ctx.visited && req) {
        st.pending.get(stream)?.shift();
        ctx.state.setFrame('http.req_of', key, req);
      }
      dissectMessage(ctx, p, off, bodyEnd, msgIndex, req, stream, chunked, noBody);
      if (p.isRequest)
        conv.last = {
          frame: ctx.frame.number,
          method: p.method!,
          uri: p.uri!,
          host: header(p, 'host') ?? '',
          ts: { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec },
        };
      off = bodyEnd;
      msgIndex++;
    }
    return any || true;
  },
});

/**
 * Data that does not start with a request or status line, as dissect_http_message() takes it: lines with a
 * colon are headers up to a blank line, a line without one ends them, and the rest is a body exported under the
 * connection's last request URI (or as "object<frame>" when no request was seen). Returns the bytes used, or
 * -1 when nothing was dissected.
 */
function continuation(ctx: DissectCtx, start: number, msgIndex: number, stream: number, conv: Conv): number {
  const v = ctx.view;
  const st = httpState(ctx);
  const last = conv.last;
  if (last) {
    ctx.columns.protocol = 'HTTP';
    if (msgIndex === 0) ctx.columns.info = 'Continuation';
  }
  let o = start;
  let saw = false;
  let requestAt: { off: number; method: string } | undefined;
  let contentType = '';
  let cl: number | undefined;
  while (o < v.length) {
    const ll = findLineEnd(v, o, false);
    const next = lineNext(v, o, ll);
    if (ll === 0) {
      // A blank line ends the headers; like a header, it makes the data HTTP.
      saw = true;
      o = next;
      break;
    }
    const line = v.latin1(o, ll);
    const c = line.indexOf(':');
    if (looksLikeHttp(v, o) && !line.startsWith('HTTP/')) {
      // A request line (cut short by the snaplen): it still names the objects that follow.
      saw = true;
      const sp1 = line.indexOf(' ');
      const rest = line.slice(sp1 + 1);
      const sp2 = rest.indexOf(' ');
      const method = line.slice(0, sp1);
      const uri = sp2 < 0 ? rest : rest.slice(0, sp2);
      const version = sp2 < 0 ? '' : rest.slice(sp2 + 1);
      // Its items as Wireshark's tree has them (the request flag once the lines are through).
      const crlf = next - o > ll ? '\\r\\n' : '';
      const item = ctx.add(wsText, o, next - o, null, { label: () => line + crlf });
      ctx.expert(item, 'chat', 'sequence', line + crlf);
      requestLineItems(ctx, item, o, method, uri, version, o + ll - version.length);
      requestAt ??= { off: o, method };
      if (!ctx.visited) noteRequest(ctx, method, uri, stream);
      conv.last = {
        frame: ctx.frame.number,
        method,
        uri,
        host: '',
        ts: { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec },
      };
      o = next;
      continue;
    }
    if (c >= 0 || looksLikeHttp(v, o)) {
      saw = true;
      if (c >= 0) {
        const name = line.slice(0, c).toLowerCase();
        const value = line.slice(c + 1).trim();
        const valid = validHeaderName(v, o, c);
        if (valid && name === 'content-type') contentType = value.split(';')[0].trim().toLowerCase();
        if (valid && name === 'content-length' && /^\d+$/.test(value)) cl = Number(value);
        const field = HEADER_FIELDS[name];
        if (field && valid) ctx.add(field, o, next - o, value, { label: () => shownLine(v, o, next - o) });
        else lineItem(ctx, f.unknownHeader, o, next - o, `${line.slice(0, c)}: ${value}`, ctx.top, !valid);
      }
      o = next;
      continue;
    }
    // tvb_ensure_bytes_exist(): a header line cut short throws.
    if (saw && o + ll + 1 > v.length) throw new BoundsError(v.length, o, ll + 1);
    break;
  }
  if (requestAt) {
    markMessage(ctx, requestAt.method, requestAt.off, ctx.top);
    const rr =
      requestAt.method === 'NOTIFY'
        ? undefined
        : reqRes(ctx, true, stream, msgKey(ctx.frame.number, msgIndex));
    if (rr)
      ctx.add(f.requestNumber, requestAt.off, 0, rr.number, {
        generated: true,
        label: () => `[HTTP request ${rr.number}/${rr.conv.count}]`,
      });
  }
  // Wireshark's HTTP tree exists only for a connection that carried a request or for data with a header or
  // blank line: a bare body on a fresh connection is still exported, but the frame shows no HTTP layer.
  const shown = last !== undefined || saw;
  let datalen = v.length - o;
  if (cl !== undefined) datalen = Math.min(datalen, cl);
  if (datalen > 0) {
    const body = v.slice(o, datalen);
    // The object first: a GIF cut short ends the dissection of the packet (see gifLayer).
    if (!ctx.visited) {
      const at = shown ? undefined : { src: ctx.src, off: ctx.base + o, len: datalen };
      pushObject(ctx, st, ctx.frame.number, last, contentType, body, at);
    }
    if (shown) {
      ctx.add(f.fileData, o, datalen, body, { label: () => `File Data: ${datalen} bytes` });
      // Wireshark offers the data to HTTP's heuristic dissectors (GIF's finds its signature), then to "data".
      const data = ctx.sub(o, datalen);
      // Its "(GIF89a)" follows "Continuation" in the Info text (a frame's first message on a connection
      // that carried HTTP).
      if (!gifLayer(data, last !== undefined && msgIndex === 0)) data.data(0, datalen, ctx.top);
    } else if (msgIndex === 0) ctx.pinfo.data.set('tcp.swallowed', true);
  }
  if (!saw && datalen <= 0 && !last) return -1;
  return o + Math.max(0, datalen) - start;
}

/** The connection's last request (Wireshark's conv_data->request_uri and request_method). */
interface Conv {
  last?: HttpRequestInfo;
}

/**
 * The last request of the stream when this call was first dissected: taken from the state on the first pass and
 * recorded per frame and call, so that a re-dissection decides exactly as the first pass did.
 */
function convAt(ctx: DissectCtx, stream: number): Conv {
  const k = ((ctx.pinfo.data.get('http.calls') as number | undefined) ?? 0) + 1;
  ctx.pinfo.data.set('http.calls', k);
  const key = ctx.frame.number * 64 + Math.min(k, 63);
  if (!ctx.visited) {
    const last = httpState(ctx).lastRequest.get(stream);
    ctx.state.setFrame('http.last', key, last ?? null);
    return { last };
  }
  return { last: ctx.state.getFrame<HttpRequestInfo | null>('http.last', key) ?? undefined };
}

/** Records a request seen only partly (no headers): it becomes the connection's last request. */
function noteRequest(ctx: DissectCtx, method: string, uri: string, stream: number): void {
  const st = httpState(ctx);
  st.requests++;
  const info: HttpRequestInfo = {
    frame: ctx.frame.number,
    method,
    uri,
    host: st.lastRequest.get(stream)?.host ?? '',
    ts: { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec },
  };
  const list = st.pending.get(stream) ?? [];
  list.push(info);
  st.pending.set(stream, list);
  st.lastRequest.set(stream, info);
}

function isHttpPort(ctx: DissectCtx): boolean {
  const ports = [80, 8080, 8000, 3128, 8008, 8888];
  return ports.includes(ctx.pinfo.srcPort ?? -1) || ports.includes(ctx.pinfo.dstPort ?? -1);
}

/** Per-message state key: frame number * 64 + message index (numeric keys index CaptureState's arrays). */
function msgKey(frame: number, msgIndex: number): number {
  return frame * 64 + Math.min(msgIndex, 63);
}

/**
 * How much data may pile up while a first line or a header block has no end yet. Each extra segment
 * re-assembles and re-parses everything so far, so without a bound a hostile (or merely binary) stream on an
 * HTTP port — megabytes without a line end — costs quadratic time. Real header blocks are a few kilobytes
 * (servers refuse more than 8–64 KiB); past this the data is dissected as it stands (a continuation), as when
 * the stream cannot be desegmented.
 */
const MAX_HEAD_DESEGMENT = 64 << 10;

function requestMore(ctx: DissectCtx, d: Desegment): void {
  ctx.pinfo.data.set('tcp.desegment', d);
}

/** The Info text: each message's first line; tshark 4.0 runs those of pipelined messages together. */
function setInfo(ctx: DissectCtx, firstLine: string, msgIndex: number): void {
  if (msgIndex === 0) ctx.columns.info = `${firstLine} `;
  else ctx.columns.info += `${firstLine} `;
}

function dissectMessage(
  ctx: DissectCtx,
  p: Parsed,
  off: number,
  bodyEnd: number,
  msgIndex: number,
  req: HttpRequestInfo | undefined,
  stream: number,
  chunked: ReturnType<typeof dechunk> | undefined,
  noBody: boolean,
  /** The head was cut by the snaplen: no blank line, and perhaps (p.throwsInHead) no end to its lines. */
  partial = false,
): void {
  const cut = partial && p.throwsInHead === true;
  const st = httpState(ctx);
  const v = ctx.view;
  ctx.columns.protocol = 'HTTP';
  setInfo(ctx, p.firstLine, msgIndex);
  const firstLen = lineEnd(v, off, v.length) + 1 - off;
  const top = msgIndex === 0 ? ctx.top : ctx.add(getProtocol('http')!.field, off, bodyEnd - off);
  const o = { parent: top };
  // The first line is a text line holding its fields; http.request.line / http.response.line are header lines.
  const fl = ctx.add(wsText, off, firstLen, null, { ...o, label: () => `${p.firstLine}\\r\\n` });
  // Wireshark's note on every request and status line (an expert item of the Sequence group, Chat level).
  ctx.expert(fl, 'chat', 'sequence', `${p.firstLine}\\r\\n`);
  const host = header(p, 'host') ?? '';
  if (p.isRequest) {
    // Wireshark adds the request/response flags after the header lines: a head cut short has none.
    if (!cut) markMessage(ctx, p.method!, off, top);
    requestLineItems(ctx, fl, off, p.method!, p.uri!, p.version, off + firstLen - p.version.length - 2);
  } else {
    if (!cut) ctx.add(f.response, off, 0, true, { ...o, hidden: true });
    ctx.add(head.response, off, 0, true, { parent: fl, hidden: true });
    ctx.add(f.respVersion, off, p.version.length, p.version, { parent: fl });
    ctx.add(f.code, off + p.version.length + 1, 3, p.code!, { parent: fl });
    ctx.add(f.codeDesc, off + p.version.length + 1, 3, statusDescription(p.code!), {
      parent: fl,
      generated: true,
    });
    // Like Wireshark, no phrase item for a status line that has none.
    if (p.phrase) ctx.add(f.phrase, off + p.version.length + 5, p.phrase.length, p.phrase, { parent: fl });
  }
  if (ctx.wantsAny(HEADER_ITEMS))
    for (const h of p.headers) {
      // The header line as sent (spaces kept; no line end when the snaplen cut it), and as Wireshark shows it.
      const raw = v.latin1(h.off, Math.min(h.len, v.length - h.off));
      const lineField = p.method === 'NOTIFY' ? f.unknownHeader : p.isRequest ? f.reqLine : f.respLine;
      const colon = h.off + h.name.length;
      if (colon < v.length && v.u8(colon) === 0x3a && !validHeaderName(v, h.off, h.name.length)) {
        // "Host : x" or binary: no header, a line with Wireshark's warning.
        lineItem(ctx, lineField, h.off, h.len, raw, top, true);
        continue;
      }
      const lower = h.name.toLowerCase();
      const field = HEADER_FIELDS[lower];
      const line = `${h.name}: ${h.value}`;
      const shown = () => shownLine(v, h.off, h.len);
      if (field) {
        const it = ctx.add(field, h.off, h.len, h.text, { ...o, label: shown });
        if (lower === 'content-length' && /^\d+$/.test(h.value))
          ctx.add(f.contentLength, h.off, h.len, Number(h.value), { parent: it, generated: true });
        else if (lower === 'cookie' || lower === 'authorization' || lower === 'proxy-authorization')
          headerParts(ctx, it, h, lower === 'cookie');
      }
      // Every header line is a request (response) line item: hidden beside a header's own field, shown for a
      // header Wireshark has no field for (http.unknown_header is for other messages, such as NOTIFY).
      if (p.method === 'NOTIFY') {
        if (!field) lineItem(ctx, lineField, h.off, h.len, line, top, false);
      } else if (field) ctx.add(lineField, h.off, h.len, raw, { ...o, hidden: true });
      else lineItem(ctx, lineField, h.off, h.len, raw, top, false);
    }
  const n = ctx.frame.number;
  if (p.isRequest && !ctx.visited) {
    const info: HttpRequestInfo = {
      frame: n,
      method: p.method!,
      uri: p.uri!,
      host,
      ts: { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec },
    };
    // The request line makes it the connection's last request; it is counted and paired with a response only
    // when its head is through (Wireshark's push_req after the header loop).
    st.lastRequest.set(stream, info);
    if (!cut) {
      st.requests++;
      const list = st.pending.get(stream) ?? [];
      list.push(info);
      st.pending.set(stream, list);
      ctx.state.setFrame('http.reqnum', msgKey(n, msgIndex), st.requests);
    }
  }
  // A head cut where tshark throws ends there; one cut after a line end has no blank line.
  if (cut) return;
  if (!partial) ctx.text('\\r\\n', p.headerEnd - 2, 2, top);
  // A notification (NOTIFY) joins no request/response list and links to none, as in Wireshark.
  const rr = p.method === 'NOTIFY' ? undefined : reqRes(ctx, p.isRequest, stream, msgKey(n, msgIndex));
  const link = (field: FieldDef, frame: number | undefined) => {
    if (frame) ctx.add(field, off, 0, frame, { ...o, generated: true });
  };
  if (p.isRequest) {
    // Wireshark builds the full URI only for a request with a Host header (even an empty one).
    if (header(p, 'host') !== undefined) {
      const full = fullUriOf(p.uri!, host, ctx.pinfo.data.get(TLS_DECRYPTED) === true);
      if (!ctx.visited) st.fullUri.set(stream, full);
      if (ctx.wants(f.fullUri)) ctx.add(f.fullUri, off, 0, full, { ...o, generated: true });
    }
    if (rr) {
      ctx.add(f.requestNumber, off, 0, rr.number, {
        ...o,
        generated: true,
        label: () => `[HTTP request ${rr.number}/${rr.conv.count}]`,
      });
      link(f.prevRequestIn, rr.prev?.reqFrame);
    }
    const respIn = ctx.wants(f.responseIn)
      ? ctx.state.getFrame<number>('http.resp_in', msgKey(n, msgIndex))
      : undefined;
    if (respIn !== undefined) ctx.add(f.responseIn, off, 0, respIn, { ...o, generated: true });
    link(f.nextRequestIn, rr?.next?.reqFrame);
  } else {
    if (rr)
      ctx.add(f.responseNumber, off, 0, rr.number, {
        ...o,
        generated: true,
        label: () => `[HTTP response ${rr.number}/${rr.conv.count}]`,
      });
    responseLinks(ctx, req, rr, link, off, o);
    // Wireshark's "Request URI" of a response is the connection's, not the answered request's: the last full URI
    // (of a request whose Host header got through), else the last request line's URI (cut ones too).
    const key = msgKey(n, msgIndex);
    let forUri = ctx.state.getFrame<string>('http.resp_uri', key);
    if (!ctx.visited) {
      forUri = st.fullUri.get(stream) ?? st.lastRequest.get(stream)?.uri;
      if (forUri !== undefined) ctx.state.setFrame('http.resp_uri', key, forUri);
    }
    if (forUri !== undefined) ctx.add(f.responseForUri, off, 0, forUri, { ...o, generated: true });
  }
  if (
    !p.isRequest &&
    p.code === 101 &&
    (header(p, 'upgrade') ?? '').toLowerCase() === 'websocket' &&
    !ctx.visited
  ) {
    websocketStreams(ctx).set(stream, n);
  }
  // A filter reading nothing the body adds (file data, chunks, media layers) skips de-chunking and decoding.
  if (noBody || bodyEnd <= p.headerEnd || ctx.onlyNeeds(headOnlyFields())) {
    return;
  }
  // The body: de-chunked and decoded data sources, then the media layer.
  let body = v.slice(p.headerEnd, bodyEnd - p.headerEnd);
  let bodyCtx = ctx.sub(p.headerEnd, bodyEnd - p.headerEnd);
  if (chunked && chunked !== 'incomplete' && chunked !== 'bad') {
    const ch = ctx.add(f.chunkedResponse, p.headerEnd, bodyEnd - p.headerEnd, null, {
      ...o,
      label: () => `HTTP chunked response`,
    });
    // Each chunk as tshark shows it: its size line, data and boundary; the last one ends the encoding, and the
    // empty line after it (trailers are rare) stands on its own.
    for (const [co, size, clen] of chunked.chunks) {
      const sizeLine = lineEnd(v, co, v.length) + 1 - co;
      const label = () => `Chunk size: ${size} octets`;
      if (size === 0) {
        const end = ctx.add(wsText, co, sizeLine, null, { parent: ch, label: 'End of chunked encoding' });
        ctx.add(f.chunkSize, co, sizeLine, 0, { parent: end, label });
        if (clen > sizeLine)
          ctx.add(wsText, co + sizeLine, clen - sizeLine, null, { parent: ch, label: '\\r\\n' });
        continue;
      }
      const c = ctx.add(wsText, co, clen, null, { parent: ch, label: `Data chunk (${size} octets)` });
      ctx.add(f.chunkSize, co, sizeLine, size, { parent: c, label });
      ctx.add(f.chunkData, co + sizeLine, size, v.slice(co + sizeLine, size), { parent: c });
      const b = co + sizeLine + size;
      if (clen > b - co)
        ctx.add(f.chunkBoundary, b, clen - (b - co), v.slice(b, clen - (b - co)), { parent: c });
    }
    body = chunked.data;
    bodyCtx = ctx.withSource('De-chunked entity body', body);
  }
  // The message's object (export objects), recorded on the first pass.
  const keepObject = (data: Uint8Array, at?: HttpObjectRecord['at']): void => {
    if (ctx.visited || data.length === 0) return;
    const own: HttpRequestInfo | undefined = p.isRequest
      ? { frame: n, method: p.method!, uri: p.uri!, host, ts: { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec } }
      : req;
    pushObject(ctx, st, n, own, (header(p, 'content-type') ?? '').split(';')[0].trim(), data, at);
  };
  const enc = header(p, 'content-encoding');
  if (enc && enc.toLowerCase() !== 'identity') {
    // Wireshark's "Content-encoded entity body (gzip): 66 bytes -> 820 bytes" (the coded body, de-chunked).
    const coded = body.length;
    const dec = decodeContent(enc, body);
    const entity = bodyCtx.add(wsText, 0, coded, null, {
      ...o,
      label: () =>
        `Content-encoded entity body (${enc}): ${coded} bytes${dec ? ` -> ${dec.length} bytes` : ''}`,
    });
    if (!dec) {
      // A coding that does not decode (or one we do not know) shows its bytes as data, and no file data or media
      // layer, as in Wireshark. Unlike Wireshark's list, the export objects keep the body as it was sent: bytes
      // that claim a coding they do not have are worth a look.
      bodyCtx.expert(entity, 'warn', 'undecoded', 'Decompression failed');
      bodyCtx.data(0, coded, entity);
      // No file data item to find it by when the object is exported: where the coded body is.
      keepObject(body, { src: bodyCtx.src, off: bodyCtx.base, len: coded });
      return;
    }
    body = dec;
    bodyCtx = ctx.withSource('Uncompressed entity body', dec);
  }
  bodyCtx.add(f.fileData, 0, body.length, body, { ...o, label: () => `File Data: ${body.length} bytes` });
  keepObject(body);
  const ct = header(p, 'content-type') ?? '';
  mediaLayer(ctx, bodyCtx, ct);
}

/**
 * The message's entry in its connection's request/response list: made on the first pass (Wireshark's push_req
 * and push_res: a request starts an entry, a response fills the last one unless it has a response), read back
 * when the frame is dissected again.
 */
function reqRes(ctx: DissectCtx, isRequest: boolean, stream: number, key: number): ReqRes | undefined {
  if (ctx.visited) return ctx.state.getFrame<ReqRes>('http.reqres', key);
  const st = httpState(ctx);
  // Per connection: the TCP stream, or (SSDP over UDP) the address and port pair, either way round.
  const pi = ctx.pinfo;
  const a = `${pi.netSrc}/${pi.srcPort}`;
  const b = `${pi.netDst}/${pi.dstPort}`;
  const id = pi.ptype === 'tcp' ? `tcp ${stream}` : a < b ? `${a} ${b}` : `${b} ${a}`;
  let conv = st.reqRes.get(id);
  if (!conv) st.reqRes.set(id, (conv = { count: 0 }));
  let e = conv.tail;
  if (isRequest || !e || e.resFrame > 0) {
    e = { number: ++conv.count, reqFrame: 0, resFrame: 0, prev: conv.tail, conv };
    if (conv.tail) conv.tail.next = e;
    conv.tail = e;
  }
  if (isRequest) e.reqFrame = ctx.frame.number;
  else e.resFrame = ctx.frame.number;
  ctx.state.setFrame('http.reqres', key, e);
  return e;
}

/**
 * A response's generated items in Wireshark's order: time since its request, the previous request and response,
 * its request, the next request and response. `req` is the request it answers.
 */
function responseLinks(
  ctx: DissectCtx,
  req: HttpRequestInfo | undefined,
  rr: ReqRes | undefined,
  link: (field: FieldDef, frame: number | undefined) => void,
  off: number,
  o: { parent: Item },
): void {
  if (req && !ctx.visited) {
    // The request learns where its response is (for the tree when it is re-dissected).
    for (let m = 0; m < 64; m++) {
      if (
        ctx.state.getFrame('http.reqnum', msgKey(req.frame, m)) !== undefined &&
        ctx.state.getFrame('http.resp_in', msgKey(req.frame, m)) === undefined
      ) {
        ctx.state.setFrame('http.resp_in', msgKey(req.frame, m), ctx.frame.number);
        break;
      }
    }
  }
  if (req) {
    let ds = ctx.frame.tsSec - req.ts.s;
    let dns = ctx.frame.tsNsec - req.ts.ns;
    if (dns < 0) {
      dns += 1e9;
      ds--;
    }
    ctx.add(f.time, off, 0, { s: ds, ns: dns }, { ...o, generated: true });
  }
  link(f.prevRequestIn, rr?.prev?.reqFrame);
  link(f.prevResponseIn, rr?.prev?.resFrame);
  if (req) ctx.add(f.requestIn, off, 0, req.frame, { ...o, generated: true });
  link(f.nextRequestIn, rr?.next?.reqFrame);
  link(f.nextResponseIn, rr?.next?.resFrame);
}

/** The request a response answers, taken from the stream's pending ones on the first pass, read back later. */
function answeredRequest(ctx: DissectCtx, stream: number, msgIndex: number): HttpRequestInfo | undefined {
  const key = msgKey(ctx.frame.number, msgIndex);
  if (ctx.visited) return ctx.state.getFrame<HttpRequestInfo>('http.req_of', key);
  const req = httpState(ctx).pending.get(stream)?.shift();
  if (req) ctx.state.setFrame('http.req_of', key, req);
  return req;
}

/**
 * http.request.full_uri: the URI as it is when absolute, else http://HOST followed by it (https:// for HTTP that
 * TLS decrypted, as Wireshark shows it).
 */
function fullUriOf(uri: string, host: string, tls: boolean): string {
  return uri.startsWith('http://') ? uri : `${tls ? 'https' : 'http'}://${host}${uri}`;
}

/** The hidden flag saying what a message is: NOTIFY (SSDP, GENA) is a notification, not a request. */
function markMessage(ctx: DissectCtx, method: string, off: number, parent: Item): void {
  ctx.add(method === 'NOTIFY' ? f.notification : f.request, off, 0, true, { parent, hidden: true });
}

/** The items under a request line: method, URI (path, query) and version, at their offsets in the view. */
function requestLineItems(
  ctx: DissectCtx,
  line: Item,
  off: number,
  method: string,
  uri: string,
  version: string,
  versionOff: number,
): void {
  const o = { parent: line };
  ctx.add(head.request, off, 0, true, { parent: line, hidden: true });
  ctx.add(f.method, off, method.length, method, o);
  const uo = off + method.length + 1;
  const uriItem = ctx.add(f.uri, uo, uri.length, uri, o);
  // Wireshark splits a URI into path, query and its parameters only when it has a query.
  const q = uri.indexOf('?');
  if (q >= 0) {
    ctx.add(f.uriPath, uo, q, uri.slice(0, q), { parent: uriItem });
    const query = uri.slice(q + 1);
    const qi = ctx.add(f.uriQuery, uo + q + 1, query.length, query, { parent: uriItem });
    if (ctx.wants(f.uriQueryParam)) {
      let at = uo + q + 1;
      for (const param of query.split('&')) {
        ctx.add(f.uriQueryParam, at, param.length, param, { parent: qi });
        at += param.length + 1;
      }
    }
  }
  ctx.add(f.reqVersion, versionOff, version.length, version, o);
}

/**
 * What Wireshark reads inside two headers: a Cookie's name=value pairs (split at ';', leading spaces dropped),
 * and the user:password of Basic authorization, decoded from base64 (as a C string: up to a NUL).
 */
function headerParts(ctx: DissectCtx, parent: Item, h: Parsed['headers'][number], cookie: boolean): void {
  // Where the value starts: after the colon and the spaces after it.
  const v = ctx.view;
  let start = h.off + h.name.length + 1;
  while (start < v.length && (v.u8(start) === 32 || v.u8(start) === 9)) start++;
  if (cookie) {
    if (!h.text) return;
    let from = 0;
    for (const part of h.text.split(';')) {
      const pair = part.replace(/^[ \t]+/, '');
      ctx.add(f.cookiePair, start + from + part.length - pair.length, pair.length, pair, { parent });
      from += part.length + 1;
    }
  } else if (h.text.startsWith('Basic ')) {
    const decoded = Buffer.from(h.text.slice(6), 'base64').toString('utf8');
    const nul = decoded.indexOf('\0');
    ctx.add(f.authBasic, start + 6, h.text.length - 6, nul < 0 ? decoded : decoded.slice(0, nul), { parent });
  }
}

/** Items of the header lines (one group: a pass that records none of them skips building their text). */
const HEADER_ITEMS = [
  f.reqLine,
  f.respLine,
  f.unknownHeader,
  f.contentLength,
  f.authBasic,
  f.cookiePair,
  ...Object.values(HEADER_FIELDS),
];

let headOnly: Set<number> | undefined;
/** Every field but those an HTTP body adds: the lower layers, TCP's and HTTP's own head fields. */
function headOnlyFields(): ReadonlySet<number> {
  if (headOnly) return headOnly;
  const body = new Set([f.fileData.id, f.chunkSize.id, f.chunkedResponse.id]);
  headOnly = new Set(lowerLayerIds());
  for (const def of registry.all()) {
    const top = def.abbrev.split('.')[0];
    if ((top === 'http' || top === 'tcp') && !body.has(def.id)) headOnly.add(def.id);
  }
  return headOnly;
}

export function pushObject(
  ctx: DissectCtx,
  st: HttpState,
  frame: number,
  req: HttpRequestInfo | undefined,
  contentType: string,
  body: Uint8Array,
  at?: HttpObjectRecord['at'],
): void {
  let fileData = 0;
  for (let k = st.objects.length - 1; k >= 0 && st.objects[k].frame === frame; k--)
    if (!st.objects[k].at) fileData++;
  const record: HttpObjectRecord = {
    frame,
    fileData,
    requestFrame: req?.frame,
    host: req?.host ?? '',
    uri: req?.uri ?? '',
    method: req?.method ?? '',
    contentType,
    source: ctx.pinfo.netSrc ?? '',
    destination: ctx.pinfo.netDst ?? '',
    size: body.length,
    hasUri: req !== undefined,
  };
  if (at) record.at = at;
  st.objects.push(record);
  st.onObject?.(record, body);
}

/** The pseudo stream index of SSDP datagrams in the HTTP state (TCP streams are ≥ 0). */
const SSDP_STREAM = -2;

/**
 * SSDP (UPnP discovery): HTTP messages over UDP port 1900. As in Wireshark, the HTTP code dissects them (the
 * http.* fields: `http.request` finds M-SEARCH, `http.notification` NOTIFY) under an "ssdp" layer, with no
 * bodies or objects.
 */
defineProtocol({
  abbrev: 'ssdp',
  name: 'Simple Service Discovery Protocol',
  registerIn: { 'udp.port': 1900 },
  fieldsOf: ['http'],
  dissect(ctx) {
    const p = parseHead(ctx.view, 0);
    if (p === undefined || p === 'incomplete') return false;
    dissectMessage(ctx, p, 0, p.headerEnd, 0, undefined, SSDP_STREAM, undefined, true);
    ctx.columns.protocol = 'SSDP';
    // Datagrams are never paired with a later TCP response: forget the request bookkeeping.
    const st = httpState(ctx);
    st.pending.delete(SSDP_STREAM);
    st.lastRequest.delete(SSDP_STREAM);
  },
});
