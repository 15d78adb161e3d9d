/**
 * `wirelens list -t FORMAT` against `tshark -n -r FILE [-Y FILTER] -t FORMAT` itself, line for line, for every
 * time format, on captures of each timestamp kind (pcap µs, pcap ns, pcapng µs and ns, several interfaces, a
 * negative delta), with and without a display filter (for dd). Both run with TZ=UTC, so local times are UTC.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import { main } from './main.js';
import { TIME_FORMATS } from '../api/time-format.js';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

const DATED = new Set(['ad', 'adoy', 'ud', 'udoy']);

/** timeOnly: other columns differ for reasons of their own (many_interfaces: no DB-LSP-DISC dissector here). */
const CASES: { file: string; filter?: string; timeOnly?: boolean }[] = [
  { file: 'dhcp.pcap' }, // pcap, µs
  { file: 'dhcp.pcap', filter: 'udp.srcport == 67' },
  { file: 'dhcp-nanosecond.pcap' }, // pcap, ns
  { file: 'dhcp-nanosecond.pcap', filter: 'ip.src == 192.168.0.1' },
  { file: 'dhcp-nanosecond.pcapng' }, // pcapng, if_tsresol 9
  { file: 'dhcp.pcapng' }, // pcapng, µs
  { file: 'http_gifs.pcapng', filter: 'http' },
  { file: 'dns+icmp.pcapng.gz' },
  { file: 'dns+icmp.pcapng.gz', filter: 'icmp' },
  { file: 'many_interfaces.pcapng.1', timeOnly: true }, // several interfaces; a packet earlier than the one before
  { file: 'many_interfaces.pcapng.1', filter: 'frame.number > 3 && frame.number < 40', timeOnly: true },
];

async function ours(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(['list', ...args], { out: (t) => void (out += t), err: (t) => void (err += t) });
  expect(code, err).toBe(0);
  return out;
}

describe.skipIf(!hasCorpus || !hasTshark)('wirelens list -t vs tshark -t', () => {
  it('prints the same lines as tshark for every time format', { timeout: 240_000 }, async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'UTC';
    let lines = 0;
    let agree = 0;
    let timeLines = 0;
    let timeAgree = 0;
    const misses: string[] = [];
    try {
      for (const { file, filter, timeOnly } of CASES) {
        const path = capturePath(file);
        for (const { code } of TIME_FORMATS) {
          const filt = filter ? ['-Y', filter] : [];
          const mine = (await ours([path, ...filt, '-t', code])).split('\n');
          const theirs = spawnSync('tshark', ['-n', '-r', path, ...filt, '-t', code], {
            encoding: 'utf8',
            env: { ...process.env, TZ: 'UTC' },
          }).stdout.split('\n');
          expect(mine.length, `${file} ${filter ?? ''} -t ${code}: line count`).toBe(theirs.length);
          for (let i = 0; i < theirs.length; i++) {
            if (theirs[i] === '') continue;
            if (!timeOnly) {
              lines++;
              if (mine[i] === theirs[i]) agree++;
            }
            // The Time column alone (the dated formats have a space inside).
            timeLines++;
            const t = (l: string | undefined) =>
              l
                ?.replace(/^ *\d+ +/, '')
                .split(' ')
                .slice(0, DATED.has(code) ? 2 : 1)
                .join(' ');
            if (t(mine[i]) === t(theirs[i])) timeAgree++;
            else if (misses.length < 10)
              misses.push(`${file} -t ${code}\n  ours:   ${mine[i]}\n  tshark: ${theirs[i]}`);
          }
        }
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    console.log(
      `list -t vs tshark -t: ${CASES.length} capture/filter cases x ${TIME_FORMATS.length} formats; ` +
        `whole lines agree ${agree}/${lines} (timeOnly cases left out), Time column agrees ${timeAgree}/${timeLines}`,
    );
    if (misses.length) console.log(misses.join('\n'));
    expect(timeAgree).toBe(timeLines);
    expect(agree).toBe(lines);
  });
});
