/**
 * `wirelens gifs` against the course lab's own logic: test/gifs/pcap_downloads.py (dpkt, run with Debian's
 * python3-dpkt) on every capture of the corpus, compared line for line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { basename, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../capture/index.js';
import { allCaptures, hasCorpus } from '../testing/corpus.js';
import { findGifDownloads } from './gifs.js';

const script = resolve(import.meta.dirname, '..', '..', 'test', 'gifs', 'pcap_downloads.py');
const hasDpkt = spawnSync('/usr/bin/python3', ['-c', 'import dpkt'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasCorpus || !hasDpkt)('found GIFs vs the dpkt lab script', () => {
  it('prints exactly what pcap_downloads.py prints, on every corpus capture', async () => {
    let same = 0;
    let compared = 0;
    const skipped: string[] = [];
    const differ: string[] = [];
    for (const path of allCaptures()) {
      const py = spawnSync('/usr/bin/python3', [script, path], { encoding: 'utf8', timeout: 60_000 });
      if (py.status !== 0) {
        // dpkt cannot read some files (e.g. pcapng with several sections): there is nothing to compare.
        skipped.push(`${basename(path)}: ${py.stderr.trim().split('\n').pop()}`);
        continue;
      }
      const cap = await openCapture(path);
      const pkts: [number, Uint8Array][] = [];
      cap.forEach(0, cap.index.count, (i, b) => void pkts.push([i + 1, b]));
      cap.close();
      const ours = `${findGifDownloads(basename(path), pkts).lines.join('\n')}\n`;
      compared++;
      if (ours === py.stdout) same++;
      else differ.push(`${basename(path)}:\n--- dpkt\n${py.stdout}--- wirelens\n${ours}`);
    }
    console.log(
      `gifs vs dpkt: identical on ${same}/${compared} captures; ${skipped.length} captures dpkt cannot read:\n  ${skipped.join('\n  ')}\n${differ.join('\n')}`,
    );
    expect(compared).toBeGreaterThan(50);
    expect(same).toBe(compared);
  });

  it('finds the lecture-style downloads in the generated capture', () => {
    const out = execFileSync(
      process.execPath,
      [
        resolve(import.meta.dirname, '..', '..', 'bin', 'wirelens.mjs'),
        'gifs',
        resolve(allCaptures().find((p) => p.endsWith('gen/http_gifs.pcap'))!),
      ],
      { encoding: 'utf8' },
    );
    expect(out.split('\n')[0]).toBe('[*] Analysing http_gifs.pcap for gif files');
    expect(out).toContain('[!] 127.0.0.1 downloaded /medium.gif?size=2&v=1 from 127.0.0.1');
  });
});
