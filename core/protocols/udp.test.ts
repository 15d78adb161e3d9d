/** UDP's zero checksum (none over IPv4, illegal over IPv6) and its stream times, as Wireshark 4.0 has them. */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes/byteview.js';
import { registry } from '../fields/registry.js';
import { dissectPackets } from '../testing/dissect-all.js';
import type { Dissection } from '../dissect/types.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const macs = hex('ffffffffffff001122334455');

function udp4(payload: Uint8Array): Uint8Array {
  const udp = concatBytes(
    hex('1234abcd'),
    hex((8 + payload.length).toString(16).padStart(4, '0')),
    hex('0000'),
  );
  const total = (20 + udp.length + payload.length).toString(16).padStart(4, '0');
  return concatBytes(
    macs,
    hex('0800'),
    hex(`4500${total}000100004011`),
    hex('0000'),
    hex('0a0000010a000002'),
    udp,
    payload,
  );
}

function udp6(payload: Uint8Array): Uint8Array {
  const len = (8 + payload.length).toString(16).padStart(4, '0');
  const addr = (n: number) => hex(`20010db8${'0'.repeat(22)}${n.toString(16).padStart(2, '0')}`);
  return concatBytes(
    macs,
    hex('86dd'),
    hex(`60000000${len}1140`),
    addr(1),
    addr(2),
    hex(`1234abcd${len}0000`),
    payload,
  );
}

const value = (d: Dissection, abbrev: string) => d.byField.get(registry.get(abbrev)!.id)?.[0]?.value;

describe('UDP', () => {
  it('takes a zero checksum as none over IPv4 and as illegal over IPv6', () => {
    const [v4, v6] = dissectPackets([
      { data: udp4(hex('61626364')), tsSec: 1, tsNsec: 0 },
      { data: udp6(hex('61626364')), tsSec: 2, tsNsec: 0 },
    ]);
    expect(value(v4, 'udp.checksum.status')).toBe(3); // Not present
    expect(v4.columns.info).toBe('4660 → 43981 Len=4');
    expect(value(v6, 'udp.checksum.status')).toBe(4); // Illegal
    expect(v6.columns.info).toBe('4660 → 43981 Len=4 [ILLEGAL CHECKSUM (0)]');
  });

  it('gives an empty datagram no stream times, and the next one its delta from the last with payload', () => {
    const ds = dissectPackets([
      { data: udp4(hex('61')), tsSec: 10, tsNsec: 0 },
      { data: udp4(new Uint8Array(0)), tsSec: 11, tsNsec: 0 },
      { data: udp4(hex('62')), tsSec: 13, tsNsec: 0 },
    ]);
    expect(value(ds[1], 'udp.time_delta')).toBeUndefined();
    expect(value(ds[2], 'udp.time_delta')).toEqual({ s: 3, ns: 0 });
    expect(value(ds[2], 'udp.time_relative')).toEqual({ s: 3, ns: 0 });
  });
});
