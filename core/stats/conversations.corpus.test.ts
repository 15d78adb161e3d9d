/**
 * Conversations and endpoints against tshark: `-z conv,<type>` (the same address(:port) pairs with the same packet
 * counts) and `-z endpoints,<type>` (every number).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CaptureSession } from '../session/session.js';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import type { ConvType } from '../api/types.js';
import { conversations } from './run.js';
import { statsHandlers } from '../session/stats-handlers.js';
import type { PhsNode } from '../api/types.js';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const TYPES: ConvType[] = ['eth', 'ip', 'ipv6', 'tcp', 'udp'];
const CAPTURES = ['http_gifs.pcap', 'l2_mix.pcap', 'communityid.pcap.gz', 'dns+icmp.pcapng.gz', 'ipv6.pcap'];

/** tshark 4.0 lines: "A <-> B  frames bytes unit  frames bytes unit  frames bytes unit  start  duration". */
function tsharkPairs(file: string, type: ConvType, filter = ''): string[] {
  const z = filter ? `conv,${type},${filter}` : `conv,${type}`;
  const r = spawnSync('tshark', ['-n', '-q', '-z', z, '-r', file], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter((l) => l.includes('<->'))
    .map((l) => {
      const t = l.trim().split(/\s+/);
      return `${[t[0], t[2]].sort().join(' ')} ${t[9]}`;
    })
    .sort();
}

/** tshark 4.0 lines: "Address [Port] Packets Bytes TxPackets TxBytes RxPackets RxBytes" (exact numbers). */
function tsharkEndpoints(file: string, type: ConvType): string[] {
  const r = spawnSync('tshark', ['-n', '-q', '-z', `endpoints,${type}`, '-r', file], { encoding: 'utf8' });
  const ports = type === 'tcp' || type === 'udp';
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((t) => t.length === (ports ? 8 : 7) && /^\d+$/.test(t[t.length - 1]))
    .map((t) => (ports ? [`${t[0]}:${t[1]}`, ...t.slice(2)] : t).join(' '))
    .sort();
}

describe.skipIf(!hasCorpus || !hasTshark)('conversations vs tshark -z conv', () => {
  it('pairs and packet counts agree for every table type', async () => {
    let agree = 0;
    let total = 0;
    const differ: string[] = [];
    for (const name of CAPTURES) {
      const file = capturePath(name);
      const s = new CaptureSession({ hash: false });
      await s.open(file);
      for (const type of TYPES) {
        const got = conversations(s, type)
          .conversations()
          .map((c) => {
            const a = c.portA === undefined ? c.a : `${c.a}:${c.portA}`;
            const b = c.portB === undefined ? c.b : `${c.b}:${c.portB}`;
            return `${[a, b].sort().join(' ')} ${c.framesAB + c.framesBA}`;
          })
          .sort();
        const want = tsharkPairs(file, type);
        total++;
        if (JSON.stringify(got) === JSON.stringify(want)) agree++;
        else differ.push(`${name} ${type} (ours ${got.length}, tshark ${want.length})`);
        const eps = conversations(s, type)
          .endpoints()
          .map((e) =>
            [
              e.port === undefined ? e.address : `${e.address}:${e.port}`,
              e.framesTx + e.framesRx,
              e.bytesTx + e.bytesRx,
              e.framesTx,
              e.bytesTx,
              e.framesRx,
              e.bytesRx,
            ].join(' '),
          )
          .sort();
        const wantEps = tsharkEndpoints(file, type);
        total++;
        if (JSON.stringify(eps) === JSON.stringify(wantEps)) agree++;
        else differ.push(`${name} ${type} endpoints (ours ${eps.length}, tshark ${wantEps.length})`);
      }
      s.close();
    }
    console.log(
      `conversations vs tshark: ${agree}/${total} tables (conversations, endpoints) identical; differing: ${differ.join(', ')}`,
    );
    // UDP quoted inside ICMPv6 errors is not a conversation (communityid.pcap.gz: 1 UDP conversation, not 14).
    expect(differ.filter((d) => d.startsWith('communityid') || d.startsWith('http_gifs'))).toEqual([]);
    expect(agree).toBe(total);
  });

  it('limited to a display filter: like tshark -z conv,<type>,<filter> and -z io,phs,<filter>', async () => {
    const cases: [string, string][] = [
      ['http_gifs.pcap', 'http'],
      ['http_gifs.pcap', 'tcp.stream == 2 || tcp.stream == 5'],
      ['communityid.pcap.gz', 'ipv6'],
      ['communityid.pcap.gz', 'dns || tcp'],
      ['l2_mix.pcap', 'vlan'],
    ];
    let agree = 0;
    let total = 0;
    const differ: string[] = [];
    for (const [name, filter] of cases) {
      const file = capturePath(name);
      const s = new CaptureSession({ hash: false });
      await s.open(file);
      const applied = await s.applyFilter(filter);
      expect(applied.ok, filter).toBe(true);
      const h = statsHandlers(s);
      for (const type of TYPES) {
        const r = await h.conversations({ type, displayed: true });
        const got = r.conversations
          .map((c) => {
            const a = c.portA === undefined ? c.a : `${c.a}:${c.portA}`;
            const b = c.portB === undefined ? c.b : `${c.b}:${c.portB}`;
            return `${[a, b].sort().join(' ')} ${c.framesAB + c.framesBA}`;
          })
          .sort();
        total++;
        if (JSON.stringify(got) === JSON.stringify(tsharkPairs(file, type, filter))) agree++;
        else differ.push(`${name} [${filter}] ${type}`);
      }
      const lines: string[] = [];
      const walk = (n: PhsNode, depth: number) => {
        for (const c of n.children) {
          lines.push(`${'  '.repeat(depth)}${c.name} ${c.frames} ${c.bytes}`);
          walk(c, depth + 1);
        }
      };
      walk(await h.phs({ displayed: true }), 0);
      const want = spawnSync('tshark', ['-n', '-q', '-z', `io,phs,${filter}`, '-r', file], {
        encoding: 'utf8',
      })
        .stdout.split('\n')
        .map((l) => /^( *)(\S+)\s+frames:(\d+) bytes:(\d+)$/.exec(l))
        .filter((m) => m !== null)
        .map((m) => `${m[1]}${m[2]} ${m[3]} ${m[4]}`);
      total++;
      if (JSON.stringify(lines) === JSON.stringify(want)) agree++;
      else differ.push(`${name} [${filter}] phs`);
      // Without `displayed` (or with no filter applied) the whole capture counts.
      const all = await h.conversations({ type: 'tcp' });
      expect(all.conversations.length).toBe(conversations(s, 'tcp').conversations().length);
      s.close();
    }
    console.log(
      `limited to a display filter vs tshark: ${agree}/${total} tables identical; differing: ${differ.join(', ')}`,
    );
    // Conversations agree everywhere; the hierarchy exactly on the course captures (communityid's differs
    // without a filter too: tshark's tree-building pass dissects more, e.g. smtp inside tcp).
    expect(differ.filter((d) => !d.endsWith(' phs') || !d.startsWith('communityid'))).toEqual([]);
  });
});
