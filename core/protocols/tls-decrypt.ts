/**
 * TLS decryption state of one session, as the first pass builds it: the hello randoms and suite, and each
 * direction's record keys, switched where the handshake switches them (TLS 1.2: at ChangeCipherSpec; TLS 1.3:
 * handshake keys after the ServerHello, application keys after each side's Finished). Secrets come from the
 * capture's key log (its Decryption Secrets Blocks) and any key log the user gives, looked up by client random.
 */
import type { CaptureState, DissectCtx } from '../dissect/engine.js';
import { parseKeyLog, type KeyLog } from './quic-crypto.js';
import { openRecord, tls12Keys, tls13Keys, type RecordKeys } from './tls-crypto.js';
import type { HelloSeen } from './l7-tls.js';

/** pinfo.data key: set while decrypted application data is with the protocol above TLS. */
export const TLS_DECRYPTED = 'tls.decrypted';

export interface SessionSecrets {
  clientRandom?: Uint8Array;
  serverRandom?: Uint8Array;
  suite?: number;
  alpn?: string;
  etm?: boolean;
  /** Per direction (client first): the keys of its next protected record. */
  keys: [RecordKeys | undefined, RecordKeys | undefined];
  /** Per direction: decrypted application data the upper protocol asked more of (from its PDU's start). */
  app: [Uint8Array | undefined, Uint8Array | undefined];
}

/** A protected record as the first pass opened it, and what it handed to the protocol above TLS. */
export interface Decrypted {
  readonly type: number;
  readonly plain: Uint8Array;
  /** The application data given to the upper protocol at this record (earlier records' included). */
  upper?: Uint8Array;
  /** That protocol (HTTP, or HTTP/2 when the server chose "h2"). */
  upperProto?: string;
  /** Set when all of this record's application data waits for a later record (the PDU it starts or continues). */
  held?: boolean;
}

export function newSecrets(): SessionSecrets {
  return { keys: [undefined, undefined], app: [undefined, undefined] };
}

/** The key log of the capture (parsed once per capture state). */
function keyLog(ctx: DissectCtx): KeyLog {
  return ctx.state.get<KeyLog>('tls.keylog', () => parseKeyLog(ctx.state.keyLog?.() ?? ''));
}

function secret(ctx: DissectCtx, s: SessionSecrets, label: string): Uint8Array | undefined {
  if (!s.clientRandom) return undefined;
  return keyLog(ctx).get(label)?.get(Buffer.from(s.clientRandom).toString('hex'));
}

/** Takes in what a record's hellos told (a new ClientHello starts a new session's secrets). */
export function noteHellos(s: SessionSecrets, seen: HelloSeen): void {
  if (seen.clientRandom) {
    Object.assign(s, newSecrets());
    s.clientRandom = seen.clientRandom;
  }
  if (seen.serverRandom) s.serverRandom = seen.serverRandom;
  if (seen.suite !== undefined) s.suite = seen.suite;
  if (seen.alpn !== undefined) s.alpn = seen.alpn;
  if (seen.etm !== undefined) s.etm = seen.etm;
  seen.clientRandom = seen.serverRandom = seen.suite = seen.alpn = seen.etm = undefined;
}

/** TLS 1.2: direction `dir` sent ChangeCipherSpec; its next records are protected with the session's keys. */
export function changeCipherSpec(ctx: DissectCtx, s: SessionSecrets, dir: 0 | 1): void {
  const master = secret(ctx, s, 'CLIENT_RANDOM');
  if (!master || !s.clientRandom || !s.serverRandom || s.suite === undefined) return;
  s.keys[dir] = tls12Keys(master, s.suite, s.clientRandom, s.serverRandom, s.etm)?.[dir];
}

const TLS13_LABELS = {
  handshake: ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET'],
  application: ['CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'],
} as const;

/** TLS 1.3: keys of `phase` for direction `dir` (handshake keys after the ServerHello, application after Finished). */
export function tls13Phase(
  ctx: DissectCtx,
  s: SessionSecrets,
  dir: 0 | 1,
  phase: 'handshake' | 'application',
): void {
  const t = secret(ctx, s, TLS13_LABELS[phase][dir]);
  s.keys[dir] = t && s.suite !== undefined ? tls13Keys(t, s.suite) : undefined;
}

/**
 * The protected record of direction `dir` (its body read by `body`), opened: on the first pass with the
 * session's keys (counting the record), on later passes as the first pass opened it. Every protected record of
 * a frame is counted in both passes (`index` is its place among them). Undefined when it cannot be opened.
 */
export function openProtected(
  ctx: DissectCtx,
  s: SessionSecrets | undefined,
  dir: 0 | 1,
  index: number,
  type: number,
  version: number,
  /** Undefined for a record the capture cut short: it only uses up its sequence number. */
  body: (() => Uint8Array) | undefined,
): Decrypted | undefined {
  const n = ctx.frame.number;
  if (ctx.visited) return ctx.state.getFrameItem<Decrypted>('tls.decrypted', n, index);
  const keys = s?.keys[dir];
  if (!keys) return undefined;
  if (!body) {
    keys.seq++;
    return undefined;
  }
  const r = openRecord(keys, type, version, body());
  if (!r) return undefined;
  const d: Decrypted = { type: r.type, plain: r.plain };
  ctx.state.setFrameItem('tls.decrypted', n, index, d);
  return d;
}

/** The protected records of frame `n` the first pass opened (with their places among the frame's). */
export function decryptedRecords(state: CaptureState, n: number): readonly (Decrypted | undefined)[] {
  return state.getFrame<(Decrypted | undefined)[]>('tls.decrypted', n) ?? [];
}
