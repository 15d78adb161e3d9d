/** Tests that compare a capture they write with tshark itself. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap } from '../capture/writer.js';
import { CaptureSession } from '../session/session.js';
import { compileFilter } from '../dfilter/index.js';
import { rowText } from '../cli/commands/list.js';
import type { SynthPacket } from './synth.js';

export const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

/**
 * Writes `packets` (Ethernet unless `linkType` says otherwise) to a temporary pcap and opens it: the session, our `wirelens list` text of every
 * frame, and a way to run `tshark -n -r` on the same file with more arguments. The caller closes the session.
 */
export async function synthCapture(
  packets: readonly SynthPacket[],
  linkType = 1,
): Promise<{
  session: CaptureSession;
  list: string;
  tshark: (...args: string[]) => string;
}> {
  const file = join(mkdtempSync(join(tmpdir(), 'wirelens-synth-')), 'synth.pcap');
  writeFileSync(file, writePcap(packets, { linkType }));
  const session = new CaptureSession({ hash: false });
  await session.open(file);
  let list = '';
  session.scan(0, session.total, 'columns', (_i, d) => void (list += rowText(session.toRowColumns(d))));
  const tshark = (...args: string[]) =>
    spawnSync('tshark', ['-n', '-r', file, ...args], { encoding: 'utf8' }).stdout;
  return { session, list, tshark };
}

/** Frame numbers (as text, like tshark's field output) that a display filter selects in the session. */
export function framesMatching(s: CaptureSession, filter: string): string[] {
  const c = compileFilter(filter);
  if (!c.ok) throw new Error(`${filter}: ${c.error.message}`);
  return [...s.runFilter(c.filter)].map(String);
}
