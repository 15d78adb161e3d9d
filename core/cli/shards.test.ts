/**
 * One-shot commands on several threads (core/cli/shards.ts): `wirelens list` and `wirelens export` give the same
 * output as on one thread, whatever the format, filter, count or type, and the same errors.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { CaptureSession } from '../session/session.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcapng } from '../capture/index.js';
import { chatScenario, httpGifScenario, smtpScenario, websocketScenario } from '../testing/scenarios.js';
import { shardThreads as listThreads } from './shards.js';
import { exportOnThreads, runThreads } from '../testing/threads.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-list-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Four conversations between five hosts, interleaved in time. */
function fixture(): string {
  const file = join(dir, 'mix.pcapng');
  const packets = [
    ...httpGifScenario(1_700_000_000),
    ...chatScenario(1_700_000_000),
    ...websocketScenario(1_700_000_000),
    ...smtpScenario(1_700_000_000),
  ].sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
  writeFileSync(file, writePcapng(packets, { interfaces: [{ linkType: 1, name: 'eth0', tsresol: 9 }] }));
  return file;
}

const run = runThreads;

describe('wirelens list on several threads', () => {
  const file = fixture();

  it.each([
    [[]],
    [['--format', 'tsv']],
    [['-t', 'ud']],
    [['-t', 'd']],
    [['-Y', 'http || smtp']],
    [['-Y', 'tcp.len > 0', '--format', 'tsv']],
    [['-Y', 'dns', '--count']],
    [['--count']],
    [['-Y', 'tcp.stream == 1']],
    [['-Y', 'frame.number > 1000']],
  ])('prints what one thread prints: list %j', async (args) => {
    const one = await run(1, ['list', file, ...args]);
    expect(one.code).toBe(0);
    for (const n of [2, 3]) expect(await run(n, ['list', file, ...args])).toEqual(one);
  });

  it('reports a file it cannot open as one thread does', async () => {
    const missing = join(dir, 'missing.pcap');
    const one = await run(1, ['list', missing]);
    expect(one.code).toBe(1);
    expect(one.err).toMatch(/missing\.pcap/);
    expect(await run(2, ['list', missing])).toEqual(one);
    writeFileSync(join(dir, 'junk.pcap'), 'not a capture at all, just text');
    const junk = await run(1, ['list', join(dir, 'junk.pcap')]);
    expect(junk.code).toBe(1);
    expect(await run(2, ['list', join(dir, 'junk.pcap')])).toEqual(junk);
  });

  it.each([[[]], [['--type', 'gif']]])('exports what one thread exports: export %j', async (args) => {
    const r = await exportOnThreads(file, [2, 3], args, join(dir, 'export'));
    expect(r.objects).toBe(args.length ? 4 : 5);
  });

  it('fails an export of a capture it cannot open as one thread does, making no folder', async () => {
    const missing = join(dir, 'missing.pcap');
    const one = await run(1, ['export', missing, '--out', join(dir, 'none-1')]);
    expect(one.code).toBe(1);
    const two = await run(2, ['export', missing, '--out', join(dir, 'none-2')]);
    expect(two).toEqual(one);
    expect(existsSync(join(dir, 'none-1')) || existsSync(join(dir, 'none-2'))).toBe(false);
  });

  it('stops every shard at the frames counted at the start (a capture still being written)', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const seen: number[] = [];
    s.scanShard({ shard: 0, shards: 1, frames: 7 }, 'columns', true, (i) => void seen.push(i));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('uses threads for big captures only, unless told', () => {
    const before = process.env.WIRELENS_THREADS;
    delete process.env.WIRELENS_THREADS;
    try {
      expect(listThreads(file)).toBe(1);
      process.env.WIRELENS_THREADS = '3';
      expect(listThreads(file)).toBe(3);
      process.env.WIRELENS_THREADS = '1';
      expect(listThreads(file)).toBe(1);
    } finally {
      if (before === undefined) delete process.env.WIRELENS_THREADS;
      else process.env.WIRELENS_THREADS = before;
    }
  });
});
