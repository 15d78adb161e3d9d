/**
 * Edit > Find Packet, as Wireshark does it: among the displayed packets, the next (or previous) one after the
 * selected packet that matches a display filter, contains a string in its bytes (narrow UTF-8 and wide
 * UTF-16LE, case-insensitive unless asked) or contains a hex byte sequence; the search wraps around once.
 * String and hex searches read packet bytes only — no dissection — so they run at file-reading speed.
 */
import type { Diagnostic, FindRequest, FindResult } from '../api/types.js';
import { compileFilter } from '../dfilter/index.js';
import type { CaptureSession } from './session.js';
import { SessionError } from './session.js';

type Matcher =
  { kind: 'bytes'; test(bytes: Uint8Array): boolean } | { kind: 'dissect'; test: (no: number) => boolean };

/** Parses `00:1a:2b`, `00 1a 2b`, `001a2b`, `0x001a2b`, `00-1a-2b` into bytes, or explains why not. */
export function parseHexQuery(q: string): Uint8Array | Diagnostic {
  const text = q.trim().replace(/^0x/i, '');
  if (text === '') return { message: 'Enter hex bytes, e.g. 47 49 46 38', span: [0, q.length] };
  const groups = text.split(/[\s:.-]+/);
  let hex = '';
  for (const g of groups) {
    if (!/^[0-9a-fA-F]+$/.test(g)) {
      const at = q.indexOf(g);
      return { message: `"${g}" is not a hex byte sequence`, span: [at, at + g.length] };
    }
    hex += groups.length > 1 && g.length === 1 ? `0${g}` : g;
  }
  if (hex.length % 2) return { message: 'Hex bytes need an even number of digits', span: [0, q.length] };
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

const isDiagnostic = (v: Uint8Array | Diagnostic): v is Diagnostic => !(v instanceof Uint8Array);

function bytesMatcher(needles: Uint8Array[], fold: boolean): Matcher {
  const bufs = needles.filter((n) => n.length > 0).map((n) => Buffer.from(n));
  return {
    kind: 'bytes',
    test(bytes) {
      const hay = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const h = fold ? Buffer.from(hay.toString('latin1').toLowerCase(), 'latin1') : hay;
      return bufs.some((b) => h.indexOf(b) >= 0);
    },
  };
}

function stringNeedles(query: string, caseSensitive: boolean): Uint8Array[] {
  // Case folding is ASCII/Latin-1 (on both sides), so a UTF-8 needle is folded through latin1 the same way.
  const utf8 = Buffer.from(query, 'utf8');
  const wide = Buffer.from(query, 'utf16le');
  const fold = (b: Buffer) => (caseSensitive ? b : Buffer.from(b.toString('latin1').toLowerCase(), 'latin1'));
  return [fold(utf8), fold(wide)];
}

export function findPacket(session: CaptureSession, req: FindRequest, signal?: AbortSignal): FindResult {
  const cap = session.capture;
  if (!cap) throw new SessionError('no capture is open');
  let m: Matcher;
  if (req.kind === 'filter') {
    const c = compileFilter(req.query);
    if (!c.ok) return { ok: false, error: c.error };
    m = { kind: 'dissect', test: (no) => session.frameMatches(c.filter, no) };
  } else if (req.kind === 'hex') {
    const bytes = parseHexQuery(req.query);
    if (isDiagnostic(bytes)) return { ok: false, error: bytes };
    m = bytesMatcher([bytes], false);
  } else {
    if (req.query === '') return { ok: false, error: { message: 'Enter a string to find', span: [0, 0] } };
    m = bytesMatcher(stringNeedles(req.query, !!req.caseSensitive), !req.caseSensitive);
  }

  const n = session.displayed;
  if (n === 0) return { ok: true, no: null, wrapped: false };
  // Start position in the view: just after (before) the selected packet, or at the start (end).
  let start: number;
  if (req.from <= 0) start = req.backwards ? n - 1 : 0;
  else {
    const pos = session.indexOf(req.from);
    if (pos >= 0) start = req.backwards ? pos - 1 : pos + 1;
    else start = req.backwards ? lastBefore(session, req.from) : lastBefore(session, req.from) + 1;
  }
  const step = req.backwards ? -1 : 1;
  for (let k = 0; k < n; k++) {
    if ((k & 1023) === 0 && signal?.aborted) throw new SessionError('cancelled');
    const raw = start + k * step;
    const pos = ((raw % n) + n) % n;
    const no = session.frameAt(pos);
    const hit = m.kind === 'bytes' ? m.test(cap.readPacket(no - 1)) : m.test(no);
    if (hit) return { ok: true, no, wrapped: raw !== pos };
  }
  return { ok: true, no: null, wrapped: true };
}

/** Position of the last displayed packet numbered below `no` (-1 when none). */
function lastBefore(session: CaptureSession, no: number): number {
  let lo = 0;
  let hi = session.displayed - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (session.frameAt(mid) < no) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}
