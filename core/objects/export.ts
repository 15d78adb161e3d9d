/**
 * Writing exported objects safely: names can never leave the folder, existing files are never overwritten
 * (Wireshark's "(1)" suffix, no cap), each file is written to a temporary name and then linked (or renamed) to
 * its own (on a thread of its own: writer-thread.ts), and every failure is reported with the file name and the
 * reason. report.json and report.csv go beside the files (report(1).json, … when an earlier export left its
 * report there).
 */
import { mkdirSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExportResult, HashVerdict, Hashes, SignatureInfo } from '../api/types.js';
import { hashBytes } from '../forensics/hash.js';
import { checkSignature, detectType, signatureVerdict, type Detected } from '../forensics/signature.js';
import { tempNameIn, writeNewSet } from '../forensics/safe-write.js';
import { ObjectWriter } from './writer-thread.js';
import { NameAllocator, safeName } from './naming.js';

/** What the report says of an object besides its bytes. */
export interface ObjectMeta {
  index: number;
  frame: number;
  filename: string;
  host: string;
  uri: string;
  contentType: string;
  source: string;
  destination: string;
}

export interface Exportable extends ObjectMeta {
  bytes: () => Uint8Array;
}

export interface ReportRow {
  object: string;
  frame: number;
  source: string;
  destination: string;
  host: string;
  uri: string;
  contentType: string;
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
  detectedType: string;
  signature: SignatureInfo['verdict'];
  signatureReason: string;
  hashSet: HashVerdict;
}

export type HashSetVerdict = (h: Hashes) => HashVerdict;

/** True when `path` is directly inside `dir` (one path component, no traversal). */
function inside(dir: string, path: string): boolean {
  return dirname(path) === dir && !['', '.', '..'].includes(basename(path));
}

const csvCell = (v: string | number) => {
  const s = String(v);
  // Quote, and defuse spreadsheet formulas in hostile names.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function reportCsv(rows: ReportRow[]): string {
  const cols: (keyof ReportRow)[] = [
    'object',
    'frame',
    'source',
    'destination',
    'host',
    'uri',
    'contentType',
    'size',
    'md5',
    'sha1',
    'sha256',
    'detectedType',
    'signature',
    'signatureReason',
    'hashSet',
  ];
  return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n';
}

/** The report's row for object `o` of `size` bytes. */
function reportRow(
  o: ObjectMeta,
  size: number,
  h: Hashes,
  sig: SignatureInfo,
  verdict: HashSetVerdict,
): ReportRow {
  return {
    object: o.filename,
    frame: o.frame,
    source: o.source,
    destination: o.destination,
    host: o.host,
    uri: o.uri,
    contentType: o.contentType,
    size,
    ...h,
    detectedType: sig.detected ? sig.detected.mime : '',
    signature: sig.verdict,
    signatureReason: sig.reason ?? '',
    hashSet: verdict(h),
  };
}

/** The report's row for object `o` with bytes `data` (hashed and checked here). */
export async function analyse(o: ObjectMeta, data: Uint8Array, verdict: HashSetVerdict): Promise<ReportRow> {
  return reportRow(
    o,
    data.length,
    hashBytes(data),
    await checkSignature(data, o.filename, o.contentType),
    verdict,
  );
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

type Written = ExportResult['written'][number];
type Failed = ExportResult['failed'][number];

/** Distinct contents whose detected type an exporter remembers (then it starts again). */
const DETECTED_CACHE = 65_536;

/**
 * Exports objects into a folder as they come (during the first pass of a capture): each gets a free, safe name
 * and its signature checked here, and is hashed and written by the writer thread (writer-thread.ts) while the
 * caller goes on; finish() waits for them and writes report.json and report.csv. Results keep the order of add().
 */
export class ObjectExporter {
  readonly dir: string;
  private readonly names: NameAllocator;
  private readonly writer: ObjectWriter;
  /** One per object added, in order: filled in when its file is written or has failed. */
  private readonly outcomes: ({ row: ReportRow; written: Written } | { failed: Failed } | undefined)[] = [];
  private readonly placing: Promise<void>[] = [];
  private readonly detected = new Map<string, Promise<Detected | undefined>>();

  constructor(
    dir: string,
    private readonly verdict: HashSetVerdict = () => 'unknown',
    opts: { thread?: boolean } = {},
  ) {
    mkdirSync(dir, { recursive: true });
    this.dir = realpathSync(dir);
    this.writer = new ObjectWriter(opts);
    // What the folder held before: a name taken since (or differing only in case on a case-insensitive disk)
    // makes the exclusive create fail, and the object takes the next name.
    const present = new Set(readdirSync(this.dir));
    this.names = new NameAllocator(
      Infinity,
      (n) => present.has(n) || n === 'report.json' || n === 'report.csv',
    );
  }

  /**
   * Exports `data` as object `o`, under a free name derived from o.filename. Returns once the object is handed to
   * the writer thread (and the bytes waiting for it are few enough); the bytes must not change afterwards.
   */
  async add(o: ObjectMeta, data: Uint8Array): Promise<void> {
    const base = safeName(o.filename);
    const filename = this.names.next(base);
    const slot = this.outcomes.push(undefined) - 1;
    this.placing.push(this.place(slot, { ...o, filename }, base, data));
    await this.writer.room();
  }

  /**
   * The type the content's magic bytes say, looked up once per distinct content (by its SHA-256): a capture
   * downloads the same image or page many times, and the detection is much of an export's work.
   */
  private detect(sha256: string, data: Uint8Array): Promise<Detected | undefined> {
    let d = this.detected.get(sha256);
    if (!d) {
      if (this.detected.size >= DETECTED_CACHE) this.detected.clear();
      this.detected.set(sha256, (d = detectType(data)));
    }
    return d;
  }

  /** Writes the object under its name, or (when that is taken meanwhile) the next free one. */
  private async place(slot: number, o: ObjectMeta, base: string, data: Uint8Array): Promise<void> {
    let filename = o.filename;
    let written: string | undefined;
    const failed = (why: string) =>
      (this.outcomes[slot] = { failed: { index: o.index, filename, reason: why } });
    try {
      for (;;) {
        const path = join(this.dir, filename);
        if (!inside(this.dir, path)) return void failed('the name would leave the export folder');
        const r = await this.writer.write(tempNameIn(this.dir), path, data);
        if (r.error?.code === 'EEXIST') {
          filename = this.names.next(base);
          continue;
        }
        if (r.error) return void failed(r.error.message);
        written = path;
        const sig = signatureVerdict(await this.detect(r.hashes.sha256, data), filename, o.contentType);
        const row = reportRow({ ...o, filename }, data.length, r.hashes, sig, this.verdict);
        this.outcomes[slot] = {
          row,
          written: { index: o.index, filename, path, size: data.length, sha256: r.hashes.sha256 },
        };
        return;
      }
    } catch (e) {
      // A hash set that cannot be read, say: the object fails as a whole (no file without its report row).
      if (written) rmSync(written, { force: true });
      failed(reason(e));
    }
  }

  /** Records an object whose bytes could not be had, under the name it would have had. */
  fail(o: ObjectMeta, e: unknown): void {
    const filename = this.names.next(safeName(o.filename));
    this.outcomes.push({ failed: { index: o.index, filename, reason: reason(e) } });
  }

  /**
   * Waits for every object to be written, then writes report.json and report.csv (with the capture's identity
   * when given), or report(1).json and report(1).csv when an earlier export's report is there; returns what was
   * exported.
   */
  async finish(capture?: { name: string; sha256?: string }): Promise<ExportResult & { rows: ReportRow[] }> {
    await Promise.all(this.placing);
    this.writer.close();
    const r: ExportResult & { rows: ReportRow[] } = { dir: this.dir, written: [], failed: [], rows: [] };
    for (const o of this.outcomes) {
      if (!o) continue;
      if ('failed' in o) r.failed.push(o.failed);
      else {
        r.rows.push(o.row);
        r.written.push(o.written);
      }
    }
    const meta = {
      capture,
      exportedAt: new Date().toISOString(),
      written: r.written.length,
      failed: r.failed,
    };
    r.reports = writeNewSet(this.dir, 'report', [
      { ext: '.json', data: JSON.stringify({ ...meta, objects: r.rows }, null, 2) },
      { ext: '.csv', data: reportCsv(r.rows) },
    ]);
    return r;
  }
}

/** Exports a list of objects (see ObjectExporter). */
export async function exportObjects(
  objects: readonly Exportable[],
  dir: string,
  verdict?: HashSetVerdict,
  capture?: { name: string; sha256?: string },
): Promise<ExportResult & { rows: ReportRow[] }> {
  const ex = new ObjectExporter(dir, verdict);
  for (const o of objects) {
    let data: Uint8Array;
    try {
      data = o.bytes();
    } catch (e) {
      ex.fail(o, e);
      continue;
    }
    await ex.add(o, data);
  }
  return await ex.finish(capture);
}
