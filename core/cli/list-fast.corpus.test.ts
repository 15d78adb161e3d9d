/**
 * The fast lane of `wirelens list` (core/fastlane) prints exactly what the dissection engine alone prints, on
 * every capture of the corpus and on generated traffic of many interleaved conversations, as TSV and as
 * tshark's text rows; the share of rows the lane computed itself is printed (and floored on the generated mix,
 * the traffic it is built for).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allCaptures, generateMix, hasCorpus, hasGenerator } from '../testing/corpus.js';
import { same } from '../testing/fastlane.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-fastlane-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasCorpus)('wirelens list: the fast lane prints what the engine prints', () => {
  it('on every capture of the corpus (TSV and text rows)', async () => {
    let lane = 0;
    let engine = 0;
    let files = 0;
    for (const file of allCaptures()) {
      const [l, e] = await same(file, ['--format', 'tsv']);
      await same(file, ['-t', 'ad']);
      lane += l;
      engine += e;
      files++;
    }
    console.log(
      `fast lane on the corpus: ${files} captures identical; ${lane} rows from the lane, ${engine} from the engine (${((100 * lane) / (lane + engine)).toFixed(1)}% lane)`,
    );
    expect(files).toBeGreaterThan(100);
    expect(lane).toBeGreaterThan(0);
  }, 600_000);

  it.skipIf(!hasGenerator)(
    'on generated traffic of many conversations, nearly all from the lane',
    async () => {
      const file = join(dir, 'mix.pcap');
      generateMix(file, 30000, 7);
      const [lane, engine] = await same(file, ['--format', 'tsv']);
      await same(file, ['-t', 'dd']);
      // Each of two threads takes the address pairs of its shard.
      await same(file, ['--format', 'tsv'], 2);
      const share = lane / (lane + engine);
      console.log(`fast lane on a generated mix: ${lane} rows from the lane, ${engine} from the engine`);
      // Measured 96.6% (the rest: random UDP, ESP, an address pair's odd segment); the lane is the speed-up.
      expect(share).toBeGreaterThan(0.93);
    },
    300_000,
  );
});
