/** NetBIOS Name Service messages (RFC 1002) for tests: every opcode, NB and NBSTAT records, odd names. */
import { ethernet, ip4, ipv4, mac, udp, type SynthPacket } from './synth.js';

/** A NetBIOS name in first-level encoding (each nibble + 'A'), padded to 15 with spaces, then its type byte. */
export function nbName(name: string, type: number, scope = ''): Uint8Array {
  const raw = [...name.padEnd(15, ' ').slice(0, 15)].map((c) => c.charCodeAt(0) & 255);
  raw.push(type);
  const enc = raw.flatMap((b) => [65 + (b >> 4), 65 + (b & 15)]);
  const labels = scope
    ? scope.split('.').flatMap((l) => [l.length, ...[...l].map((c) => c.charCodeAt(0))])
    : [];
  return Uint8Array.from([32, ...enc, ...labels, 0]);
}

const u16 = (n: number) => [n >> 8, n & 255];
const u32 = (n: number) => [...u16(n >>> 16), ...u16(n & 0xffff)];

interface Rr {
  name: Uint8Array;
  type: number;
  ttl: number;
  data: number[];
}

function message(
  id: number,
  flags: number,
  qd: Uint8Array[],
  sections: [Rr[], Rr[], Rr[]],
  qtype = 32,
): Uint8Array {
  const bytes = [...u16(id), ...u16(flags), ...u16(qd.length), ...sections.flatMap((s) => u16(s.length))];
  for (const q of qd) bytes.push(...q, ...u16(qtype), ...u16(1));
  for (const s of sections)
    for (const r of s)
      bytes.push(...r.name, ...u16(r.type), ...u16(1), ...u32(r.ttl), ...u16(r.data.length), ...r.data);
  return Uint8Array.from(bytes);
}

const nb = (flags: number, addr: string) => [...u16(flags), ...ip4(addr)];

/** A node status (NBSTAT) answer: names with their flags, the unit id and the statistics that follow it. */
function nodeStatus(names: [string, number, number][]): number[] {
  const out = [names.length];
  for (const [n, t, fl] of names)
    out.push(...[...n.padEnd(15, ' ')].map((c) => c.charCodeAt(0)), t, ...u16(fl));
  out.push(...mac('00:0c:29:aa:bb:cc'));
  // jumpers, test result, version, period, CRCs, alignment errors, collisions, send aborts, good sends (32),
  // good receives (32), retransmits, no resource conditions, command blocks, pending sessions, max pending,
  // max total sessions, session data packet size
  out.push(0, 0, ...u16(1), ...u16(2), ...u16(3), ...u16(4), ...u16(5), ...u16(6), ...u32(7), ...u32(8));
  out.push(...u16(9), ...u16(10), ...u16(11), ...u16(12), ...u16(13), ...u16(14), ...u16(15));
  return out;
}

export function nbnsPackets(): SynthPacket[] {
  const client = ip4('10.0.0.20');
  const server = ip4('10.0.0.5');
  const bcast = ip4('10.0.0.255');
  const host = nbName('FILESRV', 0x20);
  const msgs: [Uint8Array, Uint8Array, Uint8Array][] = [
    // Name query (broadcast), positive and negative responses.
    [client, bcast, message(0x1001, 0x0110, [host], [[], [], []])],
    [
      server,
      client,
      message(
        0x1001,
        0x8500,
        [],
        [[{ name: host, type: 32, ttl: 300000, data: nb(0x6000, '10.0.0.5') }], [], []],
      ),
    ],
    [client, bcast, message(0x1002, 0x0110, [nbName('WORKGROUP', 0x1d)], [[], [], []])],
    [
      server,
      client,
      message(
        0x1002,
        0x8583,
        [],
        [[{ name: nbName('WORKGROUP', 0x1d), type: 32, ttl: 0, data: [] }], [], []],
      ),
    ],
    // Registration (with its additional record), a WACK, a release, a refresh, a multi-homed registration.
    [
      client,
      bcast,
      message(
        0x1003,
        0x2910,
        [nbName('LAPTOP-7', 0x00)],
        [[], [], [{ name: nbName('LAPTOP-7', 0x00), type: 32, ttl: 300000, data: nb(0x0000, '10.0.0.20') }]],
      ),
    ],
    [
      server,
      client,
      message(
        0x1003,
        0xbc00,
        [],
        [[{ name: nbName('LAPTOP-7', 0x00), type: 32, ttl: 2, data: u16(0x2910) }], [], []],
      ),
    ],
    [
      client,
      server,
      message(
        0x1004,
        0x3000,
        [nbName('LAPTOP-7', 0x03)],
        [[], [], [{ name: nbName('LAPTOP-7', 0x03), type: 32, ttl: 0, data: nb(0x8000, '10.0.0.20') }]],
      ),
    ],
    [
      client,
      server,
      message(
        0x1005,
        0x4000,
        [nbName('LAPTOP-7', 0x20)],
        [[], [], [{ name: nbName('LAPTOP-7', 0x20), type: 32, ttl: 300000, data: nb(0x2000, '10.0.0.20') }]],
      ),
    ],
    [
      client,
      server,
      message(
        0x1006,
        0x7800,
        [nbName('LAPTOP-7', 0x00)],
        [[], [], [{ name: nbName('LAPTOP-7', 0x00), type: 32, ttl: 300000, data: nb(0x4000, '10.0.0.20') }]],
      ),
    ],
    // Node status query and its answer.
    [
      client,
      server,
      message(0x1007, 0x0000, [nbName('*\0\0\0\0\0\0\0\0\0\0\0\0\0\0', 0x00)], [[], [], []], 33),
    ],
    [
      server,
      client,
      message(
        0x1007,
        0x8400,
        [],
        [
          [
            {
              name: nbName('*\0\0\0\0\0\0\0\0\0\0\0\0\0\0', 0x00),
              type: 33,
              ttl: 0,
              data: nodeStatus([
                ['FILESRV', 0x00, 0x0400],
                ['WORKGROUP', 0x00, 0x8400],
                ['FILESRV', 0x20, 0x0600],
              ]),
            },
          ],
          [],
          [],
        ],
      ),
    ],
    // A scope ID, a name of odd characters, a conflict response.
    [client, bcast, message(0x1008, 0x0110, [nbName('PRINTER', 0x20, 'corp.example')], [[], [], []])],
    [client, bcast, message(0x1009, 0x0110, [nbName('Wi\u00e9 ?<x>', 0x1b)], [[], [], []])],
    [
      server,
      client,
      message(
        0x100a,
        0xad07,
        [],
        [[{ name: nbName('LAPTOP-7', 0x00), type: 32, ttl: 0, data: nb(0x0000, '10.0.0.9') }], [], []],
      ),
    ],
  ];
  return msgs.map(([s, d, m], i) => ({
    data: ethernet(
      mac('ff:ff:ff:ff:ff:ff'),
      mac('02:00:00:00:00:14'),
      0x800,
      ipv4(s, d, 17, udp(s, d, 137, 137, m)),
    ),
    tsSec: 1_700_000_000,
    tsNsec: i * 1_000_000,
  }));
}
