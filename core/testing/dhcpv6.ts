/** DHCPv6 (RFC 8415) messages for tests: a client's exchange, a relayed one, and the options clients send. */
import { ethernet, mac, type SynthPacket } from './synth.js';

const u16 = (n: number) => [n >> 8, n & 255];
const u32 = (n: number) => [...u16(n >>> 16), ...u16(n & 0xffff)];
const text = (s: string) => [...s].map((c) => c.charCodeAt(0));
const opt = (code: number, data: number[]) => [...u16(code), ...u16(data.length), ...data];
const v6 = (s: string): number[] => {
  const [head, tail = ''] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = s.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.flatMap((g) => u16(parseInt(g, 16)));
};
/** A DNS name in wire format ("a.b." → 1 a 1 b 0). */
const dnsName = (s: string) => [
  ...s
    .split('.')
    .filter(Boolean)
    .flatMap((l) => [l.length, ...text(l)]),
  0,
];

const duidLlt = [...u16(1), ...u16(1), ...u32(443_407_713), ...mac('d4:c9:ef:ee:5d:9a')];
const duidLl = [...u16(3), ...u16(1), ...mac('00:0c:29:11:22:33')];
const duidEn = [...u16(2), ...u32(311), 1, 2, 3, 4, 5, 6, 7, 8];

const clientOptions = [
  ...opt(8, u16(1500)),
  ...opt(1, duidLlt),
  ...opt(3, [...u32(0x16a0d3c1), ...u32(0), ...u32(0)]),
  ...opt(39, [0, ...dnsName('MTAWS334.newbreed.com.')]),
  ...opt(16, [...u32(311), ...u16(8), ...text('MSFT 5.0')]),
  ...opt(6, [...u16(24), ...u16(23), ...u16(17), ...u16(39)]),
];
const iaAddr = opt(5, [...v6('2001:db8::1:25'), ...u32(3600), ...u32(7200)]);
const serverOptions = [
  ...opt(1, duidLlt),
  ...opt(2, duidLl),
  ...opt(3, [...u32(0x16a0d3c1), ...u32(1800), ...u32(2880), ...iaAddr]),
  ...opt(7, [255]),
  ...opt(23, [...v6('2001:db8::53'), ...v6('2001:db8::54')]),
  ...opt(24, [...dnsName('corp.example.'), ...dnsName('example.')]),
];

function message(type: number, xid: number, options: number[]): number[] {
  return [type, ...u32(xid).slice(1), ...options];
}

function udp6(src: number[], dst: number[], sport: number, dport: number, payload: number[]): Uint8Array {
  const udp = [...u16(sport), ...u16(dport), ...u16(8 + payload.length), 0, 0, ...payload];
  // The checksum over the pseudo-header (RFC 8200 8.1).
  let c = 0;
  const all = [...src, ...dst, ...u32(udp.length), 0, 0, 0, 17, ...udp];
  for (let i = 0; i < all.length; i += 2) c += (all[i] << 8) | (all[i + 1] ?? 0);
  while (c > 0xffff) c = (c & 0xffff) + (c >>> 16);
  const ck = ~c & 0xffff || 0xffff;
  udp[6] = ck >> 8;
  udp[7] = ck & 255;
  const ip = [0x60, 0, 0, 0, ...u16(udp.length), 17, 1, ...src, ...dst];
  return Uint8Array.from([...ip, ...udp]);
}

export function dhcpv6Packets(): SynthPacket[] {
  const client = v6('fe80::e052:b3e7:ed31:ee31');
  const server = v6('fe80::20c:29ff:fe11:2233');
  const all = v6('ff02::1:2');
  const relay = v6('2001:db8:1::1');
  const msgs: [number[], number[], number, number, number[]][] = [
    [client, all, 546, 547, message(1, 0x2b7102, clientOptions)],
    [server, client, 547, 546, message(2, 0x2b7102, serverOptions)],
    [
      client,
      all,
      546,
      547,
      message(3, 0x2b7103, [
        ...opt(1, duidLlt),
        ...opt(2, duidLl),
        ...opt(3, [...u32(0x16a0d3c1), ...u32(0), ...u32(0), ...iaAddr]),
      ]),
    ],
    [
      server,
      client,
      547,
      546,
      message(7, 0x2b7103, [
        ...opt(1, duidLlt),
        ...opt(2, duidLl),
        ...opt(3, [...u32(0x16a0d3c1), ...u32(1800), ...u32(2880), ...iaAddr]),
        ...opt(13, [...u16(0), ...text('All addresses were assigned.')]),
      ]),
    ],
    [
      client,
      all,
      546,
      547,
      message(11, 0x000042, [
        ...opt(1, duidEn),
        ...opt(14, []),
        ...opt(6, [...u16(23), ...u16(24)]),
        ...opt(200, [1, 2, 3]),
      ]),
    ],
    [
      client,
      all,
      546,
      547,
      message(8, 0x2b7104, [
        ...opt(1, duidLlt),
        ...opt(2, duidLl),
        ...opt(25, [
          ...u32(7),
          ...u32(0),
          ...u32(0),
          ...opt(26, [...u32(3600), ...u32(7200), 56, ...v6('2001:db8:ab00::')]),
        ]),
      ]),
    ],
    // Client FQDN flags: the server to update both records (S), or neither (N).
    [
      client,
      all,
      546,
      547,
      message(1, 0x2b7105, [...opt(1, duidLlt), ...opt(39, [1, ...dnsName('host.example.')])]),
    ],
    [
      client,
      all,
      546,
      547,
      message(1, 0x2b7106, [...opt(1, duidLlt), ...opt(39, [4, ...dnsName('host.example.')])]),
    ],
    [
      relay,
      server,
      547,
      547,
      [
        12,
        0,
        ...v6('2001:db8:1::1'),
        ...v6('fe80::e052:b3e7:ed31:ee31'),
        ...opt(18, text('eth0')),
        ...opt(9, message(1, 0x77aa01, [...opt(1, duidLlt), ...opt(8, u16(0))])),
      ],
    ],
  ];
  return msgs.map(([s, d, sp, dp, m], i) => ({
    data: ethernet(mac('33:33:00:01:00:02'), mac('02:00:00:00:00:14'), 0x86dd, udp6(s, d, sp, dp, m)),
    tsSec: 1_700_000_000,
    tsNsec: i * 1_000_000,
  }));
}
