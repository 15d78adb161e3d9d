import { describe, expect, it } from 'vitest';
import { CaptureState, dissectFrame } from '../dissect/engine.js';
import { ByteView } from '../bytes/byteview.js';
import { dnsExchange, ethernet, ip4, ipv4, mac, udp } from '../testing/synth.js';
import { CLIENT, ROUTER } from '../testing/scenarios.js';
import { looksLikeDns } from './l4-udp.js';
import './index.js';

const dissect = (data: Uint8Array) =>
  dissectFrame(
    {
      number: 1,
      tsSec: 0,
      tsNsec: 0,
      capLen: data.length,
      origLen: data.length,
      linkType: 1,
      interfaceId: 0,
    },
    data,
    new CaptureState(),
  );

/** The same UDP payload re-sent between two unregistered ports. */
function onPorts(payload: Uint8Array, sport: number, dport: number): Uint8Array {
  const s = ip4(CLIENT.ip);
  const d = ip4(ROUTER.ip);
  return ethernet(mac(ROUTER.mac), mac(CLIENT.mac), 0x0800, ipv4(s, d, 17, udp(s, d, sport, dport, payload)));
}

describe('DNS over UDP heuristic (as Wireshark 4.0, enabled by default)', () => {
  const [query, response] = dnsExchange(CLIENT, ROUTER, 'us.pool.ntp.org', '67.129.68.9', 42, {
    s: 0,
    ns: 0,
  });
  const payload = (p: Uint8Array) => p.subarray(14 + 20 + 8);

  it('recognises a query and a response on ports nobody registered', () => {
    const q = dissect(onPorts(payload(query.data), 65282, 65333));
    expect(q.columns.protocol).toBe('DNS');
    expect(q.columns.info).toBe('Standard query 0x002a A us.pool.ntp.org');
    const r = dissect(onPorts(payload(response.data), 65333, 65282));
    expect(r.columns.info).toBe('Standard query response 0x002a A us.pool.ntp.org A 67.129.68.9');
  });

  it('declines what is not DNS: other opcodes, odd counts, bad names, short or overlong records', () => {
    const q = payload(query.data);
    expect(looksLikeDns(new ByteView(q))).toBe(true);
    const variant = (at: number, value: number) => {
      const b = q.slice();
      b[at] = value;
      return b;
    };
    expect(looksLikeDns(new ByteView(variant(2, 0x29)))).toBe(false); // opcode 5 (update)
    expect(looksLikeDns(new ByteView(variant(5, 2)))).toBe(false); // a query with two questions
    expect(looksLikeDns(new ByteView(variant(7, 1)))).toBe(false); // a query carrying an answer
    expect(looksLikeDns(new ByteView(variant(12, 0x80)))).toBe(false); // label type 0x80
    expect(looksLikeDns(new ByteView(q.subarray(0, q.length - 2)))).toBe(false); // truncated question
    expect(looksLikeDns(new ByteView(q.subarray(0, 12)))).toBe(false); // header only
    const text = new TextEncoder().encode('hello world, this is not a DNS message at all');
    expect(dissect(onPorts(text, 40000, 40001)).columns.protocol).toBe('UDP');
  });
});
