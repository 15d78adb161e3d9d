/**
 * Forensics benchmarks (part of `npm run bench`): HTTP object export against `tshark --export-objects http` on
 * the same capture, and hash-set import/lookup rates on a generated 10M-entry MD5 list.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashSetStore } from '../core/forensics/hashset.js';

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * `wirelens export FILE --out DIR` as a user runs it (process start, open, first pass, every object named, hashed,
 * checked and written, report.json/csv) against `tshark --export-objects http,DIR` on the same file.
 */
export function benchExport(file: string, hasTshark: boolean): void {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-bench-export-'));
  try {
    const time = (cmd: string, argv: string[]) => {
      const t0 = performance.now();
      const r = spawnSync(cmd, argv, { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}`);
      return performance.now() - t0;
    };
    const ours = time(join(import.meta.dirname, '..', 'bin', 'wirelens.mjs'), [
      'export',
      file,
      '--out',
      join(dir, 'ours'),
    ]);
    const written = readdirSync(join(dir, 'ours')).filter((f) => f !== 'report.json' && f !== 'report.csv');
    let line = `wirelens export: ${written.length} objects (with hashes, signatures, report) in ${s(ours)}`;
    if (hasTshark) {
      const theirs = time('tshark', [
        '-n',
        '-r',
        file,
        '-q',
        '--export-objects',
        `http,${join(dir, 'tshark')}`,
      ]);
      line += `; tshark --export-objects ${s(theirs)} (${readdirSync(join(dir, 'tshark')).length} files) → ${(theirs / ours).toFixed(1)}× faster (goal ≥ 3×)`;
    }
    console.log(line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchHashSets(entries: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-bench-hashset-'));
  try {
    const list = join(dir, 'md5.txt');
    const out = createWriteStream(list);
    const keys: string[] = [];
    let chunk = '';
    for (let i = 0; i < entries; i++) {
      const h = createHash('md5').update(String(i)).digest('hex');
      if (i % 1_000_003 === 0) keys.push(h);
      chunk += `${h}\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        chunk = '';
      }
    }
    out.end(chunk);
    await new Promise<void>((r) => out.on('finish', () => r()));
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    // The import reads its list as a stream: a timer between its chunks sees the peak.
    let rssMax = rss0;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 10);
    const store = new HashSetStore(join(dir, 'store'));
    const t0 = performance.now();
    const rep = await store.importFile('bench', list, 'known-bad');
    const ms = performance.now() - t0;
    clearInterval(sampler);
    const peak = Math.max(rssMax, process.memoryUsage().rss) - rss0;
    const fresh = new HashSetStore(join(dir, 'store'));
    const tl = performance.now();
    fresh.lookup(keys[0]); // loads the table lazily
    const loadMs = performance.now() - tl;
    const t1 = performance.now();
    const N = 1_000_000;
    let hits = 0;
    for (let i = 0; i < N; i++) if (fresh.lookup(keys[i % keys.length]).verdict === 'known-bad') hits++;
    const lms = performance.now() - t1;
    console.log(
      `hash sets: imported ${rep.counts.md5} MD5s in ${s(ms)} (goal < 10 s), peak RSS growth ${(peak / 1e6).toFixed(0)} MB (goal < 300 MB); ` +
        `table load ${s(loadMs)}, ${N} lookups in ${s(lms)} = ${Math.round(N / (lms / 1000))}/s (goal ≥ 1M/s), ${hits} hits`,
    );
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}
