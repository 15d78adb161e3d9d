/**
 * Resolved addresses on a capture made here: DNS answers naming the same address again (another name replaces
 * the first, the same name in another case does not), a name over Wireshark's 63 characters, and pcapng Name
 * Resolution Blocks before and after the packets. With tshark at hand, the same entries as
 * `tshark -N d -q -z hosts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNameRecords } from '../capture/index.js';
import { writePcapng } from '../capture/writer.js';
import { main } from '../cli/main.js';
import { CaptureSession } from '../session/session.js';
import { CLIENT, ROUTER } from '../testing/scenarios.js';
import { dnsExchange } from '../testing/synth.js';
import { hasTshark } from '../testing/vs-tshark.js';
import { resolvedHosts } from './hosts.js';

const LONG = `${'a'.repeat(40)}.${'b'.repeat(40)}.example`;

/** A Name Resolution Block's body (little-endian): one IPv4 record with two names, then the end record. */
function nrb(address: number[], names: string[]): Uint8Array {
  const value = Buffer.concat([Buffer.from(address), ...names.map((n) => Buffer.from(`${n}\0`, 'utf8'))]);
  const pad = (4 - (value.length % 4)) % 4;
  const head = Buffer.alloc(4);
  head.writeUInt16LE(1, 0);
  head.writeUInt16LE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc(pad), Buffer.alloc(4)]);
}

/** A whole Name Resolution Block (little-endian), to append after the packets. */
function nrbBlock(body: Uint8Array): Uint8Array {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(12 + body.length);
  return Buffer.concat([Buffer.from([4, 0, 0, 0]), len, body, len]);
}

function capture(): string {
  const t = (n: number) => ({ s: 1_700_000_000 + n, ns: 0 });
  const packets = [
    ...dnsExchange(CLIENT, ROUTER, 'www.example.com', '93.184.216.34', 1, t(1)),
    ...dnsExchange(CLIENT, ROUTER, 'cdn.example.net', '93.184.216.34', 2, t(2)),
    ...dnsExchange(CLIENT, ROUTER, 'CDN.Example.NET', '93.184.216.34', 3, t(3)),
    ...dnsExchange(CLIENT, ROUTER, LONG, '10.1.1.1', 4, t(4)),
    ...dnsExchange(CLIENT, ROUTER, 'intranet.corp', '192.168.1.10', 5, t(5)),
    ...dnsExchange(CLIENT, ROUTER, LONG, '10.2.2.2', 6, t(6)),
  ];
  const file = join(mkdtempSync(join(tmpdir(), 'wirelens-hosts-')), 'hosts.pcapng');
  const pcapng = writePcapng(packets, {
    interfaces: [{ linkType: 1 }],
    extraBlocks: [{ type: 4, body: nrb([192, 168, 1, 10], ['fileserver.corp', 'fs']) }],
  });
  // A second block after the packets: its name comes last.
  writeFileSync(file, Buffer.concat([pcapng, nrbBlock(nrb([10, 1, 1, 1], ['late.example']))]));
  return file;
}

describe('resolved addresses (Statistics › Resolved Addresses, wirelens hosts)', () => {
  it("names each address by its last record (DNS or the file's name records, in place), cuts names to 63 characters", async () => {
    const file = capture();
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const hosts = resolvedHosts(s).list();
    expect(hosts).toEqual([
      // Named first by the Name Resolution Block before the packets (its second name replacing its first),
      // then by the DNS answer in frame 10.
      { address: '192.168.1.10', name: 'intranet.corp', frame: 10 },
      { address: '93.184.216.34', name: 'cdn.example.net', frame: 4 },
      // Named by frame 8's answer (cut to 63 characters), then by the block after the packets.
      { address: '10.1.1.1', name: 'late.example' },
      { address: '10.2.2.2', name: LONG.slice(0, 63), frame: 12 },
    ]);
    expect(resolvedHosts(s).list(6)).toEqual([]);
    s.close();

    let out = '';
    const io = { out: (x: string) => void (out += x), err: (x: string) => void (out += x) };
    expect(await main(['hosts', file], io)).toBe(0);
    const lines = out.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual([
      '192.168.1.10\tintranet.corp',
      '93.184.216.34\tcdn.example.net',
      '10.1.1.1\tlate.example',
      `10.2.2.2\t${LONG.slice(0, 63)}`,
    ]);
    // The evidence report lists them with their packets.
    const dir = join(mkdtempSync(join(tmpdir(), 'wirelens-hosts-')), 'report');
    expect(await main(['report', file, '--out', dir], io)).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { hosts: unknown[] };
    expect(report.hosts).toEqual(hosts);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<h2>Resolved addresses (4)</h2>');
    if (hasTshark) {
      const r = spawnSync('tshark', ['-N', 'd', '-r', file, '-q', '-z', 'hosts'], { encoding: 'utf8' });
      expect(
        r.stdout
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .sort(),
      ).toEqual([...lines].sort());
    }
  });

  it('reads Name Resolution Block records: IPv4 and IPv6, several names, padding, the end record', () => {
    const v6 = Buffer.concat([Buffer.from('20010db8000000000000000000000001', 'hex'), Buffer.from('six\0')]);
    const body = Buffer.concat([
      nrb([10, 0, 0, 1], ['one', 'uno']).subarray(0, -4),
      Buffer.from([2, 0, v6.length, 0]),
      v6,
      Buffer.alloc((4 - (v6.length % 4)) % 4),
      Buffer.alloc(4),
      Buffer.from('trailing options are not records'),
    ]);
    expect(
      parseNameRecords(body, true).map((r) => [r.family, Buffer.from(r.address).toString('hex'), r.names]),
    ).toEqual([
      [4, '0a000001', ['one', 'uno']],
      [6, '20010db8000000000000000000000001', ['six']],
    ]);
    // A record that overruns the block ends the reading.
    expect(parseNameRecords(Buffer.from([1, 0, 200, 0, 10, 0, 0, 1]), true)).toEqual([]);
  });
});
