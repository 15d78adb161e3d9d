import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetVendorLookup, resolvedMac, shortVendorName, vendorOf } from './l2-vendors.js';

const registry = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('oui-data'), 'utf8'),
) as Record<string, string>;
const keys = Object.keys(registry);
/** MA-M (7 hex digits) and MA-S (9) keys, and the 24-bit prefixes they subdivide. */
const subKeys = keys.filter((k) => k.length > 6);
const subdivided = new Set(subKeys.map((k) => k.slice(0, 6)));

const mac = (key: string) => Uint8Array.from(Buffer.from(`${key}474944`, 'hex'));
const addr = (text: string) => Uint8Array.from(Buffer.from(text.replace(/:/g, ''), 'hex'));

/** Both ways of finding a prefix: searching the registry's raw bytes (the first lookups), and the parsed table. */
const WAYS: [string, number][] = [
  ['searching the raw registry', Infinity],
  ['the parsed table', 0],
];

beforeEach(() => resetVendorLookup());

describe('vendor names', () => {
  it('resolves like Wireshark', () => {
    expect(resolvedMac(mac('001B54'))).toBe('Cisco_47:49:44');
    expect(resolvedMac(new Uint8Array(6).fill(0xff))).toBe('Broadcast');
    expect(vendorOf(mac('FFFFFE'))).toBeUndefined();
    // A group address of an unknown prefix takes its unicast prefix's holder (tshark -N m gives the same); the
    // locally-administered bit is not cleared.
    expect(resolvedMac(addr('01:1b:54:11:22:33'))).toBe('Cisco_11:22:33');
    expect(resolvedMac(addr('01:00:c2:11:22:33'))).toBe(`${vendorOf(addr('00:00:c2:00:00:00'))}_11:22:33`);
    expect(resolvedMac(addr('03:1b:54:11:22:33'))).toBe('03:1b:54:11:22:33');
  });

  it('gives the registry entry whether found by search (first lookups) or from the parsed table', () => {
    // MA-L blocks (24-bit prefixes) not subdivided into MA-M/MA-S blocks
    const plain = keys.filter((k) => k.length === 6 && !subdivided.has(k));
    // Unusual values first (non-ASCII, escaped quotes, backslashes), then a spread of ordinary ones: more
    // lookups than the search-first budget, so both ways are exercised.
    const odd = plain.filter((k) => /[^\x20-\x7e\n]|["\\]/.test(registry[k])).slice(0, 30);
    const sample = [...odd, ...plain.filter((_, i) => i % 500 === 0)];
    expect(sample.length).toBeGreaterThan(100);
    for (const k of sample) expect(vendorOf(mac(k)), k).toBe(shortVendorName(registry[k]));
  });

  it('finds MA-M and MA-S blocks only under prefixes the IEEE Registration Authority holds', () => {
    // The raw search stops at an MA-L key held by anyone else, without looking for sub-blocks.
    for (const p of subdivided)
      if (registry[p] !== undefined) expect(registry[p], p).toMatch(/^IEEE Registration Authority\n/);
  });
});

describe.each(WAYS)('MA-M and MA-S blocks, by %s', (_, budget) => {
  beforeEach(() => resetVendorLookup(budget));

  it('formats the address as tshark 4.0 does', () => {
    // `tshark -N m -T fields -e eth.src_resolved` (4.0.17) on these source addresses, where the short name
    // Wireshark's manuf file gives the holder is the one derived here from the IEEE organisation name.
    const tshark: [string, string][] = [
      ['00:1b:c5:00:1a:bc', 'OpenRBco_0a:bc'], // MA-S 001BC5001: the last 12 bits, the first 4 masked
      ['00:1b:c5:00:0f:ff', 'Convergi_0f:ff'], // MA-S 001BC5000
      ['10:06:48:6a:bc:de', 'HongKong_0a:bc:de'], // MA-M 1006486: the last 20 bits
      ['10:06:48:0f:ff:ff', 'Flextron_0f:ff:ff'], // MA-M 1006480
      // Bits after the block's prefix that begin with zeros: found under more bits, so fewer bytes shown
      ['00:1b:c5:00:10:bc', 'OpenRBco_bc'],
      ['10:06:48:60:12:34', 'HongKong_12:34'],
      ['10:06:48:60:00:34', 'HongKong_34'],
      ['10:06:48:6a:00:00', 'HongKong_0a:00:00'],
      // In no block (001BC50CA… and 100648F are unassigned): the block reached by dropping bits
      ['00:1b:c5:0c:a0:01', 'Dialine_20:01'], // 001BC50C8, under 34 bits
      ['10:06:48:ff:ff:ff', 'Kloud-12_1f:ff:ff'], // 100648E, under 27 bits
      ['00:1b:c5:ff:ff:ff', 'Convergi_ff:ff:ff'], // 001BC5000, under 24 bits
    ];
    for (const [a, shown] of tshark) expect(resolvedMac(addr(a)), a).toBe(shown);
  });

  it('names the holder of the sub-block, not the Registration Authority holding the prefix', () => {
    expect(registry['100648']).toMatch(/^IEEE Registration Authority\n/);
    expect(vendorOf(addr('10:06:48:6a:bc:de'))).toBe(shortVendorName(registry['1006486']));
    expect(vendorOf(addr('10:06:48:6a:bc:de'))).not.toBe(shortVendorName(registry['100648']));
    // A prefix the authority holds with no sub-blocks in this registry (0050C2, once the IAB blocks) keeps its name.
    expect(subdivided.has('0050C2')).toBe(false);
    expect(resolvedMac(addr('00:50:c2:00:1a:bc'))).toBe(`${shortVendorName(registry['0050C2'])}_00:1a:bc`);
  });

  it('gives each block its holder, whichever prefix it subdivides', () => {
    // A spread of blocks, and every prefix that has no MA-L entry of its own. The address's first bit after
    // the block's prefix is set, so it is found under exactly the block's prefix.
    const orphans = subKeys.filter((k) => registry[k.slice(0, 6)] === undefined);
    const sample = [...new Set([...subKeys.filter((_, i) => i % 97 === 0), ...orphans.slice(0, 40)])];
    expect(sample.some((k) => k.length === 7) && sample.some((k) => k.length === 9)).toBe(true);
    for (const k of sample) {
      const short = shortVendorName(registry[k]);
      if (k.length === 7) expect(resolvedMac(addr(`${k}a5bcd`)), k).toBe(`${short}_0a:5b:cd`);
      else expect(resolvedMac(addr(`${k}9bc`)), k).toBe(`${short}_09:bc`);
    }
  });
});

it('resolves any address under a subdivided prefix the same way whether searching or from the parsed table', () => {
  let seed = 1;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const addresses: Uint8Array[] = [];
  for (const p of [...subdivided].filter((_, i) => i % 20 === 0))
    for (let i = 0; i < 8; i++) {
      let low = random() & 0xffffff;
      if (i % 4 === 1) low &= 0xfff0ff; // zeros after an MA-S prefix
      if (i % 4 === 2) low &= 0xf0ffff; // zeros after an MA-M prefix
      addresses.push(addr(p + low.toString(16).padStart(6, '0')));
    }
  const [searched, parsed] = WAYS.map(([, budget]) => {
    resetVendorLookup(budget);
    return addresses.map(resolvedMac);
  });
  expect(searched.filter((s) => s.includes('_')).length).toBeGreaterThan(addresses.length / 2);
  expect(searched).toEqual(parsed);
});
