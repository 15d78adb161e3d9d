/**
 * Differential test of frame.protocols (the "Protocols in frame" line, and what `frame.protocols contains …`
 * filters read) against `tshark -T fields -e frame.protocols` on every oracle capture, over the frames whose
 * Protocol column is one Wirelens dissects. Two known gaps are counted apart, not hidden: the TLS handshake
 * layers tshark finds inside QUIC's CRYPTO frames, and layers we have no dissector for (megaco). Every other
 * difference fails the test — also in the X.509 layers of certificates (x509sat, x509ce, pkcs-1, …), since
 * certificates are dissected.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CaptureSession } from '../session/session.js';
import { registry } from '../fields/registry.js';
import { capturePath, hasCorpus, oracleCaptures, oracleFile, OURS, readTsv } from '../testing/corpus.js';
import { hasTshark } from '../testing/vs-tshark.js';

/** tshark's list has a layer we do not build. */
const knownGap = (theirs: string) => /:megaco(:|$)/.test(theirs) || /:quic:(.*:)?tls(:|$)/.test(theirs);

async function compare(name: string, tally: { frames: number; agree: number; ours: number; known: number }) {
  const field = registry.get('frame.protocols')!;
  const path = capturePath(name);
  const theirs = spawnSync('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'frame.protocols'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  }).stdout.split('\n');
  const columns = readTsv(oracleFile(name, 'frames.tsv'));
  const misses: string[] = [];
  const s = new CaptureSession({ hash: false });
  await s.open(path);
  s.scan(0, s.total, new Set([field.id]), (i, d) => {
    const mine = String(d.byField.get(field.id)?.[0]?.value ?? '');
    tally.frames++;
    if (!OURS.has(columns[i]?.['_ws.col.Protocol'] ?? '')) return;
    tally.ours++;
    if (mine === theirs[i]) tally.agree++;
    else if (knownGap(theirs[i])) tally.known++;
    else misses.push(`${name} #${i + 1}\n  ours:   ${mine}\n  tshark: ${theirs[i]}`);
  });
  s.close();
  return misses;
}

describe.skipIf(!hasCorpus || !hasTshark)('frame.protocols vs tshark', () => {
  it(
    'lists the same protocols in every frame of the protocols we dissect',
    { timeout: 300_000 },
    async () => {
      const tally = { frames: 0, agree: 0, ours: 0, known: 0 };
      const misses: string[] = [];
      for (const name of oracleCaptures()) misses.push(...(await compare(name, tally)));
      console.log(
        `frame.protocols vs tshark: ${tally.agree}/${tally.ours} frames of our protocols agree, ${tally.known} differ ` +
          `by a known gap (TLS in QUIC, megaco), ${misses.length} otherwise (${tally.frames} frames in all)`,
      );
      if (misses.length) console.log(misses.slice(0, 20).join('\n'));
      expect(misses).toEqual([]);
    },
  );
});
