/**
 * Capture fuzzer: mutates captures (bit flips, byte runs, truncation, length fields set to 0 / huge / off by one,
 * duplicated and dropped pcapng blocks, block lengths that disagree), then opens, indexes, lists every row,
 * builds every tree, runs filters and lists export objects. Only clear errors (CaptureError at open) may come out;
 * anything else is a failure. Seeded and reproducible.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureError } from '../capture/index.js';
import { compileFilter } from '../dfilter/index.js';
import { listObjects, objectBytes } from '../objects/list.js';
import { CaptureSession } from '../session/session.js';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** pcapng block boundaries (for block-level mutations), or [] for other files. */
function blocks(b: Uint8Array): [number, number][] {
  if (b.length < 12 || b[0] !== 0x0a || b[1] !== 0x0d) return [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = dv.getUint32(8, true) === 0x1a2b3c4d;
  const out: [number, number][] = [];
  for (let o = 0; o + 12 <= b.length && out.length < 10_000;) {
    const len = dv.getUint32(o + 4, le);
    if (len < 12 || o + len > b.length) break;
    out.push([o, len]);
    o += len;
  }
  return out;
}

export type Mutation = (b: Uint8Array, r: () => number) => Uint8Array;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

export const MUTATIONS: Record<string, Mutation> = {
  bitflips: (b, r) => {
    const c = b.slice();
    for (let k = 1 + Math.floor(r() * 16); k > 0; k--)
      c[Math.floor(r() * c.length)] ^= 1 << Math.floor(r() * 8);
    return c;
  },
  byteRun: (b, r) => {
    const c = b.slice();
    const at = Math.floor(r() * c.length);
    c.fill(
      pick(r, [0, 0xff, 0x41, Math.floor(r() * 256)]),
      at,
      Math.min(c.length, at + 1 + Math.floor(r() * 64)),
    );
    return c;
  },
  truncate: (b, r) => b.slice(0, Math.floor(r() * b.length)),
  lengthField: (b, r) => {
    // Overwrite a 32-bit word at a 4-aligned offset (record/block lengths live there) with 0, huge or ±1.
    const c = b.slice();
    const dv = new DataView(c.buffer);
    const at = (Math.floor((r() * (c.length - 4)) / 4) * 4) | 0;
    if (at < 0 || at + 4 > c.length) return c;
    const v = dv.getUint32(at, true);
    dv.setUint32(at, pick(r, [0, 0xffffffff, 0x7fffffff, v + 1, v - 1, 65536, 262145]) >>> 0, true);
    return c;
  },
  blocks: (b, r) => {
    const bl = blocks(b);
    if (bl.length < 3) return MUTATIONS.bitflips(b, r);
    const [o, len] = pick(r, bl.slice(1));
    const kind = Math.floor(r() * 3);
    if (kind === 0)
      return new Uint8Array([...b.subarray(0, o + len), ...b.subarray(o, o + len), ...b.subarray(o + len)]);
    if (kind === 1) return new Uint8Array([...b.subarray(0, o), ...b.subarray(o + len)]);
    const c = b.slice();
    new DataView(c.buffer).setUint32(o + len - 4, len + 4 * (1 + Math.floor(r() * 4)), true); // trailing length disagrees
    return c;
  },
};

export interface CaseResult {
  ok: boolean;
  error?: string;
  packets: number;
  slowestMs: number;
}

const FILTERS = [
  'http',
  'tcp.port == 80 || udp',
  'frame contains "GET"',
  'ip.addr == 10.0.0.0/8',
  'dns.qry.name matches "a.*b"',
].map((f) => {
  const c = compileFilter(f);
  if (!c.ok) throw new Error(c.error.message);
  return c.filter;
});

/** Runs every engine path over one file. Throws nothing: failures come back as values. */
export async function exercise(path: string): Promise<CaseResult> {
  const s = new CaptureSession({ hash: false });
  let slowest = 0;
  try {
    try {
      await s.open(path);
    } catch (e) {
      if (e instanceof CaptureError) return { ok: true, packets: 0, slowestMs: 0 };
      throw e;
    }
    const n = s.total;
    s.rows(0, n);
    for (let no = 1; no <= n; no++) {
      const t0 = performance.now();
      s.packet(no);
      slowest = Math.max(slowest, performance.now() - t0);
    }
    for (const f of FILTERS) s.runFilter(f);
    for (const o of listObjects(s)) objectBytes(s, o);
    return { ok: true, packets: n, slowestMs: slowest };
  } catch (e) {
    return {
      ok: false,
      error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e),
      packets: 0,
      slowestMs: slowest,
    };
  } finally {
    s.close();
  }
}

export interface FuzzSummary {
  cases: number;
  failures: { seed: number; mutation: string; source: string; error: string; saved: string }[];
  slowestMs: number;
  seconds: number;
}

export async function fuzz(
  sources: { name: string; bytes: Uint8Array }[],
  iterations: number,
  seed: number,
  failDir = '.fuzz-failures',
): Promise<FuzzSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-fuzz-'));
  const names = Object.keys(MUTATIONS);
  const out: FuzzSummary = { cases: 0, failures: [], slowestMs: 0, seconds: 0 };
  const t0 = performance.now();
  try {
    for (let i = 0; i < iterations; i++) {
      const caseSeed = (seed + i * 7919) >>> 0;
      const r = rng(caseSeed);
      const src = sources[Math.floor(r() * sources.length)];
      const mutation = names[Math.floor(r() * names.length)];
      let bytes = MUTATIONS[mutation](src.bytes, r);
      if (r() < 0.3) bytes = MUTATIONS[pick(r, names)](bytes, r);
      const file = join(dir, `case-${i}.bin`);
      writeFileSync(file, bytes);
      const res = await exercise(file);
      out.cases++;
      out.slowestMs = Math.max(out.slowestMs, res.slowestMs);
      if (!res.ok) {
        mkdirSync(failDir, { recursive: true });
        const saved = join(
          failDir,
          `seed-${caseSeed}-${mutation}-${src.name.replace(/[^A-Za-z0-9._-]/g, '_')}`,
        );
        writeFileSync(saved, bytes);
        out.failures.push({ seed: caseSeed, mutation, source: src.name, error: res.error ?? '', saved });
      }
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}
