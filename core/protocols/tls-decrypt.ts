/**
 * TLS decryption state of one session, as the first pass builds it: the hello randoms and suite, and each
 * direction's record keys, switched where the handshake switches them (TLS 1.2: at ChangeCipherSpec; TLS 1.3:
 * handshake keys after the ServerHello, application keys after each side's Finished). Secrets come from the
 * capture's key log (its Decryption Secrets Blocks) and any key material the user gives: key log lines, looked up
 * by client random, and servers' RSA private keys (PEM), which open RSA key-exchange sessions themselves.
 */
import type { KeyObject } from 'node:crypto';
import type { CaptureState, DissectCtx } from '../dissect/engine.js';
import { parseKeyLog, type KeyLog } from './quic-crypto.js';
import {
  openRecord,
  parseRsaKeys,
  rsaKeyExchange,
  rsaPremaster,
  tls12Keys,
  tls12Master,
  tls13Keys,
  type RecordKeys,
} from './tls-crypto.js';
import type { HelloSeen } from './tls-handshake.js';

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
  /** Per direction: how many bytes that PDU needs from its start (-1: not said). */
  appNeed: [number, number];
  /** The version the ServerHello chose (0x0301 TLS 1.0 … 0x0304). */
  version?: number;
  /** The server agreed to the extended master secret (RFC 7627). */
  ems?: boolean;
  /** With RSA keys at hand: the handshake messages so far (up to the ClientKeyExchange). */
  transcript?: Uint8Array[];
  /** The master secret the server's RSA key opened (when the key log has none for the session). */
  master?: Uint8Array;
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
  /**
   * Set when this record completed a PDU begun in earlier records and all its data after that PDU waits for
   * later ones: Wireshark hands the rest over in a call of its own, which takes nothing, and notes it in Info.
   */
  upperRest?: boolean;
}

export function newSecrets(): SessionSecrets {
  return { keys: [undefined, undefined], app: [undefined, undefined], appNeed: [-1, -1] };
}

/** The key log of the capture (parsed once per capture state). */
function keyLog(ctx: DissectCtx): KeyLog {
  return ctx.state.get<KeyLog>('tls.keylog', () => parseKeyLog(ctx.state.keyLog?.() ?? ''));
}

/**
 * RSA private keys (PEM) among the key material: servers' keys that open the sessions of RSA key-exchange
 * suites. A block that does not parse is left out.
 */
function rsaKeys(ctx: DissectCtx): KeyObject[] {
  return ctx.state.get<KeyObject[]>('tls.rsakeys', () => {
    try {
      return parseRsaKeys(ctx.state.keyLog?.() ?? '');
    } catch {
      return [];
    }
  });
}

/** Whether handshake messages are worth keeping for RSA keys (there are some). */
export function wantsTranscript(ctx: DissectCtx): boolean {
  return rsaKeys(ctx).length > 0;
}

/**
 * First pass, with RSA keys: a record's handshake messages join the session's transcript, and at the
 * ClientKeyExchange of an RSA suite the encrypted pre-master secret is opened and the master secret derived
 * (extended, RFC 7627, when the server agreed to it).
 */
export function noteMessages(ctx: DissectCtx, s: SessionSecrets, messages: readonly Uint8Array[]): void {
  for (const m of messages) {
    if (m[0] === 1) s.transcript = [];
    if (!s.transcript) continue;
    s.transcript.push(m);
    if (m[0] !== 16) continue;
    const transcript = s.transcript;
    s.transcript = undefined;
    if (!rsaKeyExchange(s.suite) || s.suite === undefined || !s.clientRandom || !s.serverRandom) continue;
    // TLS puts a 2-byte length before the encrypted secret; SSL 3.0 sends the bare secret (RFC 6101 §5.6.7.1).
    const body = m.subarray(4);
    const len = body.length >= 2 ? (body[0] << 8) | body[1] : 0;
    const encrypted =
      s.version === 0x0300 ? body : len && body.length >= 2 + len ? body.subarray(2, 2 + len) : undefined;
    const premaster = encrypted?.length ? rsaPremaster(rsaKeys(ctx), encrypted) : undefined;
    if (premaster)
      s.master = tls12Master(
        s.suite,
        premaster,
        s.clientRandom,
        s.serverRandom,
        s.ems ? transcript : undefined,
        s.version,
      );
  }
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
  if (seen.ems !== undefined) s.ems = seen.ems;
  seen.clientRandom = seen.serverRandom = seen.suite = seen.alpn = seen.etm = seen.ems = undefined;
}

/** TLS 1.2: direction `dir` sent ChangeCipherSpec; its next records are protected with the session's keys. */
export function changeCipherSpec(ctx: DissectCtx, s: SessionSecrets, dir: 0 | 1): void {
  const master = secret(ctx, s, 'CLIENT_RANDOM') ?? s.master;
  if (!master || !s.clientRandom || !s.serverRandom || s.suite === undefined) return;
  s.keys[dir] = tls12Keys(master, s.suite, s.clientRandom, s.serverRandom, s.etm, s.version)?.[dir];
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
