/**
 * "Found GIFs", the course lab's dpkt script as a feature: every packet on its own (no reassembly), decoded the
 * way dpkt decodes it (Ethernet → IPv4 → TCP/UDP → HTTP request), a GET whose lower-cased URI contains ".gif"
 * is a download. Output lines are exactly the script's.
 */
import type { GifFinding } from '../api/types.js';
import { formatIPv4 } from '../fields/format.js';

// dpkt.http.Request's method table.
const DPKT_METHODS = new Set([
  'GET',
  'PUT',
  'ICY',
  'COPY',
  'HEAD',
  'LOCK',
  'MOVE',
  'POLL',
  'POST',
  'BCOPY',
  'BMOVE',
  'MKCOL',
  'TRACE',
  'LABEL',
  'MERGE',
  'DELETE',
  'SEARCH',
  'UNLOCK',
  'REPORT',
  'UPDATE',
  'NOTIFY',
  'BDELETE',
  'CONNECT',
  'OPTIONS',
  'CHECKIN',
  'PROPFIND',
  'CHECKOUT',
  'CCM_POST',
  'SUBSCRIBE',
  'PROPPATCH',
  'BPROPFIND',
  'BPROPPATCH',
  'UNCHECKOUT',
  'MKACTIVITY',
  'MKWORKSPACE',
  'UNSUBSCRIBE',
  'RPC_CONNECT',
  'VERSION-CONTROL',
  'BASELINE-CONTROL',
]);

/** The transport payload of an Ethernet/IPv4 frame as dpkt sees it, or undefined where dpkt's script fails. */
function payload(b: Uint8Array): { src: number; dst: number; data: Uint8Array } | undefined {
  if (b.length < 14) return undefined;
  let type = (b[12] << 8) | b[13];
  let o = 14;
  if (type <= 1500) return undefined;
  // 802.1Q / QinQ tags.
  while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && o + 4 <= b.length) {
    type = (b[o + 2] << 8) | b[o + 3];
    o += 4;
  }
  if (type !== 0x0800 || o + 20 > b.length) return undefined;
  const hl = (b[o] & 15) * 4;
  if (hl < 20 || o + hl > b.length) return undefined;
  const len = (b[o + 2] << 8) | b[o + 3];
  const flagsOff = ((b[o + 6] << 8) | b[o + 7]) & 0x1fff;
  const proto = b[o + 9];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const src = dv.getUint32(o + 12);
  const dst = dv.getUint32(o + 16);
  const ipData = len ? b.subarray(o + hl, Math.min(b.length, o + len)) : b.subarray(o + hl);
  if (flagsOff !== 0) return undefined;
  if (proto === 6) {
    if (ipData.length < 20) return undefined;
    const off = (ipData[12] >> 4) * 4;
    if (off < 20 || ipData.length < off) return undefined;
    return { src, dst, data: ipData.subarray(off) };
  }
  if (proto === 17) {
    if (ipData.length < 8) return undefined;
    return { src, dst, data: ipData.subarray(8) };
  }
  return undefined;
}

function readline(b: Uint8Array, pos: number): [string, number] {
  let e = pos;
  while (e < b.length && b[e] !== 10) e++;
  const end = e < b.length ? e + 1 : e;
  let s = '';
  for (let i = pos; i < end; i++) if (b[i] < 0x80) s += String.fromCharCode(b[i]); // decode('ascii', 'ignore')
  return [s, end];
}

// Python's str.strip(): whitespace includes \x0b, \x0c and the separators \x1c–\x1f.
const PY_SPACE = new Set([9, 10, 11, 12, 13, 28, 29, 30, 31, 32]);
function strip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && PY_SPACE.has(s.charCodeAt(a))) a++;
  while (b > a && PY_SPACE.has(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/** dpkt.http.Request(buf): method and URI, or undefined where dpkt raises. */
export function dpktRequest(b: Uint8Array): { method: string; uri: string } | undefined {
  let [line, pos] = readline(b, 0);
  const parts = strip(line).split(/\s+/).filter(Boolean);
  if (parts.length < 2 || !DPKT_METHODS.has(parts[0])) return undefined;
  if (parts.length > 2 && !parts[2].startsWith('HTTP')) return undefined;
  // Headers: each must have a single-token name; an empty line ends them.
  const headers = new Map<string, string>();
  for (;;) {
    [line, pos] = readline(b, pos);
    const t = strip(line);
    if (!t) break;
    const i = t.indexOf(':');
    const k = i < 0 ? t : t.slice(0, i);
    if (k.split(/\s+/).filter(Boolean).length !== 1) return undefined;
    const key = k.toLowerCase();
    headers.set(key, i < 0 ? '' : t.slice(i + 1).trimStart());
  }
  // Body: a short Content-Length body or an unfinished chunked body makes dpkt raise NeedData.
  const rest = b.length - pos;
  const te = headers.get('transfer-encoding');
  if (te && te.toLowerCase() === 'chunked') {
    let p = pos;
    for (;;) {
      const [l, q] = readline(b, p);
      const size = parseInt(strip(l).split(';')[0], 16);
      if (Number.isNaN(size)) return undefined;
      if (size === 0) break;
      if (q + size > b.length) return undefined;
      p = q + size;
      const [, r] = readline(b, p);
      p = r;
      if (p > b.length) return undefined;
    }
  } else if (headers.has('content-length')) {
    const v = headers.get('content-length')!;
    if (!/^\s*[+-]?\d+\s*$/.test(v)) return undefined;
    const n = parseInt(v, 10);
    if (n > rest) return undefined;
  }
  return { method: parts[0], uri: parts[1] };
}

export interface GifsReport {
  header: string;
  findings: GifFinding[];
  lines: string[];
}

/** Runs the lab logic over (frame number, bytes) pairs. */
export function findGifDownloads(fileName: string, packets: Iterable<[number, Uint8Array]>): GifsReport {
  const header = `[*] Analysing ${fileName} for gif files`;
  const findings: GifFinding[] = [];
  for (const [frame, bytes] of packets) {
    const p = payload(bytes);
    if (!p) continue;
    const req = dpktRequest(p.data);
    if (!req || req.method !== 'GET') continue;
    const uri = req.uri.toLowerCase();
    if (!uri.includes('.gif')) continue;
    const source = formatIPv4(p.src);
    const destination = formatIPv4(p.dst);
    findings.push({
      frame,
      source,
      destination,
      uri,
      line: `[!] ${source} downloaded ${uri} from ${destination}`,
    });
  }
  const lines = [
    header,
    ...(findings.length ? findings.map((f) => f.line) : ['No gif downloads found in this file']),
  ];
  return { header, findings, lines };
}
