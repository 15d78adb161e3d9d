/** pcapng packet flags (epb_flags): read, shown and filtered as tshark does, and kept by exports. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../capture/index.js';
import { writePcapng } from '../capture/writer.js';
import { compileFilter } from '../dfilter/index.js';
import { CaptureSession } from '../session/session.js';
import { treeText } from '../session/tree.js';
import { httpGifScenario } from '../testing/scenarios.js';
import { hasTshark } from '../testing/vs-tshark.js';

/** Inbound (1), received as unicast (1 << 2), with a CRC error (1 << 24); and outbound (2), promiscuous (4 << 2). */
const FLAGS = [0x01000005, 0x00000012];

function capture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-flags-'));
  const file = join(dir, 'flags.pcapng');
  const packets = httpGifScenario()
    .slice(0, 3)
    .map((p, i) => (i < FLAGS.length ? { ...p, flags: FLAGS[i] } : p));
  writeFileSync(file, writePcapng(packets, { interfaces: [{ linkType: 1, name: 'eth0', tsresol: 9 }] }));
  return file;
}

/** The "Packet flags" line and the lines under it. */
function flagsBlock(text: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('    Packet flags:'));
  if (at < 0) return [];
  let end = at + 1;
  while (end < lines.length && lines[end].startsWith('        ')) end++;
  return lines.slice(at, end);
}

describe('pcapng packet flags', () => {
  const file = capture();

  it('reads the flags word of the packets that have one', async () => {
    const cap = await openCapture(file);
    expect([0, 1, 2].map((i) => cap.meta(i).flags)).toEqual([...FLAGS, undefined]);
    cap.close();
  });

  it('shows its parts under Packet flags and filters on them', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const text = treeText(s.dissect(1));
    expect(text).toContain('    Packet flags: 0x01000005\n');
    expect(text).toContain('= Direction: Inbound (0x1)');
    expect(text).toContain('= Reception type: Unicast (1)');
    expect(text).toContain('.... ...1 .... .... .... .... .... .... = CRC error: Set');
    expect(treeText(s.dissect(3))).not.toContain('Packet flags');
    expect([...s.runFilter(compile('frame.packet_flags_direction == 2'))]).toEqual([2]);
    expect([...s.runFilter(compile('frame.packet_flags_crc_error == 1'))]).toEqual([1]);
    s.close();
  });

  it.skipIf(!hasTshark)('shows the same lines as tshark -V', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const theirs = spawnSync('tshark', ['-n', '-r', file, '-V'], { encoding: 'utf8' }).stdout.split(
      /\n(?=Frame \d+: )/,
    );
    for (const n of [1, 2]) {
      const ours = flagsBlock(treeText(s.dissect(n)));
      expect(ours).toHaveLength(13);
      expect(ours).toEqual(flagsBlock(theirs[n - 1]));
    }
    // The direction: in the frame's title and as its point-to-point direction (none without flags).
    const frameLines = (t: string) => t.split('\n').filter((l) => /^Frame |Point-to-Point/.test(l));
    for (const n of [1, 2, 3]) expect(frameLines(treeText(s.dissect(n)))).toEqual(frameLines(theirs[n - 1]));
    expect(frameLines(treeText(s.dissect(2)))[1]).toBe('    Point-to-Point Direction: Sent (0)');
    expect([...s.runFilter(compile('frame.p2p_dir == 1'))]).toEqual([1]);
    s.close();
  });
});

function compile(expr: string) {
  const c = compileFilter(expr);
  if (!c.ok) throw new Error(c.error.message);
  return c.filter;
}
