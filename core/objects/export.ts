/**
 * Writing exported objects safely: names can never leave the folder, existing files are never overwritten
 * (Wireshark's "(1)" suffix, no cap), each file is written to a temporary name and then linked (or renamed) to
 * its own, and every failure is reported with the file name and the reason. report.json and report.csv go beside
 * the files.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  realpathSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExportResult, HashVerdict, Hashes, SignatureInfo } from '../api/types.js';
import { hashBytes } from '../forensics/hash.js';
import { checkSignature } from '../forensics/signature.js';
import { placeNew, tempNameIn } from '../forensics/safe-write.js';
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
 * Writes bytes to dir/name through a temporary file, never overwriting (see core/forensics/safe-write.ts).
 * Synchronous: on this path (thousands of small files) the promise API's per-file work costs the dissecting
 * thread more than the system calls it would overlap.
 */
function writeNew(dir: string, name: string, data: Uint8Array): string {
  const final = join(dir, name);
  if (!inside(dir, final)) throw new Error('the name would leave the export folder');
  const tmp = tempNameIn(dir);
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      let o = 0;
      while (o < data.length) o += writeSync(fd, data, o, data.length - o);
      // No fsync per file: the link or rename makes each file appear whole; thousands of fsyncs would dominate.
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  placeNew(tmp, final);
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
    this.names = new NameAllocator(
      Infinity,
      (n) => existsSync(join(this.dir, n)) || n === 'report.json' || n === 'report.csv',
    );
  }

  /** Exports `data` as object `o`, under a free name derived from o.filename. */
  async add(o: ObjectMeta, data: Uint8Array): Promise<void> {
    const filename = this.names.next(safeName(o.filename));
    try {
      const row = await analyse({ ...o, filename }, data, this.verdict);
      const path = writeNew(this.dir, filename, data);
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

  /** Writes report.json and report.csv (with the capture's identity when given); returns what was exported. */
  finish(capture?: { name: string; sha256?: string }): ExportResult & { rows: ReportRow[] } {
    const r = this.result;
    const meta = {
      capture,
      exportedAt: new Date().toISOString(),
      written: r.written.length,
      failed: r.failed,
    };
    writeFileSync(join(this.dir, 'report.json'), JSON.stringify({ ...meta, objects: r.rows }, null, 2));
    writeFileSync(join(this.dir, 'report.csv'), reportCsv(r.rows));
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
