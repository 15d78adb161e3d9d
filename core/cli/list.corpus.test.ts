/** `wirelens list` text output against `tshark -n -r` itself, line for line, on the course captures. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import { CaptureSession } from '../session/session.js';
import { rowText } from './commands/list.js';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasCorpus || !hasTshark)('wirelens list vs tshark -n -r', () => {
  it('prints the same lines as tshark for the course captures', async () => {
    for (const name of [
      'http_gifs.pcap',
      'l2_mix.pcap',
      'l2_mix.pcapng',
      'http_gifs_cut.pcap',
      'http.pcap',
      'dns+icmp.pcapng.gz',
    ]) {
      const path = capturePath(name);
      const s = new CaptureSession({ hash: false });
      await s.open(path);
      let ours = '';
      s.scan(0, s.total, 'columns', (_i, d) => void (ours += rowText(s.toRowColumns(d))));
      s.close();
      const theirs = spawnSync('tshark', ['-n', '-r', path], {
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC' },
      }).stdout;
      expect(ours, name).toBe(theirs);
    }
  });
});
