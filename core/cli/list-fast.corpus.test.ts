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
import { compareLaneItems, LANE_FILTERS, same } from '../testing/fastlane.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-fastlane-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasCorpus)('wirelens list: the fast lane prints what the engine prints', () => {
  it('on every capture of the corpus (TSV and text rows)', async () => {
    let lane = 0;
    let engine = 0;
    let files = 0;
    for (const file of allCaptures()) {
      const [l, e] = await same(file, ['--format', 'tsv']);
      // A second thread writing the rows and taking the frames other than TCP (as on two cores, big captures).
      expect(await same(file, ['--format', 'tsv'], 1, true)).toEqual([l, e]);
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

  it("filters every capture of the corpus as the engine does (-Y), its items the engine's", async () => {
    let frames = 0;
    let items = 0;
    let files = 0;
    for (const file of allCaptures()) {
      const r = await compareLaneItems(file);
      expect(r.mismatches).toEqual([]);
      frames += r.frames;
      items += r.items;
      await same(file, ['-Y', LANE_FILTERS[0], '--format', 'tsv']);
      await same(file, [
        '-Y',
        'ip.addr == 10.0.0.0/8 || dns || frame.len > 1000 || eth.addr == ff:ff:ff:ff:ff:ff',
      ]);
      files++;
    }
    console.log(
      `fast lane filters on the corpus: ${files} captures identical; ${items} stand-in items of ${frames} frames equal to the engine's`,
    );
    expect(files).toBeGreaterThan(100);
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
      // A second thread writing the rows and taking the frames other than TCP.
      expect(await same(file, ['--format', 'tsv'], 1, true)).toEqual([lane, engine]);
      const share = lane / (lane + engine);
      console.log(`fast lane on a generated mix: ${lane} rows from the lane, ${engine} from the engine`);
      // Measured 100% (earlier 96.6%, before UDP Data and a short QUIC header were the lane's); the lane is the speed-up.
      expect(share).toBeGreaterThan(0.93);
      // Display filters: the stand-in items of every frame the lane vouches for equal the engine's, and each
      // filter's rows; nearly all from the lane.
      const r = await compareLaneItems(file);
      expect(r.mismatches).toEqual([]);
      console.log(
        `fast lane filters on a generated mix: ${r.items} stand-in items of ${r.frames} frames equal`,
      );
      expect(r.frames).toBeGreaterThan(0.93 * 30000);
      let filtered = 0;
      let rows = 0;
      for (const expr of LANE_FILTERS) {
        const [l, e] = await same(file, ['-Y', expr, '--format', 'tsv']);
        filtered += l;
        rows += l + e;
      }
      await same(file, ['-Y', LANE_FILTERS[1], '--count'], 2);
      console.log(
        `fast lane filters on a generated mix: ${LANE_FILTERS.length} filters, ${filtered} of ${rows} rows from the lane`,
      );
      expect(filtered).toBeGreaterThan(0.9 * rows);
    },
    300_000,
  );
});
