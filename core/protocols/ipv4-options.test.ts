/** IPv4 header options: one subtree each, as tshark -V shows them. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes/byteview.js';
import { writePcap } from '../capture/writer.js';
import { treeText } from '../session/tree.js';
import { dissectPackets } from '../testing/dissect-all.js';
import { hasTshark } from '../testing/vs-tshark.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
// IGMPv2 report with a 28-byte header: No-Operation, Router Alert, No-Operation, End of Options List.
const frame = concatBytes(
  hex('01005e000016001122334455' + '0800'),
  hex('4700002400010000010200000a000001e0000016'),
  hex('01' + '94040000' + '01' + '00000000'.slice(0, 4)),
  hex('1600fa04e0000016'),
);
const packets = [{ data: frame, tsSec: 1_700_000_000, tsNsec: 0 }];

/** The lines from "Options:" to the end of the IPv4 section. */
function options(text: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('    Options:'));
  let end = at + 1;
  while (end < lines.length && lines[end].startsWith('        ')) end++;
  return at < 0 ? [] : lines.slice(at, end);
}

describe('IPv4 options', () => {
  const text = treeText(dissectPackets(packets)[0]);

  it('names each option and shows its type, length and value', () => {
    expect(options(text)).toEqual(
      expect.arrayContaining([
        '    Options: (8 bytes), Router Alert',
        '        IP Option - No-Operation (NOP)',
        '        IP Option - End of Options List (EOL)',
        '        IP Option - Router Alert (4 bytes): Router shall examine packet (0)',
        '                ...1 0100 = Number: Router Alert (20)',
        '            Router Alert: Router shall examine packet (0)',
      ]),
    );
  });

  it.skipIf(!hasTshark)('shows them as tshark -V does', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wirelens-ipopt-')), 'opts.pcap');
    writeFileSync(file, writePcap(packets, { linkType: 1 }));
    const theirs = spawnSync('tshark', ['-n', '-r', file, '-V'], { encoding: 'utf8' }).stdout;
    expect(options(text)).toEqual(options(theirs));
  });
});
