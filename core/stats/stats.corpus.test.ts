/** Protocol hierarchy and follow stream against tshark (../shared/corpus/oracle/*\/phs.txt, tshark -z follow). */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CaptureSession } from '../session/session.js';
import { capturePath, hasCorpus, oracleCaptures, oracleFile } from '../testing/corpus.js';
import { formatFollow } from './follow.js';
import { followStream, protocolHierarchy } from './run.js';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasCorpus)('statistics vs tshark', () => {
  it('prints the protocol hierarchy like tshark -z io,phs', async () => {
    let exact = 0;
    let total = 0;
    let lines = 0;
    let sameLines = 0;
    const differ: string[] = [];
    for (const name of oracleCaptures()) {
      const f = oracleFile(name, 'phs.txt');
      if (!existsSync(f)) continue;
      const want = readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n');
      const s = new CaptureSession({ hash: false });
      await s.open(capturePath(name));
      const got = protocolHierarchy(s).format();
      s.close();
      total++;
      if (got === want) exact++;
      else differ.push(name);
      const w = want.split('\n').filter((l) => l.includes('frames:'));
      const g = new Set(got.split('\n').filter((l) => l.includes('frames:')));
      lines += w.length;
      sameLines += w.filter((l) => g.has(l)).length;
    }
    console.log(
      `phs vs tshark: ${exact}/${total} captures identical, ${sameLines}/${lines} hierarchy lines agree; differing: ${differ.join(', ')}`,
    );
    for (const course of [
      'http_gifs.pcap',
      'http_gifs.pcapng',
      'http_gifs_cut.pcap',
      'http_gifs_snap96.pcap',
      'l2_mix.pcap',
      'l2_mix.pcapng',
    ]) {
      expect(differ, `${course} must match tshark exactly`).not.toContain(course);
    }
    expect(exact).toBeGreaterThanOrEqual(27);
    expect(sameLines).toBeGreaterThanOrEqual(252);
  });

  it.skipIf(!hasTshark)('follows TCP streams like tshark -z follow,tcp (ascii and hex)', async () => {
    const path = capturePath('http_gifs.pcap');
    const s = new CaptureSession({ hash: false });
    await s.open(path);
    let same = 0;
    const streams = [0, 1, 2, 3, 4, 5];
    for (const n of streams) {
      for (const format of ['ascii', 'hex'] as const) {
        const ours = formatFollow(followStream(s, 'tcp', n), format);
        const theirs = spawnSync('tshark', ['-n', '-r', path, '-q', '-z', `follow,tcp,${format},${n}`], {
          encoding: 'utf8',
          maxBuffer: 1 << 28,
        }).stdout;
        if (ours === theirs) same++;
        else console.log(`stream ${n} ${format} differs`);
      }
    }
    s.close();
    console.log(`follow vs tshark: ${same}/${streams.length * 2} identical`);
    expect(same).toBe(streams.length * 2);
  });

  it.skipIf(!hasTshark)(
    'follows HTTP streams like tshark -z follow,http (headers, then de-chunked and decompressed bodies)',
    async () => {
      // Plain, chunked (gRPC-Web), brotli and the course's GIF downloads; stream 99 does not exist.
      const cases: [string, number[]][] = [
        ['http_gifs.pcap', [0, 1, 99]],
        ['grpc_web.pcapng.gz', [0, 1, 2, 5, 7]],
        ['http-brotli.pcapng', [0]],
      ];
      let same = 0;
      let total = 0;
      for (const [name, streams] of cases) {
        const path = capturePath(name);
        const s = new CaptureSession({ hash: false });
        await s.open(path);
        for (const n of streams) {
          total++;
          const ours = formatFollow(followStream(s, 'http', n), 'ascii');
          const theirs = spawnSync('tshark', ['-n', '-r', path, '-q', '-z', `follow,http,ascii,${n}`], {
            encoding: 'utf8',
            maxBuffer: 1 << 28,
          }).stdout;
          if (ours === theirs) same++;
          else console.log(`${name} http stream ${n} differs`);
        }
        s.close();
      }
      console.log(`follow http vs tshark: ${same}/${total} identical`);
      expect(same).toBe(total);
    },
  );
});
