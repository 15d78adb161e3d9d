/**
 * Hash sets (known-bad / known-good): plain lists, hashdeep/md5deep output and NSRL RDS 2.x NSRLFile.txt.
 * Stored compactly as sorted, de-duplicated fixed-width binary arrays (one per algorithm), persisted in the data
 * folder, loaded lazily; lookups are binary searches. Bad lines are counted and reported, never dropped silently.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { HashVerdict } from '../api/types.js';

export type Algo = 'md5' | 'sha1' | 'sha256';
export const WIDTH: Record<Algo, number> = { md5: 16, sha1: 20, sha256: 32 };
const BY_LENGTH: Record<number, Algo> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

export interface BadLine {
  line: number;
  reason: string;
}

export interface ImportReport {
  name: string;
  kind: 'known-bad' | 'known-good';
  format: 'plain' | 'hashdeep' | 'nsrl';
  lines: number;
  counts: Record<Algo, number>;
  badLines: number;
  /** The first 100 bad lines in detail. */
  bad: BadLine[];
}

interface Manifest {
  sets: {
    name: string;
    kind: 'known-bad' | 'known-good';
    counts: Record<Algo, number>;
    source: string;
    importedAt: string;
  }[];
}

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[65 + i] = NIBBLE[97 + i] = 10 + i;

/** Decodes hex (already validated) into out[o…]. */
function hexInto(hex: string, out: Uint8Array, o: number, width: number): void {
  for (let i = 0; i < width; i++)
    out[o + i] = (NIBBLE[hex.charCodeAt(2 * i)] << 4) | NIBBLE[hex.charCodeAt(2 * i + 1)];
}

/** Growable byte buffer of fixed-width records. */
class Records {
  buf: Uint8Array;
  n = 0;
  constructor(readonly width: number) {
    this.buf = new Uint8Array(width * 1024);
  }
  push(hex: string): void {
    if ((this.n + 1) * this.width > this.buf.length) {
      const b = new Uint8Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    hexInto(hex, this.buf, this.n * this.width, this.width);
    this.n++;
  }
}

function compare(a: Uint8Array, ao: number, b: Uint8Array, bo: number, w: number): number {
  for (let i = 0; i < w; i++) {
    const d = a[ao + i] - b[bo + i];
    if (d) return d;
  }
  return 0;
}

/** Sorts and de-duplicates fixed-width records: bucket by the first two bytes, then sort each bucket. */
export function sortUnique(buf: Uint8Array, n: number, w: number): Uint8Array {
  const counts = new Uint32Array(65537);
  for (let i = 0; i < n; i++) counts[((buf[i * w] << 8) | buf[i * w + 1]) + 1]++;
  for (let i = 1; i < counts.length; i++) counts[i] += counts[i - 1];
  const pos = counts.slice(0, 65536);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[pos[(buf[i * w] << 8) | buf[i * w + 1]]++] = i;
  const out = new Uint8Array(n * w);
  let m = 0;
  for (let bkt = 0; bkt < 65536; bkt++) {
    const start = counts[bkt];
    const end = counts[bkt + 1];
    if (end - start > 1) {
      const part = Array.from(idx.subarray(start, end)).sort((x, y) => compare(buf, x * w, buf, y * w, w));
      idx.set(part, start);
    }
    for (let k = start; k < end; k++) {
      const o = idx[k] * w;
      if (m > 0 && compare(out, (m - 1) * w, buf, o, w) === 0) continue;
      out.set(buf.subarray(o, o + w), m * w);
      m++;
    }
  }
  return out.slice(0, m * w);
}

export function contains(sorted: Uint8Array, w: number, key: Uint8Array): boolean {
  let lo = 0;
  let hi = sorted.length / w - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(sorted, mid * w, key, 0, w);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

const HEX = /^[0-9a-fA-F]+$/;

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Parses a hash list from lines; detects the format from the first meaningful line. */
export async function parseHashList(lines: AsyncIterable<string> | Iterable<string>): Promise<{
  records: Record<Algo, Records>;
  format: ImportReport['format'];
  lines: number;
  badLines: number;
  bad: BadLine[];
}> {
  const records: Record<Algo, Records> = {
    md5: new Records(16),
    sha1: new Records(20),
    sha256: new Records(32),
  };
  let format: ImportReport['format'] | undefined;
  let header: string[] | undefined;
  let n = 0;
  let badLines = 0;
  const bad: BadLine[] = [];
  const reject = (line: number, reason: string) => {
    badLines++;
    if (bad.length < 100) bad.push({ line, reason });
  };
  const addHex = (h: string, line: number) => {
    const t = h.trim();
    const algo = BY_LENGTH[t.length];
    if (!algo || !HEX.test(t)) {
      reject(line, `"${t.slice(0, 70)}" is not an MD5, SHA-1 or SHA-256 hex digest`);
      return;
    }
    records[algo].push(t);
  };
  for await (const raw of lines) {
    n++;
    const line = raw.replace(/\r$/, '').replace(/^\uFEFF/, '');
    if (line.trim() === '') continue;
    if (format === undefined) {
      if (line.startsWith('%%%%')) format = 'hashdeep';
      else if (/^"?SHA-1"?,"?MD5"?/i.test(line)) {
        format = 'nsrl';
        header = splitCsv(line).map((h) => h.toLowerCase());
        continue;
      } else format = 'plain';
    }
    if (format === 'hashdeep') {
      if (line.startsWith('%%%%')) {
        const m = /^%%%%\s*(size,.*)$/.exec(line);
        if (m) header = m[1].split(',').map((h) => h.trim().toLowerCase());
        continue;
      }
      if (line.startsWith('##')) continue;
      const cells = line.split(',');
      const cols = header ?? ['size', 'md5', 'sha256', 'filename'];
      let found = false;
      cols.forEach((c, i) => {
        if ((c === 'md5' || c === 'sha1' || c === 'sha256') && cells[i]) {
          addHex(cells[i], n);
          found = true;
        }
      });
      if (!found) reject(n, 'no hash column in this hashdeep line');
      continue;
    }
    if (format === 'nsrl') {
      const cells = splitCsv(line);
      const h = header ?? ['sha-1', 'md5'];
      let found = false;
      h.forEach((c, i) => {
        if ((c === 'sha-1' || c === 'md5' || c === 'sha256' || c === 'sha-256') && cells[i]) {
          addHex(cells[i], n);
          found = true;
        }
      });
      if (!found) reject(n, 'no hash in this NSRL line');
      continue;
    }
    const t = line.trim();
    if (t.startsWith('#') || t.startsWith('//')) continue;
    // "hash  filename" (md5sum style) or a bare hash.
    addHex(t.split(/\s+/)[0].replace(/^\\/, ''), n);
  }
  return { records, format: format ?? 'plain', lines: n, badLines, bad };
}

export class HashSetStore {
  private manifest?: Manifest;
  private readonly loaded = new Map<string, Uint8Array>();

  constructor(readonly dir: string) {}

  private get manifestPath(): string {
    return join(this.dir, 'manifest.json');
  }

  list(): Manifest['sets'] {
    if (!this.manifest) {
      try {
        this.manifest = JSON.parse(readFileSync(this.manifestPath, 'utf8')) as Manifest;
      } catch {
        this.manifest = { sets: [] };
      }
    }
    return this.manifest.sets;
  }

  async importFile(name: string, path: string, kind: 'known-bad' | 'known-good'): Promise<ImportReport> {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name) || name.startsWith('.')) {
      throw new Error(`hash set name "${name}" must be 1–64 letters, digits, dots, dashes or underscores`);
    }
    const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    const parsed = await parseHashList(rl);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const counts = { md5: 0, sha1: 0, sha256: 0 } as Record<Algo, number>;
    for (const algo of Object.keys(WIDTH) as Algo[]) {
      const r = parsed.records[algo];
      const sorted = sortUnique(r.buf, r.n, WIDTH[algo]);
      counts[algo] = sorted.length / WIDTH[algo];
      const file = join(this.dir, `${name}.${algo}.bin`);
      writeFileSync(`${file}.tmp`, sorted);
      renameSync(`${file}.tmp`, file);
      this.loaded.set(`${name}.${algo}`, sorted);
    }
    const sets = this.list().filter((s) => s.name !== name);
    sets.push({ name, kind, counts, source: path, importedAt: new Date().toISOString() });
    this.manifest = { sets };
    writeFileSync(this.manifestPath, JSON.stringify(this.manifest, null, 2));
    return {
      name,
      kind,
      format: parsed.format,
      lines: parsed.lines,
      counts,
      badLines: parsed.badLines,
      bad: parsed.bad,
    };
  }

  private table(name: string, algo: Algo): Uint8Array {
    const key = `${name}.${algo}`;
    let t = this.loaded.get(key);
    if (!t) {
      const file = join(this.dir, `${key}.bin`);
      t = existsSync(file) ? new Uint8Array(readFileSync(file)) : new Uint8Array(0);
      this.loaded.set(key, t);
    }
    return t;
  }

  /** known-bad beats known-good beats unknown. Accepts any of the three digests. */
  lookup(hex: string): { verdict: HashVerdict; sets: string[] } {
    const algo = BY_LENGTH[hex.length];
    if (!algo || !HEX.test(hex)) return { verdict: 'unknown', sets: [] };
    const key = new Uint8Array(WIDTH[algo]);
    hexInto(hex, key, 0, WIDTH[algo]);
    const hits = this.list().filter((s) => contains(this.table(s.name, algo), WIDTH[algo], key));
    const verdict: HashVerdict = hits.some((h) => h.kind === 'known-bad')
      ? 'known-bad'
      : hits.length
        ? 'known-good'
        : 'unknown';
    return { verdict, sets: hits.map((h) => h.name) };
  }

  verdictOf(h: { md5: string; sha1: string; sha256: string }): HashVerdict {
    const vs = [this.lookup(h.md5), this.lookup(h.sha1), this.lookup(h.sha256)].map((x) => x.verdict);
    return vs.includes('known-bad') ? 'known-bad' : vs.includes('known-good') ? 'known-good' : 'unknown';
  }
}
