/**
 * Protocols whose corner cases the corpus lacks, on captures this test writes, against tshark itself: the packet
 * list line for line and the frames a few filters select. ARP probes, announcements and gratuitous ARP (flags
 * that exist only when true), RARP/DRARP/InARP and odd opcodes; IPv4 headers of a bogus version or length; ESP over IP and over UDP 4500 (NAT traversal, keepalive); HTTP bodies of
 * application/json (HTTP/JSON), valid or not. HTTP heads cut by the snaplen at every kind of place, where tshark's
 * `-Y` answers depend on whether its header loop ends quietly or throws at the cut.
 */
import { describe, expect, it } from 'vitest';
import { framesMatching, hasTshark, synthCapture } from '../testing/vs-tshark.js';
import { TcpConversation, ethernet, ip4, ipv4, mac, udp, type SynthPacket } from '../testing/synth.js';
import { CLIENT, WEB, smtpScenario } from '../testing/scenarios.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const NONE = '00:00:00:00:00:00';

function arp(op: number, sha: string, spa: string, tha: string, tpa: string): Uint8Array {
  const body = new Uint8Array(28);
  body.set([0, 1, 8, 0, 6, 4, op >> 8, op & 255], 0); // Ethernet, IPv4, sizes 6 and 4, opcode
  body.set(mac(sha), 8);
  body.set(ip4(spa), 14);
  body.set(mac(tha), 18);
  body.set(ip4(tpa), 24);
  return ethernet(mac(BROADCAST), mac(sha), 0x0806, body);
}

/** An ICMP (or, with `pseudo`, ICMPv6) echo message with its checksum. */
function echo(type: number, data: Uint8Array, seq: number, pseudo?: Uint8Array): Uint8Array {
  const m = new Uint8Array(8 + data.length);
  m.set([type, 0, 0, 0, 0x12, 0x34, 0, seq]);
  m.set(data, 8);
  // RFC 1071: the one's complement of the one's-complement sum (with ICMPv6's pseudo-header first).
  const all = pseudo ? new Uint8Array([...pseudo, ...m]) : m;
  let c = 0;
  for (let i = 0; i < all.length; i += 2) c += (all[i] << 8) | (all[i + 1] ?? 0);
  while (c > 0xffff) c = (c & 0xffff) + (c >>> 16);
  const ck = ~c & 0xffff;
  m[2] = ck >> 8;
  m[3] = ck & 255;
  return m;
}

/** A timeval (seconds, microseconds) followed by ping's pattern bytes, as ping(8) sends. */
function timeval(s: number, us: number, le = false): Uint8Array {
  const b = new Uint8Array(16 + 24);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, s, le);
  dv.setUint32(4, us, le);
  for (let i = 8; i < b.length; i++) b[i] = i;
  return b;
}

/** IPv6 with a hop-by-hop header (PadN, Router Alert) before an ICMPv6 echo request. */
function ipv6HopByHop(): Uint8Array {
  const src = hex('fe800000000000000000000000000001');
  const dst = hex('ff020000000000000000000000000001');
  const body = hex('0102030405060708');
  const pseudoLen = 8 + body.length;
  const pseudo = new Uint8Array(40);
  pseudo.set(src, 0);
  pseudo.set(dst, 16);
  pseudo[35] = pseudoLen;
  pseudo[39] = 58;
  const icmp = echo(128, body, 1, pseudo);
  const hop = hex('3a00' + '0100' + '05020000');
  const h = new Uint8Array(40);
  h[0] = 0x60;
  h[5] = hop.length + icmp.length;
  h[6] = 0;
  h[7] = 1;
  h.set(src, 8);
  h.set(dst, 24);
  return ethernet(mac('33:33:00:00:00:01'), mac(CLIENT.mac), 0x86dd, new Uint8Array([...h, ...hop, ...icmp]));
}

function packets(): SynthPacket[] {
  const host = '02:00:0a:00:fc:c0';
  const frames: Uint8Array[] = [
    arp(1, host, '0.0.0.0', NONE, '10.0.0.5'), // probe
    arp(1, host, '10.0.0.5', NONE, '10.0.0.5'), // announcement
    arp(1, host, '10.0.0.5', BROADCAST, '10.0.0.5'), // gratuitous request
    arp(2, host, '10.0.0.5', BROADCAST, '10.0.0.5'), // gratuitous reply
    arp(1, host, '10.0.0.6', NONE, '10.0.0.5'), // who has
    arp(1, host, '0.0.0.0', BROADCAST, '10.0.0.5'),
    // RARP, DRARP, InARP, NAK, reserved and unknown opcodes.
    ...[3, 4, 5, 6, 7, 8, 9, 10, 0, 0xffff, 0x0102].map((op) => arp(op, host, '10.0.0.5', NONE, '10.0.0.6')),
  ];
  const a = ip4(CLIENT.ip);
  const b = ip4(WEB.ip);
  const l2 = (p: Uint8Array) => ethernet(mac(WEB.mac), mac(CLIENT.mac), 0x0800, p);
  const esp = hex('fe8fbabb0000002a' + 'aa'.repeat(40));
  frames.push(
    l2(ipv4(a, b, 50, esp)),
    l2(ipv4(a, b, 17, udp(a, b, 4500, 4500, esp))),
    l2(ipv4(a, b, 17, udp(a, b, 4500, 4500, hex('ff')))),
    // IPv4 headers with a bogus version or header length.
    l2(hex('0500001c000100004011a4c80a0000010a00000204d2003500080000')),
    l2(hex('9500001c000100004011a4c80a0000010a00000204d2003500080000')),
    l2(hex('4400001c000100004011a4c80a0000010a00000204d2003500080000')),
  );
  // Echo data that starts with ping's send time (big- or little-endian), one too far from the packet's time.
  const ts = 1_700_000_000 + frames.length;
  frames.push(
    l2(ipv4(a, b, 1, echo(8, timeval(ts - 1, 250_000), 7))),
    l2(ipv4(b, a, 1, echo(0, timeval(ts - 1, 250_000), 7))),
    l2(ipv4(a, b, 1, echo(8, timeval(ts + 1, 250_000, true), 8))),
    l2(ipv4(a, b, 1, echo(8, timeval(ts - 90_000, 5), 9))),
    ipv6HopByHop(),
  );
  const out: SynthPacket[] = frames.map((data, i) => ({ data, tsSec: 1_700_000_000 + i, tsNsec: 0 }));
  const enc = new TextEncoder();
  ['{"a":1,"b":[true,null]}', 'not json', '{"x":"y"}'].forEach((body, i) => {
    const c = new TcpConversation(CLIENT, WEB, 50800 + i, 80, { s: 1_700_000_100 + i, ns: 0 });
    c.handshake();
    c.send(
      true,
      `POST /api HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"q":1}`,
    );
    const ct = i === 2 ? 'application/json; charset=utf-8' : 'application/json';
    c.send(
      false,
      enc.encode(`HTTP/1.1 200 OK\r\nContent-Type: ${ct}\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
    );
    c.close();
    out.push(...c.packets);
  });
  return out;
}

/**
 * Lists `packets` and runs each filter over them, ours against tshark on the same file: every line of the list
 * and every filter's frames equal (and each filter selects something, or it would prove nothing).
 */
async function agreesWithTshark(packets: SynthPacket[], filters: readonly string[]): Promise<void> {
  const { session: s, list: ours, tshark } = await synthCapture(packets);
  try {
    expect(ours).toBe(tshark());
    for (const f of filters) {
      const want = tshark('-Y', f, '-T', 'fields', '-e', 'frame.number').trim().split('\n').filter(Boolean);
      expect(framesMatching(s, f), f).toEqual(want);
      expect(want.length, f).toBeGreaterThan(0);
    }
  } finally {
    s.close();
  }
}

const FILTERS = [
  'arp.isgratuitous',
  '!arp.isgratuitous && arp',
  'arp.isannouncement',
  'arp.isprobe',
  'esp.spi == 0xfe8fbabb && esp.sequence == 42',
  'udpencap',
  'json',
  'frame.protocols contains "esp"',
  'icmp.data_time',
  'icmp.data_time_relative > 1',
  'icmp.data_time_relative < 1',
  'icmp.resp_to',
  'icmp && data.len == 40',
  'icmp && data.len == 32',
  'ipv6.hopopts.nxt == 58 && ipv6.hopopts.len_oct == 8',
  'icmpv6 && data.len == 8',
  'frame.protocols == "eth:ethertype:ipv6:ipv6.hopopts:icmpv6:data"',
];

describe.skipIf(!hasTshark)('generated corner cases vs tshark', () => {
  it('lists and filters like tshark', () => agreesWithTshark(packets(), FILTERS));
});

/**
 * HTTP requests and responses whose frames the snaplen cuts inside the head: in the request line, at a line end,
 * after a header name with and without its colon, at a separator, and a bare body on a fresh connection.
 */
function cutHttp(): SynthPacket[] {
  const out: SynthPacket[] = [];
  const enc = new TextEncoder();
  const req = 'GET /dir/pic.gif?x=1 HTTP/1.1\r\nHost: example.test\r\nUser-Agent: t\r\n\r\n';
  const resp = 'HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: 4\r\n\r\nGIF8';
  // Where the cut falls, as a prefix of the message that stays.
  const cuts = [
    'GET /dir/pic.gif?x=1 HTT', // in the request line
    'GET /dir/pic.gif?x=1 HTTP/1.1\r\n', // at its end: no header line at all
    'GET /dir/pic.gif?x=1 HTTP/1.1\r\nHost', // a header name without its colon
    'GET /dir/pic.gif?x=1 HTTP/1.1\r\nHost: ', // with its colon
    'GET /dir/pic.gif?x=1 HTTP/1.1\r\nHost: example.test\r\nUser Agent', // a separator first
    'HTTP/1.1 200 OK\r\nContent', // a response head
    'HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\n',
  ];
  cuts.forEach((cut, i) => {
    const c = new TcpConversation(CLIENT, WEB, 51000 + i, 80, { s: 1_700_000_200 + i, ns: 0 });
    c.handshake();
    const isResp = cut.startsWith('HTTP/');
    if (isResp) c.send(true, req);
    const at = c.packets.length;
    c.send(isResp ? false : true, isResp ? resp : req);
    if (!isResp) c.send(false, resp);
    c.close();
    const p = c.packets[at];
    const start = Buffer.from(p.data).indexOf(isResp ? 'HTTP/1.1 200' : 'GET /');
    c.packets[at] = { ...p, data: p.data.slice(0, start + enc.encode(cut).length), origLen: p.data.length };
    out.push(...c.packets);
  });
  // Data that is no request, on a connection that carried none: exported, but no HTTP layer.
  const bare = new TcpConversation(CLIENT, WEB, 51100, 80, { s: 1_700_000_300, ns: 0 });
  bare.handshake();
  bare.send(true, '2\n');
  bare.close();
  out.push(...bare.packets);
  return out;
}

const CUT_FILTERS = [
  'http',
  'http.request',
  'http.response',
  'http.request.method == "GET"',
  'http.request.uri contains "?"',
  'http.request.full_uri',
  'http.request.version',
  'http.host',
  'http.content_type',
];

describe.skipIf(!hasTshark)('HTTP heads cut by the snaplen vs tshark', () => {
  it('lists them and selects them as tshark -Y does', () => agreesWithTshark(cutHttp(), CUT_FILTERS));
});

const SMTP_FILTERS = [
  'smtp',
  'smtp.req',
  'smtp.rsp',
  'smtp.req.command == "DATA"',
  'smtp.req.parameter contains "bob"',
  'smtp.response.code == 250',
  'smtp.rsp.parameter contains "SIZE"',
  'smtp.auth.username',
  'smtp.auth.password == "czNjcjN0"',
  'smtp.data.fragment',
  'imf',
  'imf.from contains "alice"',
  'imf.to',
  'imf.subject == "two"',
];

describe.skipIf(!hasTshark)('SMTP and IMF vs tshark', () => {
  it('lists an SMTP session and selects its frames as tshark does', () =>
    agreesWithTshark(smtpScenario(), SMTP_FILTERS));
});
