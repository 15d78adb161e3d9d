/**
 * The TCP ACK Rate Request experimental option (RFC 6994 identifier 0x00ac) as tshark shows it: named in the
 * option's title, a length other than 4 or 5 noted, a rate (length 5) in the title, its bits and the Info column.
 * The corpus has lengths 4 and 6; the length-5 case is its frame 2 with the option lengthened over the EOL after it.
 * And a reassembly error (overlapping data) shown as tshark shows it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture, writePcap } from '../capture/index.js';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import { hasTshark } from '../testing/vs-tshark.js';
import { main } from '../cli/main.js';

async function list(args: string[]): Promise<string> {
  let out = '';
  await main(['list', ...args], { out: (t) => void (out += t), err: () => undefined });
  return out;
}

const tshark = (...a: string[]) => spawnSync('tshark', ['-n', ...a], { encoding: 'utf8' }).stdout;

describe.skipIf(!hasCorpus || !hasTshark)('TCP ACK Rate Request option vs tshark', () => {
  const corpus = capturePath('tcp-exp-option-tarr.pcap.gz');

  it('shows the corpus capture (lengths 4 and 6) as tshark -V does', async () => {
    expect(await list([corpus, '-V'])).toBe(tshark('-r', corpus, '-V'));
  });

  it('shows a rate (length 5) in the title, its bits and Info', async () => {
    const cap = await openCapture(corpus, {});
    const b = Uint8Array.from(cap.readPacket(1));
    const m = cap.meta(1);
    cap.close();
    const at = b.findIndex((x, i) => x === 0xfe && b[i + 1] === 4 && b[i + 2] === 0 && b[i + 3] === 0xac);
    expect(at).toBeGreaterThan(0);
    b[at + 1] = 5;
    b[at + 4] = 0x0b; // rate 5, reserved 1
    const file = join(mkdtempSync(join(tmpdir(), 'wirelens-tarr-')), 'tarr5.pcap');
    writeFileSync(file, writePcap([{ data: b, tsSec: m.tsSec, tsNsec: m.tsNsec }], { linkType: m.linkType }));
    const details = await list([file, '-V']);
    expect(details).toContain('TCP Option - Experimental: TCP ACK Rate Request 5\n');
    expect(details).toBe(tshark('-r', file, '-V'));
    expect(await list([file])).toBe(tshark('-r', file));
  });
});

describe.skipIf(!hasCorpus || !hasTshark)('a TCP reassembly error vs tshark', () => {
  it('is a top-level Malformed item with the bare message as its expert, and matches _ws.malformed', async () => {
    const file = capturePath('http-ooo.pcap');
    const ours = await list([file, '-V', '-Y', 'frame.number == 5']);
    const theirs = tshark('-r', file, '-V', '-Y', 'frame.number == 5');
    expect(ours).toContain(
      '\n[Reassembly error, protocol TCP: New fragment overlaps old data (retransmission?)]\n' +
        '    [Expert Info (Error/Malformed): New fragment overlaps old data (retransmission?)]\n',
    );
    expect(ours).toBe(theirs);
    expect(await list([file, '-Y', '_ws.malformed'])).toBe(tshark('-r', file, '-Y', '_ws.malformed'));
  });
});
