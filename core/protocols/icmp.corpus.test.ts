/**
 * ICMP and ICMPv6 Info texts on a re-dissection (the list of an analysed capture) against tshark's two-pass
 * output (`tshark -2`): echo pairs in both directions (a request sent twice is answered in its second copy),
 * Neighbor Discovery targets, flags and link-layer addresses, error codes.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import { CaptureSession } from '../session/session.js';
import { detailsText, layerSections } from '../testing/vs-tshark.js';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasCorpus || !hasTshark)('ICMP and ICMPv6 Info vs tshark -2', () => {
  it('gives tshark two-pass Info text for every ICMP and ICMPv6 frame', async () => {
    let checked = 0;
    for (const name of ['communityid.pcap.gz', 'dns+icmp.pcapng.gz', 'icmp.pcapng.gz']) {
      const path = capturePath(name);
      const r = spawnSync(
        'tshark',
        [
          '-n',
          '-2',
          '-r',
          path,
          '-Y',
          'icmp || icmpv6',
          '-T',
          'fields',
          '-e',
          'frame.number',
          '-e',
          '_ws.col.Info',
        ],
        { encoding: 'utf8' },
      );
      const want = r.stdout.trim().split('\n').filter(Boolean);
      const s = new CaptureSession({ hash: false });
      await s.open(path);
      s.analyseTo(s.total);
      const got = want.map((line) => {
        const no = Number(line.split('\t')[0]);
        return `${no}\t${s.toRowColumns(s.dissect(no, 'columns')).info}`;
      });
      s.close();
      expect(got, name).toEqual(want);
      checked += want.length;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('shows the ICMP and ICMPv6 trees of a re-dissection as tshark -2 -V does (unanswered requests too)', async () => {
    let sections = 0;
    for (const name of ['communityid.pcap.gz', 'dns+icmp.pcapng.gz', 'icmp.pcapng.gz']) {
      const path = capturePath(name);
      const s = new CaptureSession({ hash: false });
      await s.open(path);
      s.analyseTo(s.total);
      const ours = layerSections(detailsText(s), 'Internet Control Message Protocol');
      s.close();
      const theirs = spawnSync('tshark', ['-n', '-2', '-r', path, '-V'], { encoding: 'utf8' }).stdout;
      expect(ours, name).toEqual(layerSections(theirs, 'Internet Control Message Protocol'));
      sections += ours.length;
    }
    // 6 of them requests nobody answered: "[No response seen]" and its warning.
    expect(sections).toBe(85);
  });
});
