import { describe, expect, it } from 'vitest';
import { CaptureState, dissectFrame } from '../dissect/engine.js';
import { ByteView } from '../bytes/byteview.js';
import { dnsExchange, ethernet, ip4, ipv4, mac, udp } from '../testing/synth.js';
import { CLIENT, ROUTER } from '../testing/scenarios.js';
import { looksLikeDns } from './l4-udp.js';
import { detailsText, framesMatching, hasTshark, layerParts, synthCapture } from '../testing/vs-tshark.js';
import { compileFilter } from '../dfilter/index.js';
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

describe('DNS details and filters as Wireshark shows them', () => {
  it('groups records, words flags, TTLs and types, pairs, times and spots a retransmitted query', async () => {
    const [q, r] = dnsExchange(CLIENT, ROUTER, 'www.example.com', '93.184.216.34', 0x1234, {
      s: 1_700_000_000,
      ns: 0,
    });
    // The query sent again 1 s later (no response yet), then the response 6 ms after that.
    const again = { ...q, tsSec: q.tsSec + 1 };
    const resp = { ...r, tsSec: q.tsSec + 1, tsNsec: q.tsNsec + 6_000_000 };
    const { session: s, list, tshark } = await synthCapture([q, again, resp]);
    const tree = detailsText(s);
    expect(tree).toContain(
      '    Flags: 0x0100 Standard query\n        0... .... .... .... = Response: Message is a query\n',
    );
    expect(tree).toContain('    Flags: 0x8180 Standard query response, No error\n');
    expect(tree).toContain('    Queries\n        www.example.com: type A, class IN\n');
    expect(tree).toContain('            [Label Count: 3]\n            Type: A (Host Address) (1)\n');
    expect(tree).toContain('    Answers\n        www.example.com: type A, class IN, addr 93.184.216.34\n');
    expect(tree).toContain('            Time to live: 3600 (1 hour)\n');
    expect(tree).toContain(
      '        [Expert Info (Warning/Protocol): DNS query retransmission. Original request in frame 1]\n',
    );
    // The response answers the original query.
    expect(tree).toContain('    [Request In: 1]\n    [Time: 1.006000000 seconds]\n');
    // The type's value string is the filter literal, as in tshark ("A" alone is not one).
    expect(framesMatching(s, 'dns.qry.type == "A (Host Address)"')).toEqual(['1', '2', '3']);
    expect(compileFilter('dns.qry.type == A').ok).toBe(false);
    expect(framesMatching(s, 'dns.retransmission')).toEqual(['2']);
    if (hasTshark) {
      expect(list).toBe(tshark());
      // Two passes, as the app dissects a selected packet: the query knows its response.
      const dnsOn = (t: string) => layerParts(t, 'Domain Name System');
      expect(dnsOn(tree)).toEqual(dnsOn(tshark('-2', '-V')));
    }
    s.close();
  });

  it.skipIf(!hasTshark)('reads SRV, TXT (every string) and HINFO records as tshark does', async () => {
    const name = (n: string) => [
      ...n.split('.').flatMap((l) => [l.length, ...[...l].map((c) => c.charCodeAt(0))]),
      0,
    ];
    const u16 = (n: number) => [n >> 8, n & 255];
    const strings = (...t: string[]) => t.flatMap((x) => [x.length, ...[...x].map((c) => c.charCodeAt(0))]);
    // Each answer's owner is the question's name (a pointer to offset 12), TTL 600.
    const rr = (type: number, data: number[]) => [
      0xc0,
      12,
      ...u16(type),
      0,
      1,
      0,
      0,
      2,
      0x58,
      ...u16(data.length),
      ...data,
    ];
    const answers = [
      ...rr(33, [...u16(0), ...u16(100), ...u16(389), ...name('dc1.corp.example')]),
      ...rr(16, strings('v=spf1 -all', 'second string')),
      ...rr(13, strings('Intel', 'Windows')),
    ];
    const msg = [
      0x12,
      0x34,
      0x85,
      0x80,
      0,
      1,
      0,
      3,
      0,
      0,
      0,
      0,
      ...name('_ldap._tcp.dc._msdcs.corp.example'),
      0,
      33,
      0,
      1,
      ...answers,
    ];
    const {
      session: s,
      list,
      tshark,
    } = await synthCapture([
      { data: onPorts(Uint8Array.from(msg), 53, 50000), tsSec: 1_700_000_000, tsNsec: 0 },
    ]);
    expect(list).toBe(tshark());
    expect(list).toContain('SRV 0 100 389 dc1.corp.example TXT HINFO Intel Windows');
    const dnsOn = (t: string) => layerParts(t, 'Domain Name System');
    expect(dnsOn(detailsText(s))).toEqual(dnsOn(tshark('-V')));
    for (const f of [
      'dns.srv.service == "_ldap"',
      'dns.srv.port == 389',
      'dns.txt == "second string"',
      'dns.resp.name',
      'dns.hinfo.os == "Windows"',
    ])
      expect(framesMatching(s, f), f).toEqual(tshark('-Y', f) ? ['1'] : []);
    s.close();
  });
});
