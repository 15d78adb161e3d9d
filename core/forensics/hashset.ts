/**
 * Hash sets (known-bad / known-good): plain lists, hashdeep/md5deep output and NSRL RDS 2.x NSRLFile.txt.
 * Stored compactly as sorted, de-duplicated fixed-width binary arrays (one per algorithm), persisted in the data
 * folder, loaded lazily; lookups are binary searches. Bad lines are counted and reported, never dropped silently.
 */
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
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

/** Hex digit values by byte (-1: not a hex digit). */
const NIBBLE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[65 + i] = NIBBLE[97 + i] = 10 + i;

/** Decodes hex (already validated) into out[o…]. */
function hexInto(hex: string, out: Uint8Array, o: number, width: number): void {
  for (let i = 0; i < width; i++)
    out[o + i] = (NIBBLE[hex.charCodeAt(2 * i)] << 4) | NIBBLE[hex.charCodeAt(2 * i + 1)];
}

/**
 * Growable buffer of fixed-width records. The first allocation can be sized from the file (`hint` records), so
 * a 10M-entry list takes one 160 MB buffer instead of doubling through 256 MB.
 */
export class Records {
  buf: Uint8Array;
  n = 0;
  constructor(
    readonly width: number,
    private readonly hint = 0,
  ) {
    this.buf = new Uint8Array(width * 1024);
  }
  private grow(): void {
    const cap = this.buf.length / this.width;
    // Straight to the size the file allows, then (if the hint was short) doubling.
    const b = new Uint8Array((this.hint > cap ? this.hint : cap * 2) * this.width);
    b.set(this.buf.subarray(0, this.n * this.width));
    this.buf = b;
  }
  push(hex: string): void {
    if ((this.n + 1) * this.width > this.buf.length) this.grow();
    hexInto(hex, this.buf, this.n * this.width, this.width);
    this.n++;
  }
  /**
   * Appends the record whose hex digits are bytes[from … from + 2·width), checking them as it decodes them (one
   * pass over the line). Returns false, appending nothing, when one is not a hex digit.
   */
  pushHexBytes(bytes: Uint8Array, from: number): boolean {
    if ((this.n + 1) * this.width > this.buf.length) this.grow();
    const o = this.n * this.width;
    const buf = this.buf;
    for (let i = 0; i < this.width; i++) {
      const hi = NIBBLE[bytes[from + 2 * i]];
      const lo = NIBBLE[bytes[from + 2 * i + 1]];
      if ((hi | lo) < 0) return false;
      buf[o + i] = (hi << 4) | lo;
    }
    this.n++;
    return true;
  }
}

function compare(a: Uint8Array, ao: number, b: Uint8Array, bo: number, w: number): number {
  for (let i = 0; i < w; i++) {
    const d = a[ao + i] - b[bo + i];
    if (d) return d;
  }
  return 0;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** A record's first two bytes (its bucket), from its first 32-bit word in the machine's byte order. */
function bucketOf(x: number, little: boolean): number {
  return little ? ((x & 0xff) << 8) | ((x >>> 8) & 0xff) : x >>> 16;
}

/** A record's bytes 2…5 as one number (big-endian), from its first two 32-bit words. */
function middleKey(x: number, y: number, little: boolean): number {
  return little
    ? ((x >>> 16) & 0xff) * 16777216 + (x >>> 24) * 65536 + (y & 0xff) * 256 + ((y >>> 8) & 0xff)
    : (x & 0xffff) * 65536 + (y >>> 16);
}

/**
 * Sorts and de-duplicates n fixed-width records IN PLACE (no second copy of the data: 10M MD5s stay 160 MB):
 * an in-place radix pass on the first two bytes (American flag sort), then each bucket sorted by the next four
 * bytes packed into doubles (native numeric sort), ties settled by a full comparison, then duplicates squeezed
 * out. Records move as 32-bit words (every width is a multiple of 4): a typed-array view per record, or a loop
 * over its bytes, costs several times more. Returns the sorted unique records (a view of `buf`).
 */
export function sortUnique(buf: Uint8Array, n: number, w: number): Uint8Array {
  const q = w >> 2;
  const little = LITTLE_ENDIAN;
  const aligned = buf.byteOffset % 4 === 0 ? buf : buf.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, n * q);
  const start = new Uint32Array(65537);
  for (let o = 0, end = n * q; o < end; o += q) start[bucketOf(words[o], little) + 1]++;
  for (let b = 1; b <= 65536; b++) start[b] += start[b - 1];
  const next = start.slice(0, 65536);
  const tmp = new Uint32Array(q);
  for (let b = 0; b < 65536; b++) {
    const end = start[b + 1];
    while (next[b] < end) {
      const io = next[b] * q;
      let d = bucketOf(words[io], little);
      if (d === b) {
        next[b]++;
        continue;
      }
      // Follow the cycle: carry the record to its bucket, pick up the one there, until one belongs here.
      for (let k = 0; k < q; k++) tmp[k] = words[io + k];
      while (d !== b) {
        const jo = next[d]++ * q;
        for (let k = 0; k < q; k++) {
          const t = words[jo + k];
          words[jo + k] = tmp[k];
          tmp[k] = t;
        }
        d = bucketOf(tmp[0], little);
      }
      next[b]++;
      for (let k = 0; k < q; k++) words[io + k] = tmp[k];
    }
  }
  // Each bucket: sort by bytes 2…5.
  let region = new Uint32Array(q * 1024);
  let keys = new Float64Array(1024);
  for (let b = 0; b < 65536; b++) {
    const s0 = start[b];
    const len = start[b + 1] - s0;
    if (len < 2) continue;
    if (len >= 1 << 20) {
      // Pathological (a million records sharing two leading bytes): plain comparison sort.
      const idx = Array.from({ length: len }, (_, k) => s0 + k).sort((x, y) =>
        compare(aligned, x * w, aligned, y * w, w),
      );
      const copy = aligned.slice(s0 * w, (s0 + len) * w);
      idx.forEach((src, k) => aligned.set(copy.subarray((src - s0) * w, (src - s0 + 1) * w), (s0 + k) * w));
      continue;
    }
    if (keys.length < len) keys = new Float64Array(len * 2);
    for (let k = 0; k < len; k++) {
      const o = (s0 + k) * q;
      keys[k] = middleKey(words[o], words[o + 1], little) * 1048576 + k;
    }
    const sorted = keys.subarray(0, len).sort();
    if (region.length < len * q) region = new Uint32Array(len * q * 2);
    region.set(words.subarray(s0 * q, (s0 + len) * q));
    for (let k = 0; k < len; k++) {
      const so = (sorted[k] % 1048576) * q;
      const d0 = (s0 + k) * q;
      for (let x = 0; x < q; x++) words[d0 + x] = region[so + x];
    }
    // Equal 6-byte prefixes (rare): insertion sort on the full record.
    for (let k = 1; k < len; k++) {
      if (Math.floor(sorted[k] / 1048576) !== Math.floor(sorted[k - 1] / 1048576)) continue;
      let m = k;
      while (m > 0 && compare(aligned, (s0 + m - 1) * w, aligned, (s0 + m) * w, w) > 0) {
        const r = aligned.slice((s0 + m) * w, (s0 + m + 1) * w);
        aligned.copyWithin((s0 + m) * w, (s0 + m - 1) * w, (s0 + m) * w);
        aligned.set(r, (s0 + m - 1) * w);
        m--;
      }
    }
  }
  if (aligned !== buf) buf.set(aligned.subarray(0, n * w));
  // Squeeze out duplicates.
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (m > 0 && compare(buf, (m - 1) * w, buf, i * w, w) === 0) continue;
    if (m !== i) buf.copyWithin(m * w, i * w, i * w + w);
    m++;
  }
  return buf.subarray(0, m * w);
}

export function contains(sorted: Uint8Array, w: number, key: Uint8Array): boolean {
  return searchRange(sorted, w, key, 0, sorted.length / w - 1);
}

/** Binary search for `key` among records lo…hi (inclusive) of `sorted`. */
function searchRange(sorted: Uint8Array, w: number, key: Uint8Array, lo: number, hi: number): boolean {
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const o = mid * w;
    let c = 0;
    for (let i = 0; i < w; i++) {
      c = sorted[o + i] - key[i];
      if (c) break;
    }
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * A loaded table: its sorted records and where each two-byte prefix starts, so a lookup searches one bucket
 * (about 150 neighbouring records in a 10M set) instead of jumping across the whole table.
 */
export class SortedTable {
  private readonly starts = new Uint32Array(65537);
  constructor(
    readonly records: Uint8Array,
    readonly width: number,
  ) {
    const n = records.length / width;
    for (let i = 0, o = 0; i < n; i++, o += width) this.starts[((records[o] << 8) | records[o + 1]) + 1]++;
    for (let b = 1; b <= 65536; b++) this.starts[b] += this.starts[b - 1];
  }

  has(key: Uint8Array): boolean {
    const b = (key[0] << 8) | key[1];
    return searchRange(this.records, this.width, key, this.starts[b], this.starts[b + 1] - 1);
  }
}

/** True when s is hex digits only. */
function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || NIBBLE[c] < 0) return false;
  }
  return s.length > 0;
}

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

export interface ParsedHashList {
  records: Record<Algo, Records>;
  format: ImportReport['format'];
  lines: number;
  badLines: number;
  bad: BadLine[];
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 11 || c === 12;

/**
 * Parses a hash list from chunks of bytes (a file stream); detects the format from the first meaningful line.
 * Plain lists ("hash", "hash  filename", md5sum's "\hash") are parsed straight from the bytes; hashdeep and NSRL
 * lines go through strings. `sizeHint` (the file size) lets the record buffer be allocated once.
 */
export async function parseHashBytes(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  sizeHint = 0,
): Promise<ParsedHashList> {
  const records: Record<Algo, Records> = {
    md5: new Records(16, Math.ceil(sizeHint / 33)),
    sha1: new Records(20, Math.ceil(sizeHint / 41)),
    sha256: new Records(32, Math.ceil(sizeHint / 65)),
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
  const notHash = (t: string) => `"${t.slice(0, 70)}" is not an MD5, SHA-1 or SHA-256 hex digest`;
  const addHex = (h: string, line: number) => {
    const t = h.trim();
    const algo = BY_LENGTH[t.length];
    if (!algo || !isHex(t)) {
      reject(line, notHash(t));
      return;
    }
    records[algo].push(t);
  };
  const textLine = (line: string) => {
    if (format === 'hashdeep') {
      if (line.startsWith('%%%%')) {
        const m = /^%%%%\s*(size,.*)$/.exec(line);
        if (m) header = m[1].split(',').map((h) => h.trim().toLowerCase());
        return;
      }
      if (line.startsWith('##')) return;
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
      return;
    }
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
  };
  /** One line: bytes b[s…e) without the newline. */
  const line = (b: Uint8Array, s: number, e: number) => {
    n++;
    if (n === 1 && e - s >= 3 && b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    while (s < e && isSpace(b[s])) s++;
    let t = e;
    while (t > s && isSpace(b[t - 1])) t--;
    if (s === t) return;
    if (format === undefined) {
      const head = Buffer.from(b.subarray(s, t)).toString('latin1');
      if (head.startsWith('%%%%')) format = 'hashdeep';
      else if (/^"?SHA-1"?,"?MD5"?/i.test(head)) {
        format = 'nsrl';
        header = splitCsv(head).map((h) => h.toLowerCase());
        return;
      } else format = 'plain';
    }
    if (format !== 'plain') {
      textLine(Buffer.from(b.subarray(s, e)).toString('utf8').replace(/\r$/, ''));
      return;
    }
    if (b[s] === 0x23 || (b[s] === 0x2f && b[s + 1] === 0x2f)) return; // "#" or "//" comment
    if (b[s] === 0x5c) s++; // md5sum escapes names with "\"
    let k = s;
    while (k < t && !isSpace(b[k])) k++;
    const len = k - s;
    const rec =
      len === 32 ? records.md5 : len === 40 ? records.sha1 : len === 64 ? records.sha256 : undefined;
    if (!rec?.pushHexBytes(b, s)) reject(n, notHash(Buffer.from(b.subarray(s, k)).toString('utf8')));
  };
  let carry: Uint8Array | undefined;
  for await (const chunk of chunks) {
    let b = chunk;
    if (carry) {
      b = new Uint8Array(carry.length + chunk.length);
      b.set(carry);
      b.set(chunk, carry.length);
      carry = undefined;
    }
    let s = 0;
    for (;;) {
      const e = b.indexOf(10, s);
      if (e < 0) break;
      line(b, s, e);
      s = e + 1;
    }
    if (s < b.length) carry = b.slice(s);
  }
  if (carry) line(carry, 0, carry.length);
  return { records, format: format ?? 'plain', lines: n, badLines, bad };
}

/** Parses a hash list given as lines (tests, pasted text). */
export function parseHashList(lines: AsyncIterable<string> | Iterable<string>): Promise<ParsedHashList> {
  async function* bytes() {
    for await (const l of lines) yield Buffer.from(`${l}\n`, 'utf8');
  }
  return parseHashBytes(bytes());
}

export class HashSetStore {
  private manifest?: Manifest;
  /** Tables read so far, by set name and algorithm. */
  private readonly loaded = new Map<string, Partial<Record<Algo, SortedTable>>>();

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
    const size = statSync(path).size;
    const parsed = await parseHashBytes(
      createReadStream(path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>,
      size,
    );
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const counts = { md5: 0, sha1: 0, sha256: 0 } as Record<Algo, number>;
    for (const algo of Object.keys(WIDTH) as Algo[]) {
      const r = parsed.records[algo];
      const sorted = sortUnique(r.buf, r.n, WIDTH[algo]);
      counts[algo] = sorted.length / WIDTH[algo];
      const file = join(this.dir, `${name}.${algo}.bin`);
      writeFileSync(`${file}.tmp`, sorted);
      renameSync(`${file}.tmp`, file);
      // Loaded again lazily from the file: the import buffer (sized for the whole list) can go.
      delete this.loaded.get(name)?.[algo];
      parsed.records[algo].buf = new Uint8Array(0);
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

  private table(name: string, algo: Algo): SortedTable {
    let bySet = this.loaded.get(name);
    if (!bySet) this.loaded.set(name, (bySet = {}));
    let t = bySet[algo];
    if (!t) {
      const file = join(this.dir, `${name}.${algo}.bin`);
      t = new SortedTable(
        existsSync(file) ? new Uint8Array(readFileSync(file)) : new Uint8Array(0),
        WIDTH[algo],
      );
      bySet[algo] = t;
    }
    return t;
  }

  private readonly keys: Record<Algo, Uint8Array> = {
    md5: new Uint8Array(16),
    sha1: new Uint8Array(20),
    sha256: new Uint8Array(32),
  };

  /** The sets holding a digest (any of the three algorithms, hex, either case); known-bad sets first. */
  private hits(hex: string): Manifest['sets'] {
    const algo = BY_LENGTH[hex.length];
    if (!algo || !isHex(hex)) return [];
    const key = this.keys[algo];
    hexInto(hex, key, 0, WIDTH[algo]);
    const out: Manifest['sets'] = [];
    for (const s of this.list()) if (this.table(s.name, algo).has(key)) out.push(s);
    return out;
  }

  /** known-bad beats known-good beats unknown. Accepts any of the three digests. */
  lookup(hex: string): { verdict: HashVerdict; sets: string[] } {
    const hits = this.hits(hex);
    let verdict: HashVerdict = 'unknown';
    for (const h of hits) {
      if (h.kind === 'known-bad') verdict = 'known-bad';
      else if (verdict === 'unknown') verdict = 'known-good';
    }
    return { verdict, sets: hits.map((h) => h.name) };
  }

  verdictOf(h: { md5: string; sha1: string; sha256: string }): HashVerdict {
    const vs = [this.lookup(h.md5), this.lookup(h.sha1), this.lookup(h.sha256)].map((x) => x.verdict);
    return vs.includes('known-bad') ? 'known-bad' : vs.includes('known-good') ? 'known-good' : 'unknown';
  }
}
