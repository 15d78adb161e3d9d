/**
 * Writing exported objects safely: names can never leave the folder, existing files are never overwritten
 * (Wireshark's "(1)" suffix, no cap), each file is written to a temporary name and then linked (or renamed) to
 * its own, and every failure is reported with the file name and the reason. report.json and report.csv go beside
 * the files (report(1).json, … when an earlier export left its report there).
 */
import { mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExportResult, HashVerdict, Hashes, SignatureInfo } from '../api/types.js';
import { hashBytes } from '../forensics/hash.js';
import { checkSignature } from '../forensics/signature.js';
import { errno, writeNewFile, writeNewSet } from '../forensics/safe-write.js';
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

/**
 * Writes bytes to dir/name through a temporary file, never overwriting (see core/forensics/safe-write.ts; EEXIST
 * when the name is taken). Synchronous: on this path (thousands of small files) the promise API's per-file work
 * costs the dissecting thread more than the system calls it would overlap.
 */
function writeNew(dir: string, name: string, data: Uint8Array): string {
  const final = join(dir, name);
  if (!inside(dir, final)) throw new Error('the name would leave the export folder');
  writeNewFile(final, data);
  return final;
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

export async function analyse(o: ObjectMeta, data: Uint8Array, verdict: HashSetVerdict): Promise<ReportRow> {
  const h = hashBytes(data);
  const sig = await checkSignature(data, o.filename, o.contentType);
  return {
    object: o.filename,
    frame: o.frame,
    source: o.source,
    destination: o.destination,
    host: o.host,
    uri: o.uri,
    contentType: o.contentType,
    size: data.length,
    ...h,
    detectedType: sig.detected ? sig.detected.mime : '',
    signature: sig.verdict,
    signatureReason: sig.reason ?? '',
    hashSet: verdict(h),
  };
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Exports objects into a folder one at a time, as they come (during the first pass of a capture): each gets a
 * free, safe name, is hashed, checked and written; finish() writes report.json and report.csv.
 */
export class ObjectExporter {
  readonly dir: string;
  private readonly names: NameAllocator;
  private readonly result: ExportResult & { rows: ReportRow[] };

  constructor(
    dir: string,
    private readonly verdict: HashSetVerdict = () => 'unknown',
  ) {
    mkdirSync(dir, { recursive: true });
    this.dir = realpathSync(dir);
    this.result = { dir: this.dir, written: [], failed: [], rows: [] };
    // What the folder held before: a name taken since (or differing only in case on a case-insensitive disk)
    // makes the exclusive create fail, and the object takes the next name.
    const present = new Set(readdirSync(this.dir));
    this.names = new NameAllocator(
      Infinity,
      (n) => present.has(n) || n === 'report.json' || n === 'report.csv',
    );
  }

  /** Exports `data` as object `o`, under a free name derived from o.filename. */
  async add(o: ObjectMeta, data: Uint8Array): Promise<void> {
    const base = safeName(o.filename);
    let filename = this.names.next(base);
    try {
      const row = await analyse({ ...o, filename }, data, this.verdict);
      let path: string;
      for (;;) {
        try {
          path = writeNew(this.dir, filename, data);
          break;
        } catch (e) {
          if (errno(e) !== 'EEXIST') throw e;
          filename = this.names.next(base);
        }
      }
      row.object = filename;
      this.result.rows.push(row);
      this.result.written.push({ index: o.index, filename, path, size: data.length, sha256: row.sha256 });
    } catch (e) {
      this.result.failed.push({ index: o.index, filename, reason: reason(e) });
    }
  }

  /** Records an object whose bytes could not be had, under the name it would have had. */
  fail(o: ObjectMeta, e: unknown): void {
    this.result.failed.push({
      index: o.index,
      filename: this.names.next(safeName(o.filename)),
      reason: reason(e),
    });
  }

  /**
   * Writes report.json and report.csv (with the capture's identity when given), or report(1).json and
   * report(1).csv when an earlier export's report is there; returns what was exported.
   */
  finish(capture?: { name: string; sha256?: string }): ExportResult & { rows: ReportRow[] } {
    const r = this.result;
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
  return ex.finish(capture);
}
