/**
 * Field values as Wireshark 4.0 gives them, on packets made here: what filters compare and `-T fields` prints.
 * (The corpus test presence.corpus.test.ts compares every shared field's values with tshark's.)
 */
import { describe, expect, it } from 'vitest';
import '../protocols/index.js';
import { compileFilter } from '../dfilter/index.js';
import { doubleText, fieldText } from '../fields/format.js';
import { registry } from '../fields/registry.js';
import { dissectPackets } from '../testing/dissect-all.js';
import { ethernet, ip4, ipv4, mac, tcp } from '../testing/synth.js';
import type { Dissection } from '../dissect/types.js';

function matches(expr: string, d: Dissection): boolean {
  const c = compileFilter(expr);
  if (!c.ok) throw new Error(`${expr}: ${c.error.message}`);
  return c.filter.match(d);
}

function values(d: Dissection, abbrev: string): string[] {
  const def = registry.get(abbrev);
  if (!def) throw new Error(abbrev);
  return (d.byField.get(def.id) ?? []).map((it) => fieldText(it.value, def));
}

describe('field values as Wireshark gives them', () => {
  // A SYN with MSS 1460, SACK permitted, a timestamp, a NOP and window scale 7.
  const options = [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];
  const [syn] = dissectPackets([
    {
      data: ethernet(
        mac('00:00:00:00:00:02'),
        mac('00:00:00:00:00:01'),
        0x0800,
        ipv4(
          ip4('10.0.0.1'),
          ip4('10.0.0.2'),
          6,
          tcp(ip4('10.0.0.1'), ip4('10.0.0.2'), 40000, 80, 1, 0, 0x02, undefined, 65535, options),
        ),
      ),
      tsSec: 1,
      tsNsec: 0,
    },
  ]);

  it("TCP options are their bytes (Wireshark's name-only protocols of FT_BYTES)", () => {
    expect(values(syn, 'tcp.options.mss')).toEqual(['020405b4']);
    expect(values(syn, 'tcp.options.sack_perm')).toEqual(['0402']);
    expect(values(syn, 'tcp.options.timestamp')).toEqual(['080a0000000100000000']);
    expect(values(syn, 'tcp.options.nop')).toEqual(['01']);
    expect(values(syn, 'tcp.options.wscale')).toEqual(['030307']);
    expect(matches('tcp.options.mss == 02:04:05:b4', syn)).toBe(true);
    expect(matches('tcp.options.mss[2:2] == 05:b4', syn)).toBe(true);
    expect(matches('tcp.options.wscale contains 07', syn)).toBe(true);
    expect(matches('tcp.options.mss_val == 1460 && tcp.options.sack_perm', syn)).toBe(true);
  });

  it('name-only protocols are valid filters that match no frame, as in tshark', () => {
    for (const p of [
      'x509af',
      'x509ce',
      'x509sat',
      'x509if',
      'pkcs-1',
      'pkix1implicit',
      'ethertype',
      'ber',
    ]) {
      expect(compileFilter(p).ok, p).toBe(true);
      expect(matches(p, syn), p).toBe(false);
    }
    // Their layers still show in frame.protocols.
    expect(matches('frame.protocols contains "ethertype"', syn)).toBe(true);
  });

  it('tshark -T fields prints doubles with 15 significant digits, 64-bit and OUI fields in decimal', () => {
    expect(doubleText(1200.6390000000001)).toBe('1200.639');
    expect(doubleText(0.1 + 0.2)).toBe('0.3');
    expect(doubleText(1.5e-5)).toBe('1.5e-05');
    expect(doubleText(1e20)).toBe('1e+20');
    expect(doubleText(1 / 3)).toBe('0.333333333333333');
    expect(fieldText(6, registry.get('quic.frame_type'))).toBe('6');
    expect(fieldText(12, registry.get('llc.oui'))).toBe('12');
    expect(fieldText(0, registry.get('ipv6.flow'))).toBe('0x000000');
    expect(fieldText(new Uint8Array(0), registry.get('ipv6.opt.padn'))).toBe('<none>');
    expect(fieldText(new Uint8Array(0), registry.get('tls.handshake.extension.data'))).toBe('<MISSING>');
  });
});
