/**
 * The frame summary stands in for a dissection only where it gives exactly what a real one gives, and a filter
 * skips a frame only when the frame lacks a layer its fields need: both checked frame by frame against full
 * re-dissections, on the repo's own fixture and (when ../shared/corpus exists) on every corpus capture.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
import { fieldOwners } from '../dissect/engine.js';
import type { Dissection } from '../dissect/types.js';
import { registry } from '../fields/registry.js';
import { allCaptures, hasCorpus } from '../testing/corpus.js';
import { chatScenario, httpGifScenario } from '../testing/scenarios.js';
import { CaptureSession } from './session.js';
import { standInFields, Verdict } from './summary.js';

const name = (id: number) => registry.byIdOf(id)?.abbrev ?? `#${id}`;

const text = (v: unknown): string =>
  v !== null && typeof v === 'object' && 's' in v && 'ns' in v
    ? `${String(v.s)}s+${String(v.ns)}ns`
    : String(v);

function values(d: Dissection, ids: ReadonlySet<number>): string {
  const out: string[] = [];
  for (const id of [...ids].sort((a, b) => a - b)) {
    const items = d.byField.get(id);
    if (items?.length) out.push(`${name(id)}=${items.map((it) => text(it.value)).join('|')}`);
  }
  return out.join(' ');
}

function probe(fields: ReadonlySet<number>): {
  fields: ReadonlySet<number>;
  needsAll: boolean;
  match(d: Dissection): boolean;
  seen: string;
} {
  const p = {
    fields,
    needsAll: false,
    seen: '',
    match(d: Dissection) {
      p.seen = values(d, fields);
      return true;
    },
  };
  return p;
}

/** Frames checked, frames the stand-in answered for, and every disagreement. */
async function check(path: string): Promise<{ frames: number; stoodIn: number; bad: string[] }> {
  const s = new CaptureSession({ hash: false });
  try {
    await s.open(path);
  } catch {
    return { frames: 0, stoodIn: 0, bad: [] }; // unreadable corpus files are other tests' subject
  }
  s.analyseTo(s.total);
  const { layers, provided } = standInFields();
  const all = probe(provided);
  const protos = probe(layers);
  const bad: string[] = [];
  let stoodIn = 0;
  s.scan(0, s.total, 'all', (i, d) => {
    const where = `${path.split('/').pop()} #${i + 1}`;
    // The stack the first pass recorded: the same layers, as many times each.
    if (s.frameSummary.verdict(protos, i) !== Verdict.Yes) bad.push(`${where}: not summarised`);
    else if (protos.seen !== values(d, layers))
      bad.push(`${where}: layers ${protos.seen} ≠ ${values(d, layers)}`);
    if (s.frameSummary.verdict(all, i) === Verdict.Yes) {
      stoodIn++;
      if (all.seen !== values(d, provided)) bad.push(`${where}: ${all.seen} ≠ ${values(d, provided)}`);
    }
    // Every item's field has one of its owners among the frame's layers.
    for (const [id] of d.byField) {
      const own = fieldOwners(registry.byIdOf(id)!);
      if (own && !own.some((p) => d.byField.has(p))) bad.push(`${where}: ${name(id)} without its layer`);
    }
  });
  const frames = s.total;
  s.close();
  return { frames, stoodIn, bad: bad.slice(0, 20) };
}

describe('frame summary', () => {
  it('stands in exactly for the fixture captures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-summary-'));
    for (const [k, packets] of [httpGifScenario(), chatScenario()].entries()) {
      const file = join(dir, `s${k}.pcap`);
      writeFileSync(file, writePcap(packets, { linkType: 1 }));
      const r = await check(file);
      expect(r.bad).toEqual([]);
      expect(r.stoodIn).toBe(packets.length);
    }
  });

  it.skipIf(!hasCorpus)(
    'stands in exactly and skips only frames without the layers on every corpus capture',
    async () => {
      let frames = 0;
      let stoodIn = 0;
      const bad: string[] = [];
      for (const path of allCaptures()) {
        const r = await check(path);
        frames += r.frames;
        stoodIn += r.stoodIn;
        bad.push(...r.bad);
      }
      console.log(
        `frame summary: ${stoodIn}/${frames} corpus frames answered without dissection, ${bad.length} disagreements`,
      );
      expect(bad).toEqual([]);
      expect(frames).toBeGreaterThan(10_000);
    },
    900_000,
  );
});
