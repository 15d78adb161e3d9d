/** Statistics answers for the fake API: conversations/endpoints per table type and a protocol hierarchy. */
import type { ConversationStats, ConvType, PhsNode } from '../../core/api/types.js';

/** Three TCP streams, two UDP (one over IPv6), and one pair each for IPv4, IPv6 and Ethernet. */
export function fakeConversations(type: ConvType): ConversationStats {
  const conv = (
    a: string,
    b: string,
    ab: [number, number],
    ba: [number, number],
    start: number,
    extra: { portA?: number; portB?: number; stream?: number } = {},
  ) => ({
    type,
    a,
    b,
    ...extra,
    framesAB: ab[0],
    bytesAB: ab[1],
    framesBA: ba[0],
    bytesBA: ba[1],
    start,
    duration: 0.5,
  });
  const ep = (address: string, tx: [number, number], rx: [number, number], port?: number) => ({
    type,
    address,
    ...(port === undefined ? {} : { port }),
    framesTx: tx[0],
    bytesTx: tx[1],
    framesRx: rx[0],
    bytesRx: rx[1],
  });
  switch (type) {
    case 'tcp':
      return {
        type,
        conversations: [
          conv('10.0.0.1', '10.0.0.2', [5, 500], [4, 4000], 0, { portA: 33360, portB: 80, stream: 0 }),
          conv('10.0.0.1', '10.0.0.9', [10, 900], [9, 90000], 0.1, { portA: 33368, portB: 80, stream: 1 }),
          conv('10.0.0.10', '10.0.0.2', [2, 120], [1, 60], 0.2, { portA: 40000, portB: 443, stream: 2 }),
        ],
        endpoints: [
          ep('10.0.0.1', [5, 500], [4, 4000], 33360),
          ep('10.0.0.2', [4, 4000], [5, 500], 80),
          ep('10.0.0.1', [10, 900], [9, 90000], 33368),
        ],
      };
    case 'udp':
      return {
        type,
        conversations: [
          conv('2001:db8::10', '2001:db8::1', [1, 96], [1, 120], 0, { portA: 40002, portB: 53, stream: 0 }),
          conv('192.168.1.10', '192.168.1.1', [1, 80], [1, 112], 0.1, { portA: 40000, portB: 53, stream: 1 }),
        ],
        endpoints: [ep('2001:db8::1', [1, 120], [1, 96], 53)],
      };
    case 'ip':
      return {
        type,
        conversations: [conv('10.0.0.1', '10.0.0.2', [7, 700], [6, 6000], 0)],
        endpoints: [ep('10.0.0.1', [7, 700], [6, 6000]), ep('10.0.0.2', [6, 6000], [7, 700])],
      };
    case 'ipv6':
      return { type, conversations: [conv('fe80::1', 'fe80::2', [1, 62], [1, 62], 0)], endpoints: [] };
    case 'eth':
      return {
        type,
        conversations: [conv('00:1a:2b:00:00:01', 'ff:ff:ff:ff:ff:ff', [1, 42], [0, 0], 0)],
        endpoints: [ep('00:1a:2b:00:00:01', [1, 42], [0, 0])],
      };
  }
}

/** 200 frames / 40 000 bytes; the root itself counts nothing, like the engine's. */
export function fakePhs(): PhsNode {
  const n = (name: string, frames: number, bytes: number, children: PhsNode[] = []): PhsNode => ({
    name,
    frames,
    bytes,
    children,
  });
  return n('', 0, 0, [
    n('eth', 200, 40000, [
      n('ip', 150, 30000, [
        n('tcp', 100, 25000, [n('http', 20, 10000)]),
        n('udp', 50, 5000, [n('dns', 50, 5000)]),
      ]),
      n('arp', 50, 10000),
    ]),
  ]);
}

/** Every type's counts, as the service sends them with each table. */
export function fakeConversationCounts(): NonNullable<ConversationStats['counts']> {
  const types: ConvType[] = ['eth', 'ip', 'ipv6', 'tcp', 'udp'];
  return Object.fromEntries(
    types.map((t) => {
      const s = fakeConversations(t);
      return [t, { conversations: s.conversations.length, endpoints: s.endpoints.length }];
    }),
  );
}
