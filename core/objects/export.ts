/**
 * Writing exported objects safely: names can never leave the folder, existing files are never overwritten
 * (Wireshark's "(1)" suffix, no cap), each file is written to a temporary name and renamed, and every failure is
 * reported with the file name and the reason. report.json and report.csv go beside the files.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExportResult, HashVerdict, SignatureInfo } from '../api/types.js';
import { hashBytes } from '../forensics/hash.js';
import { checkSignature } from '../forensics/signature.js';
import { safeName, uniqueNames } from './naming.js';

export interface Exportable {
  index: number;
  frame: number;
  filename: string;
  host: string;
  uri: string;
  contentType: string;
  source: string;
  destination: string;
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

/** True when `path` is directly inside `dir` (one path component, no traversal). */
function inside(dir: string, path: string): boolean {
  return dirname(path) === dir && !['', '.', '..'].includes(basename(path));
}

/** Writes bytes to dir/name through a temporary file; never overwrites (exclusive create). */
function writeNew(dir: string, name: string, data: Uint8Array): string {
  const final = join(dir, name);
  if (!inside(dir, final)) throw new Error('the name would leave the export folder');
  const tmp = join(dir, `.wirelens-${process.pid}-${Math.random().toString(36).slice(2)}.part`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    let o = 0;
    while (o < data.length) o += writeSync(fd, data, o, data.length - o);
    // No fsync per file: the rename makes each file appear whole; thousands of fsyncs would dominate the export.
  } finally {
    closeSync(fd);
  }
  if (existsSync(final)) {
    unlinkSync(tmp);
    throw new Error('a file of that name appeared meanwhile');
  }
  renameSync(tmp, final);
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

export async function analyse(
  o: Exportable,
  data: Uint8Array,
  verdict: (h: { md5: string; sha1: string; sha256: string }) => HashVerdict,
): Promise<ReportRow> {
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

export async function exportObjects(
  objects: readonly Exportable[],
  dirArg: string,
  verdict: (h: { md5: string; sha1: string; sha256: string }) => HashVerdict = () => 'unknown',
  capture?: { name: string; sha256?: string },
): Promise<ExportResult & { rows: ReportRow[] }> {
  mkdirSync(dirArg, { recursive: true });
  const dir = realpathSync(dirArg);
  const names = uniqueNames(
    objects.map((o) => safeName(o.filename)),
    (n) => existsSync(join(dir, n)) || n === 'report.json' || n === 'report.csv',
  );
  const result: ExportResult & { rows: ReportRow[] } = { dir, written: [], failed: [], rows: [] };
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    const name = names[i];
    try {
      const data = o.bytes();
      const path = writeNew(dir, name, data);
      const row = await analyse({ ...o, filename: name }, data, verdict);
      result.rows.push(row);
      result.written.push({ index: o.index, filename: name, path, size: data.length, sha256: row.sha256 });
    } catch (e) {
      result.failed.push({
        index: o.index,
        filename: name,
        reason: e instanceof Error ? e.message : String(e),
      });
    }
  }
  const meta = {
    capture,
    exportedAt: new Date().toISOString(),
    written: result.written.length,
    failed: result.failed,
  };
  writeFileSync(join(dir, 'report.json'), JSON.stringify({ ...meta, objects: result.rows }, null, 2));
  writeFileSync(join(dir, 'report.csv'), reportCsv(result.rows));
  return result;
}
