/** Test helper: `wirelens list` with and without the fast lane (core/fastlane), compared. */
import { basename } from 'node:path';
import { expect } from 'vitest';
import { Buffer } from 'node:buffer';
import { main } from '../cli/main.js';
import { CaptureSession } from '../session/session.js';
import { LINKTYPE } from '../capture/linktypes.js';
import { pairHash } from '../session/shard.js';
import { FastLane } from '../fastlane/lane.js';
import { laneFilterFields, laneItems, type LaneFrame } from '../fastlane/filter.js';
import { registry, type FieldDef, type FieldValue } from '../fields/registry.js';

/** Filters whose fields the lane knows: the benchmark's, the course's, and every kind of field and operator. */
export const LANE_FILTERS = [
  'http.request.method == "GET"',
  'ip.addr == 10.0.0.0/8 && tcp.port == 443',
  'dns.qry.name contains "example"',
  'http.request.method==GET && http.request.uri matches "\\.gif"',
  'http.response.code == 200 or http.response.code >= 400',
  'http.response == 200 && tcp',
  'http && !(http.request or http.response)',
  'http.request.version == "HTTP/1.1" || http.response.version == "HTTP/1.0"',
  'eth.addr == 00:1b:54:47:49:44 and not ip.src == 192.168.1.23',
  'ip.src_host contains "93." || ip.host == "127.0.0.1"',
  'ipv6 || ipv6.addr == ::1',
  'tcp.srcport in {80, 443} || udp.port == 53',
  'tcp.port != 80',
  'tcp.port !== 80',
  'ip.addr === 192.168.1.23',
  'frame.len > 100 && frame.number <= 20',
  'frame.time_relative >= 0.01 and frame.time_delta < 0.001',
  'dns && udp.dstport == 53',
  'arp || icmp || esp',
  'len(http.request.uri) > 12',
  'count(tcp.port) == 2 && tcp.port#1 == 80',
  'upper(http.request.method) == "POST"',
];

async function list(
  args: string[],
  lane: boolean,
  threads = 1,
  rowThread = false,
): Promise<{ out: string; lane: number; engine: number }> {
  const before = {
    lane: process.env.WIRELENS_FASTLANE,
    threads: process.env.WIRELENS_THREADS,
    rowThread: process.env.WIRELENS_ROW_THREAD,
  };
  process.env.WIRELENS_FASTLANE = lane ? 'stats' : '0';
  process.env.WIRELENS_THREADS = String(threads);
  process.env.WIRELENS_ROW_THREAD = rowThread ? '1' : '0';
  let out = '';
  let err = '';
  try {
    const code = await main(['list', ...args], { out: (t) => void (out += t), err: (t) => void (err += t) });
    expect(code).toBe(0);
  } finally {
    for (const [k, v] of [
      ['WIRELENS_FASTLANE', before.lane],
      ['WIRELENS_THREADS', before.threads],
      ['WIRELENS_ROW_THREAD', before.rowThread],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
  const m = /(\d+) rows from the fast lane, (\d+) from the engine/.exec(err);
  return { out, lane: m ? Number(m[1]) : 0, engine: m ? Number(m[2]) : 0 };
}

/**
 * Lists `file` with the lane (on `threads` threads, or with its rows and frames other than TCP on a second
 * thread: `rowThread`) and with the engine alone (on one); expects the same text; returns the lane's and the
 * engine's rows (counted on one thread only).
 */
export async function same(
  file: string,
  args: string[],
  threads = 1,
  rowThread = false,
): Promise<[number, number]> {
  const fast = await list([file, ...args], true, threads, rowThread);
  const slow = await list([file, ...args], false);
  if (fast.out !== slow.out) {
    const a = fast.out.split('\n');
    const b = slow.out.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    expect(`${basename(file)}: ${a[i]}`).toBe(`${basename(file)}: ${b[i]}`);
  }
  return [fast.lane, fast.engine];
}

/** Comparable text of a field value (bytes as hex, whatever their class; times and the rest as JSON). */
function valueText(v: FieldValue): string {
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  return typeof v === 'bigint' ? `big:${v}` : JSON.stringify(v);
}

/**
 * The stand-in items the lane gives for display filters (core/fastlane/filter.ts), compared with the engine's
 * dissection of every frame the lane vouches for (its address pair never given up), field by field: how many
 * frames and items agreed, and each disagreement.
 */
export async function compareLaneItems(
  file: string,
): Promise<{ frames: number; items: number; mismatches: string[] }> {
  const fields = laneFilterFields();
  const ids = new Set(fields.map((a) => (registry.get(a) as FieldDef).id));
  const lane = new Map<number, Map<string, string[]>>();
  const pairs: number[] = [];
  const givenUp = new Set<number>();
  const first = new CaptureSession({ hash: false, summary: false });
  try {
    const info = await first.open(file);
    const cap = first.capture;
    if (!cap || !cap.interfaces.every((f) => f.linkType === LINKTYPE.ETHERNET))
      return { frames: 0, items: 0, mismatches: [] };
    const fast = new FastLane({ tls: !info.tlsKeyLog && !info.tlsSecretsInCapture });
    const frame: LaneFrame = {
      no: 0,
      bytes: new Uint8Array(0),
      cols: fast.cols,
      meta: () => first.meta(frame.no - 1),
    };
    first.forEachFrame((i, bytes) => {
      fast.watch(bytes);
      const h = pairHash(LINKTYPE.ETHERNET, bytes);
      pairs[i] = h;
      if (givenUp.has(h)) return;
      if (bytes.length !== cap.index.origLen(i) || !fast.row(i + 1, bytes)) {
        givenUp.add(h);
        return;
      }
      frame.no = i + 1;
      frame.bytes = bytes;
      const items = laneItems(frame, first.captureState);
      lane.set(i, new Map([...items].map(([k, vs]) => [k, vs.map(valueText)])));
    });
  } finally {
    first.close();
  }
  let frames = 0;
  let items = 0;
  const mismatches: string[] = [];
  const engine = new CaptureSession({ hash: false, summary: false });
  try {
    await engine.open(file);
    engine.scan(0, engine.total, ids, (i, d) => {
      const mine = lane.get(i);
      if (!mine || givenUp.has(pairs[i])) return;
      frames++;
      for (const abbrev of fields) {
        const f = registry.get(abbrev) as FieldDef;
        const theirs = (d.byField.get(f.id) ?? []).map((it) => valueText(it.value));
        const ours = mine.get(abbrev) ?? [];
        if (theirs.join('|') === ours.join('|')) items += ours.length;
        else
          mismatches.push(
            `${basename(file)} frame ${i + 1} ${abbrev}: lane [${ours.join(', ')}], engine [${theirs.join(', ')}]`,
          );
      }
    });
  } finally {
    engine.close();
  }
  return { frames, items, mismatches };
}
