/**
 * `wirelens list FILE -T fields -e FIELD … [-E …]`: the values of chosen fields, one line per packet, as
 * `tshark -T fields` prints them — on a generated HTTP capture with every -E option, and on every oracle
 * capture of the corpus for the fields investigators script with most.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/index.js';
import { capturePath, hasCorpus, oracleCaptures } from '../testing/corpus.js';
import { httpGifScenario } from '../testing/scenarios.js';
import { hasTshark } from '../testing/vs-tshark.js';
import { main } from './main.js';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

function tshark(file: string, args: readonly string[]): string {
  return spawnSync('tshark', ['-n', '-r', file, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
}

const fields = (list: readonly string[]) => list.flatMap((f) => ['-e', f]);

/** What scripts ask tshark for most: addresses, ports, streams, flags, DNS, HTTP, TLS names, times. */
const COMMON = [
  'frame.number',
  'frame.time_relative',
  'frame.time_delta',
  'frame.len',
  'eth.src',
  'eth.dst',
  'eth.type',
  'ip.src',
  'ip.dst',
  'ip.proto',
  'ip.ttl',
  'ip.id',
  'ip.flags',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.stream',
  'tcp.flags',
  'tcp.flags.syn',
  'tcp.seq',
  'tcp.ack',
  'tcp.len',
  'tcp.window_size',
  'tcp.analysis.ack_rtt',
  'udp.srcport',
  'udp.dstport',
  'udp.stream',
  'icmp.type',
  'arp.opcode',
  'arp.src.proto_ipv4',
  'dns.id',
  'dns.qry.name',
  'dns.qry.type',
  'dns.a',
  'dns.aaaa',
  'dns.cname',
  'http.request.method',
  'http.host',
  'http.request.uri',
  'http.request.full_uri',
  'http.user_agent',
  'http.response.code',
  'http.content_type',
  'http.content_length',
  'tls.handshake.type',
  'tls.handshake.extensions_server_name',
  'tls.handshake.ja3',
];

describe('wirelens list -T fields', () => {
  it('rejects what tshark rejects, with the reason', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wirelens-fields-')), 'case.pcap');
    writeFileSync(file, writePcap(httpGifScenario(), { linkType: 1 }));
    expect((await run(['list', file, '-T', 'fields'])).err).toMatch(/needs the fields to print: -e FIELD/);
    expect((await run(['list', file, '-T', 'fields', '-e', 'ip.src', '-e', 'htp.host'])).err).toMatch(
      /some fields aren't valid: htp\.host/,
    );
    expect((await run(['list', file, '-T', 'fields', '-e', 'ip.src', '-E', 'occurrence=2'])).code).toBe(2);
    expect((await run(['list', file, '-e', 'ip.src'])).err).toMatch(/-e and -E go with -T fields/);
    expect((await run(['list', file, '-T', 'pdml'])).err).toMatch(/-T pdml: fields or text/);
  });

  it.skipIf(!hasTshark)('prints what tshark prints, with every -E option', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wirelens-fields-')), 'case.pcap');
    writeFileSync(file, writePcap(httpGifScenario(), { linkType: 1 }));
    const base = fields([
      'frame.number',
      'ip.addr',
      'tcp.port',
      'http.host',
      'http.request.uri',
      'tcp',
      'http',
    ]);
    for (const options of [
      [],
      ['-E', 'header=y', '-E', 'quote=d'],
      ['-E', 'separator=,', '-E', 'aggregator=/s', '-E', 'quote=s'],
      ['-E', 'occurrence=f', '-E', 'separator=/s'],
      ['-E', 'occurrence=l', '-E', 'header=y', '-E', 'bom=y'],
    ]) {
      const args = ['-T', 'fields', ...base, ...options];
      const ours = await run(['list', file, ...args]);
      expect(ours.code).toBe(0);
      expect(ours.out, options.join(' ')).toBe(tshark(file, args));
      const filtered = ['-Y', 'http.request', ...args];
      expect((await run(['list', file, ...filtered])).out).toBe(tshark(file, filtered));
    }
  });

  it.skipIf(!hasCorpus || !hasTshark)(
    'prints what tshark prints on every oracle capture, for the fields scripts use most',
    { timeout: 300_000 },
    async () => {
      const args = ['-T', 'fields', ...fields(COMMON)];
      let same = 0;
      const differ: string[] = [];
      const names = oracleCaptures().filter((n) => existsSync(capturePath(n)));
      for (const name of names) {
        const file = capturePath(name);
        const ours = (await run(['list', file, ...args])).out.split('\n');
        const theirs = tshark(file, args).split('\n');
        const bad = theirs.findIndex((l, i) => l !== ours[i]);
        if (bad < 0 && ours.length === theirs.length) same++;
        else {
          const t = theirs[bad]?.split('\t') ?? [];
          const o = ours[bad]?.split('\t') ?? [];
          const k = COMMON.findIndex((_, j) => t[j] !== o[j]);
          differ.push(`${name} #${bad + 1} ${COMMON[k]}: tshark "${t[k]}" ours "${o[k]}"`);
        }
      }
      console.log(
        `-T fields vs tshark: ${same}/${names.length} oracle captures identical (${COMMON.length} fields)` +
          (differ.length ? `\n  ${differ.join('\n  ')}` : ''),
      );
      expect(differ).toEqual([]);
    },
  );
});
