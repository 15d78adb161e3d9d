/**
 * JSON wire format for the web host's WebSocket (shared by core/web and the renderer's WebSocket client).
 * Uint8Array values travel as `{ "$b64": "<base64>" }`; everything else in the API is plain JSON.
 * Messages: client → host `{ id, method, req }`; host → client `{ id, ok: true, res }`,
 * `{ id, ok: false, error }` or pushed events `{ event, payload }`.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Uint8Array(128).fill(255);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chunk += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  if (i < n) {
    const v = (bytes[i] << 16) | ((i + 1 < n ? bytes[i + 1] : 0) << 8);
    chunk += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63];
    chunk += i + 1 < n ? ALPHABET[(v >> 6) & 63] + '=' : '==';
  }
  parts.push(chunk);
  return parts.join('');
}

export function fromBase64(text: string): Uint8Array {
  let len = text.length;
  while (len > 0 && text.charCodeAt(len - 1) === 61) len--; // '='
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : 255;
    if (v === 255) throw new Error('invalid base64');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return o === out.length ? out : out.subarray(0, o);
}

/** JSON.stringify with Uint8Array → { $b64 }. */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? { $b64: toBase64(v) } : v));
}

/** JSON.parse with { $b64 } → Uint8Array. */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.$b64 === 'string' && Object.keys(o).length === 1) return fromBase64(o.$b64);
    }
    return v;
  });
}

export interface WireCall {
  id: number;
  method: string;
  req: unknown;
}
export type WireReply =
  | { id: number; ok: true; res: unknown }
  | { id: number; ok: false; error: string }
  | { event: string; payload: unknown };

/** A message from the engine (the worker thread, or the web host): the answer to call `id`, or a pushed event. */
export interface EngineMessage {
  id?: number;
  ok?: boolean;
  res?: unknown;
  error?: string;
  event?: string;
  payload?: unknown;
}

/** Calls waiting for their answer, by id. */
export type PendingCalls = Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;

/** Settles the call `msg` answers (an error without a message gets `fallback`); an unknown id is ignored. */
export function settleReply(pending: PendingCalls, msg: EngineMessage, fallback: string): void {
  const p = msg.id === undefined ? undefined : pending.get(msg.id);
  if (!p || msg.id === undefined) return;
  pending.delete(msg.id);
  if (msg.ok) p.resolve(msg.res);
  else p.reject(new Error(msg.error ?? fallback));
}
