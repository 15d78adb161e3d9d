/** `wirelens list FILE -V [-P]`: packet details as `tshark -V` prints them. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/index.js';
import { httpGifScenario } from '../testing/scenarios.js';
import { hasTshark } from '../testing/vs-tshark.js';
import { main } from './main.js';
import { hexDumpLines } from '../session/tree.js';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

function fixture(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wirelens-list-v-')), 'case.pcap');
  writeFileSync(file, writePcap(httpGifScenario(), { linkType: 1 }));
  return file;
}

/** The top-level lines (one per layer) of -V output, and the blank lines between packets. */
const layers = (text: string) => text.split('\n').filter((l) => !l.startsWith(' '));

describe('wirelens list -V', () => {
  it('counts "delta from previous displayed frame" from the last frame printed with -Y, as tshark', async () => {
    const file = fixture();
    const out = (await run(['list', file, '-V', '-Y', 'http.request'])).out;
    const deltas = [...out.matchAll(/\[Time delta from previous displayed frame: ([\d.]+) seconds\]/g)].map(
      (m) => m[1],
    );
    const times = [...out.matchAll(/\n {4}Epoch Time: ([\d.]+) seconds/g)].map((m) => Number(m[1]));
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas[0]).toBe('0.000000000');
    for (let k = 1; k < deltas.length; k++) expect(Number(deltas[k])).toBeCloseTo(times[k] - times[k - 1], 6);
    if (hasTshark) {
      const theirs = spawnSync('tshark', ['-r', file, '-V', '-Y', 'http.request'], {
        encoding: 'utf8',
      }).stdout;
      expect(deltas).toEqual(
        [...theirs.matchAll(/\[Time delta from previous displayed frame: ([\d.]+) seconds\]/g)].map(
          (m) => m[1],
        ),
      );
    }
  });

  it('prints every packet as a tree of indented lines, the filtered ones only with -Y, the row first with -P', async () => {
    const file = fixture();
    const all = await run(['list', file, '-V']);
    expect(all.code).toBe(0);
    const rows = (await run(['list', file])).out.trim().split('\n');
    const frames = all.out.split('\n').filter((l) => l.startsWith('Frame '));
    expect(frames.length).toBe(rows.length);
    expect(all.out).toMatch(/^Frame 1: \d+ bytes on wire/);
    expect(all.out).toContain('\n    Source Port: ');
    expect(all.out).toContain('\nHypertext Transfer Protocol\n    GET ');
    expect(all.out.endsWith('\n\n')).toBe(true);

    const get = await run(['list', file, '-V', '-P', '-Y', 'http.request.method == "GET"']);
    const summary = get.out.split('\n').filter((l) => / HTTP \d+ GET /.test(l));
    const getRows = rows.filter((l) => / HTTP \d+ GET /.test(l));
    expect(summary).toEqual(getRows.map((l) => l));
    expect(get.out.split('\n').filter((l) => l.startsWith('Frame ')).length).toBe(getRows.length);
  });

  it('refuses options that do not go with it', async () => {
    const file = fixture();
    for (const args of [
      ['-V', '--format', 'tsv'],
      ['-V', '--count'],
      ['-P'],
      ['-V', '-w', join(tmpdir(), 'never.pcapng')],
    ]) {
      const r = await run(['list', file, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(/-V|-P/);
    }
  });

  it.skipIf(!hasTshark)('has the layers tshark -V shows, in its order', async () => {
    const file = fixture();
    const ours = layers((await run(['list', file, '-V'])).out);
    const theirs = layers(spawnSync('tshark', ['-n', '-r', file, '-V'], { encoding: 'utf8' }).stdout);
    // Vendor names come from different registries; reassembly summaries are lines we do not print.
    const norm = (ls: string[]) =>
      ls
        .filter((l) => !/^\[\d+ Reassembled TCP Segments/.test(l))
        .map((l) => l.replace(/^Ethernet II.*/, 'Ethernet II'));
    expect(norm(ours)).toEqual(norm(theirs));
  });
});

describe('hex dump of undissected data (tshark -V)', () => {
  it('prints 16 bytes a line with offsets, hex and ASCII, the last line padded', () => {
    const lines: string[] = [];
    hexDumpLines(
      new Uint8Array([...Array.from({ length: 16 }, (_, i) => 0x41 + i), 0x00, 0x7f, 0x20]),
      lines,
    );
    expect(lines).toEqual([
      '0000  41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50   ABCDEFGHIJKLMNOP',
      `0010  00 7f 20 ${' '.repeat(39)}  .. `,
    ]);
  });
});
