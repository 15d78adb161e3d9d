/** Tests that compare a capture they write with tshark itself. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap } from '../capture/writer.js';
import { CaptureSession } from '../session/session.js';
import { compileFilter } from '../dfilter/index.js';
import { rowText } from '../cli/commands/list.js';
import { treeText } from '../session/tree.js';
import type { SynthPacket } from './synth.js';
import { registry, type FieldDef, type FieldValue } from '../fields/registry.js';
import { fieldText } from '../fields/format.js';

export const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

/**
 * Writes `packets` (Ethernet unless `linkType` says otherwise) to a temporary pcap and opens it: the session, our `wirelens list` text of every
 * frame, and a way to run `tshark -n -r` on the same file with more arguments. The caller closes the session.
 */
export async function synthCapture(
  packets: readonly SynthPacket[],
  linkType = 1,
): Promise<{
  session: CaptureSession;
  list: string;
  tshark: (...args: string[]) => string;
  /** The capture file written. */
  file: string;
}> {
  const file = join(mkdtempSync(join(tmpdir(), 'wirelens-synth-')), 'synth.pcap');
  writeFileSync(file, writePcap(packets, { linkType }));
  const session = new CaptureSession({ hash: false });
  await session.open(file);
  let list = '';
  session.scan(0, session.total, 'columns', (_i, d) => void (list += rowText(session.toRowColumns(d))));
  return { session, list, tshark: tsharkOn(file), file };
}

/**
 * Opens `file` and runs the first pass: the session (the caller closes it) and every frame's Protocol and Info
 * columns ("PROTO\tINFO", trailing spaces removed, as `tsharkColumns` gives tshark's).
 */
export async function openWithColumns(
  file: string,
  keyLogFile?: string,
): Promise<{ s: CaptureSession; rows: string[] }> {
  const s = new CaptureSession({ hash: false, keyLogFile });
  await s.open(file);
  const rows: string[] = [];
  s.scan(
    0,
    s.total,
    'columns',
    (_i, d) => void rows.push(`${d.columns.protocol}\t${d.columns.info}`.trimEnd()),
  );
  return { s, rows };
}

/** `tshark -n -r FILE` with more arguments, returning what it prints. */
export function tsharkOn(file: string): (...args: string[]) => string {
  return (...args) => spawnSync('tshark', ['-n', '-r', file, ...args], { encoding: 'utf8' }).stdout;
}

/**
 * Every frame's values of `fields` as `tshark -T fields -E occurrence=a` prints them: a line a frame, the fields
 * tab-separated, each field's occurrences joined by ",". Compare with `ourFields`.
 */
export function tsharkFields(tshark: (...args: string[]) => string, fields: readonly string[]): string[] {
  return tshark('-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((x) => ['-e', x]))
    .split('\n')
    .slice(0, -1);
}

/** As `tshark -T fields` prints a value (the CLI's own formatter). */
export { fieldText };

/**
 * The same lines from our dissection of every frame (a later pass, as the UI shows a packet): each item's value
 * through `show` (by default as tshark prints it: fieldText).
 */
export function ourFields(
  s: CaptureSession,
  fields: readonly string[],
  show: (v: FieldValue, def: FieldDef) => string = fieldText,
): string[] {
  const defs = fields.map((a) => {
    const def = registry.get(a);
    if (!def) throw new Error(`no field ${a}`);
    return def;
  });
  return Array.from({ length: s.total }, (_, i) => {
    const d = s.dissect(i + 1);
    return defs
      .map((def) => (d.byField.get(def.id) ?? []).map((it) => show(it.value, def)).join(','))
      .join('\t');
  });
}

/**
 * Every frame's Protocol and Info columns as `tshark -n -r FILE` shows them ("PROTO\tINFO", trailing spaces
 * removed); `options` go before the file's other arguments (e.g. `-o tls.keylog_file:…`).
 */
export function tsharkColumns(file: string, ...options: string[]): string[] {
  const r = spawnSync(
    'tshark',
    [
      '-n',
      '-r',
      file,
      ...options,
      '-T',
      'fields',
      '-e',
      '_ws.col.Protocol',
      '-e',
      '_ws.col.Info',
      '-E',
      'separator=/t',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.trimEnd());
}

/** Frame numbers (as text, like tshark's field output) that a display filter selects in the session. */
export function framesMatching(s: CaptureSession, filter: string): string[] {
  const c = compileFilter(filter);
  if (!c.ok) throw new Error(`${filter}: ${c.error.message}`);
  return [...s.runFilter(c.filter)].map(String);
}

/** Every frame's details as `wirelens list -V` prints them (a second pass: a query knows its response). */
export function detailsText(s: CaptureSession): string {
  return Array.from({ length: s.total }, (_, i) => treeText(s.dissect(i + 1))).join('\n');
}

/**
 * Each frame's details from the top-level line starting with `layer` on (the frame's whole text when it has
 * none): the part of `-V` text a protocol's test compares with tshark's.
 */
export function layerParts(text: string, layer: string): string[] {
  return text.split(/\n(?=Frame \d+:)/).map((f) => {
    const at = f.startsWith(layer) ? 0 : f.indexOf(`\n${layer}`) + 1;
    return f.slice(at).trimEnd();
  });
}

/** The part from the top-level line starting with `layer` on, of each frame that has one (`-V` text). */
export function layerSections(text: string, layer: string): string[] {
  return layerParts(text, layer).filter((x) => x.startsWith(layer));
}

/** For each filter: the frames it selects here and in tshark (`tshark` as synthCapture gives it). */
export function filtersVsTshark(
  s: CaptureSession,
  tshark: (...args: string[]) => string,
  filters: readonly string[],
): { filter: string; ours: string[]; theirs: string[] }[] {
  return filters.map((filter) => ({
    filter,
    ours: framesMatching(s, filter),
    theirs: tshark('-Y', filter, '-T', 'fields', '-e', 'frame.number').trim().split('\n').filter(Boolean),
  }));
}
