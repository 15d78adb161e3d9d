/**
 * Line-by-line comparison of our packet details (`wirelens list -V`, treeText) with `tshark -n -V` for the lower
 * layers: each frame's output is split into its top-level sections (one per layer), and for the layers below
 * counts the lines both sides have in the same order (longest common subsequence) against the longer side.
 */
import { spawnSync } from 'node:child_process';
import { CaptureSession } from '../session/session.js';
import { treeText } from '../session/tree.js';

export const TREE_LAYERS = [
  'Frame',
  'Ethernet II',
  'Address Resolution Protocol',
  'Internet Protocol Version 4',
  'Internet Protocol Version 6',
  'User Datagram Protocol',
  'Transmission Control Protocol',
  'Internet Control Message Protocol',
  'Internet Control Message Protocol v6',
  'Domain Name System',
  'Hypertext Transfer Protocol',
  'Compuserve GIF',
  'Portable Network Graphics',
  'Dropbox LAN sync Discovery Protocol',
  'Transport Layer Security',
  'Dynamic Host Configuration Protocol',
] as const;
export type TreeLayer = (typeof TREE_LAYERS)[number];

export interface LayerTally {
  /** Lines both sides have, in order. */
  same: number;
  /** The longer side's line count, summed over sections. */
  lines: number;
  /** Sections whose lines are all identical / sections compared. */
  sectionsSame: number;
  sections: number;
}

/** Which lower layer a top-level line opens, if any. */
function layerOf(line: string): TreeLayer | undefined {
  if (/^Frame \d+: /.test(line)) return 'Frame';
  for (const l of TREE_LAYERS)
    if (l !== 'Frame' && (line === l || line.startsWith(`${l},`) || line.startsWith(`${l} (`))) return l;
  return undefined;
}

/**
 * Splits -V text into frames and each frame into its sections by layer (the first section of each layer).
 * Resolved MAC addresses ("Xerox_00:00:00 (00:00:00:00:00:00)", "Broadcast (ff:ff:ff:ff:ff:ff)") become the
 * bare address: tshark -n resolves no names, and vendor registries differ.
 */
export function splitFrames(text: string): Map<TreeLayer, string[]>[] {
  const frames: Map<TreeLayer, string[]>[] = [];
  let cur: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[^\s(),]+ \(([0-9a-f]{2}(?::[0-9a-f]{2}){5})\)/g, '$1');
    if (line === '') continue;
    if (!line.startsWith(' ')) {
      if (/^Frame \d+: /.test(line)) frames.push(new Map());
      const layer = layerOf(line);
      const f = frames[frames.length - 1];
      cur = layer && f && !f.has(layer) ? [] : undefined;
      if (cur && layer) f.set(layer, cur);
    }
    cur?.push(line);
  }
  return frames;
}

function lcs(a: readonly string[], b: readonly string[]): number {
  const prev = new Array<number>(b.length + 1).fill(0);
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    for (let j = 0; j <= b.length; j++) prev[j] = row[j];
  }
  return prev[b.length];
}

export function tsharkDetails(path: string): string {
  return spawnSync('tshark', ['-n', '-r', path, '-V'], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
}

export async function ourDetails(path: string): Promise<string> {
  const s = new CaptureSession({ hash: false });
  await s.open(path);
  const out: string[] = [];
  s.scan(0, s.total, 'all', (_i, d) => void out.push(treeText(d) + '\n'));
  s.close();
  return out.join('');
}

/** Adds the comparison of one capture to `tally`; returns examples of differing sections (diff-ish text). */
export async function compareTrees(
  path: string,
  tally: Map<TreeLayer, LayerTally>,
  examples: string[] = [],
): Promise<string[]> {
  const theirs = splitFrames(tsharkDetails(path));
  const ours = splitFrames(await ourDetails(path));
  theirs.forEach((t, i) => {
    const o = ours[i] ?? new Map<TreeLayer, string[]>();
    for (const [layer, tl] of t) {
      const ol = o.get(layer) ?? [];
      const same = lcs(tl, ol);
      const e = tally.get(layer) ?? { same: 0, lines: 0, sectionsSame: 0, sections: 0 };
      e.same += same;
      e.lines += Math.max(tl.length, ol.length);
      e.sections++;
      if (same === tl.length && same === ol.length) e.sectionsSame++;
      else if (examples.length < 1000) {
        const miss = tl.filter((l) => !ol.includes(l)).map((l) => `  - ${l}`);
        const extra = ol.filter((l) => !tl.includes(l)).map((l) => `  + ${l}`);
        examples.push(`${path} #${i + 1} ${layer}\n${[...miss, ...extra].join('\n')}`);
      }
      tally.set(layer, e);
    }
  });
  return examples;
}
