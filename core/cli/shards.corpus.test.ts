/**
 * `wirelens export` on several threads writes what it writes on one (names, bytes, hashes, report), on every
 * oracle capture with HTTP objects and on a generated capture of many conversations.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  capturePath,
  generateMix,
  hasCorpus,
  hasGenerator,
  oracleCaptures,
  oracleFile,
} from '../testing/corpus.js';
import { exportOnThreads } from '../testing/threads.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-shards-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
describe.skipIf(!hasCorpus)('wirelens export on several threads', () => {
  it('exports what one thread exports from every oracle capture with objects', async () => {
    let objects = 0;
    let captures = 0;
    for (const name of oracleCaptures()) {
      if (!existsSync(oracleFile(name, 'exports.tsv'))) continue;
      objects += (await exportOnThreads(capturePath(name), [2], [], join(dir, name))).objects;
      captures++;
    }
    console.log(`export on 2 threads: ${captures} captures, ${objects} objects as on one thread`);
    expect(captures).toBeGreaterThanOrEqual(12);
  }, 300_000);

  it.skipIf(!hasGenerator)(
    'exports what one thread exports from many conversations',
    async () => {
      const file = join(dir, 'mix.pcap');
      generateMix(file, 20000, 11);
      const r = await exportOnThreads(file, [2, 3], [], join(dir, 'mix'));
      expect(r.objects).toBeGreaterThan(500);
    },
    120_000,
  );
});
