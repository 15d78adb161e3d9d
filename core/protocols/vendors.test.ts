import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { resolvedMac, shortVendorName, vendorOf } from './l2-vendors.js';

const registry = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('oui-data'), 'utf8'),
) as Record<string, string>;

const mac = (key: string) => Uint8Array.from(Buffer.from(`${key}474944`, 'hex'));

describe('vendor names', () => {
  it('resolves like Wireshark', () => {
    expect(resolvedMac(mac('001B54'))).toBe('Cisco_47:49:44');
    expect(resolvedMac(new Uint8Array(6).fill(0xff))).toBe('Broadcast');
    expect(vendorOf(mac('FFFFFE'))).toBeUndefined();
  });

  it('gives the registry entry whether found by search (first lookups) or from the parsed table', () => {
    const keys = Object.keys(registry).filter((k) => k.length === 6); // MA-L blocks (24-bit prefixes)
    // Unusual values first (non-ASCII, escaped quotes, backslashes), then a spread of ordinary ones: more
    // lookups than the search-first budget, so both ways are exercised.
    const odd = keys.filter((k) => /[^\x20-\x7e\n]|["\\]/.test(registry[k])).slice(0, 30);
    const sample = [...odd, ...keys.filter((_, i) => i % 500 === 0)];
    expect(sample.length).toBeGreaterThan(100);
    for (const k of sample) expect(vendorOf(mac(k)), k).toBe(shortVendorName(registry[k]));
  });
});
