/**
 * Resolved addresses against `tshark -N d -q -z hosts` on every corpus capture (tshark prints its hash table's
 * order: entries are compared as sets). Captures where neither side names an address are not counted.
 */
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureSession } from '../session/session.js';
import { allCaptures, hasCorpus } from '../testing/corpus.js';
import { hasTshark } from '../testing/vs-tshark.js';
import { resolvedHosts } from './hosts.js';

/** Where tshark names addresses from what we do not read, and why. */
const KNOWN: Record<string, string> = {
  'wireguard-ping-tcp-dsb.pcapng': 'the DNS answer is inside WireGuard, which we do not decrypt',
};

describe.skipIf(!hasCorpus || !hasTshark)('resolved addresses vs tshark', () => {
  it('names the same addresses as tshark -N d -q -z hosts', async () => {
    let agree = 0;
    let total = 0;
    let entries = 0;
    const differ: string[] = [];
    for (const file of allCaptures()) {
      const r = spawnSync('tshark', ['-N', 'd', '-r', file, '-q', '-z', 'hosts'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      const theirs = r.stdout
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .sort();
      const s = new CaptureSession({ hash: false });
      try {
        await s.open(file);
      } catch {
        continue; // a capture we cannot open is another test's business (its error is checked there)
      }
      const ours = resolvedHosts(s)
        .list()
        .map((h) => `${h.address}\t${h.name}`)
        .sort();
      s.close();
      if (!theirs.length && !ours.length) continue;
      total++;
      entries += theirs.length;
      if (JSON.stringify(ours) === JSON.stringify(theirs)) agree++;
      else differ.push(basename(file));
    }
    const unexplained = differ.filter((d) => !KNOWN[d]);
    console.log(
      `hosts vs tshark: ${agree}/${total} captures with names agree (${entries} tshark entries); known differences: ${
        differ
          .filter((d) => KNOWN[d])
          .map((d) => `${d} (${KNOWN[d]})`)
          .join('; ') || 'none'
      }`,
    );
    expect(unexplained).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(10);
  }, 600_000);
});
