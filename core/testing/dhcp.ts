/**
 * DHCP (RFC 2131/2132) for tests: a Windows client's Discover, Offer, Request and ACK with the options clients
 * and servers commonly send (host name, vendor class, client FQDN, parameter request list, routers, DNS
 * servers, lease times, domain search, classless static routes, WPAD), a relayed Inform (with the relay
 * agent's option 82) and a BOOTP reply.
 */
import { ethernet, ip4, ipv4, mac, udp, type SynthPacket } from './synth.js';

const u16 = (n: number) => [n >> 8, n & 255];
const u32 = (n: number) => [...u16(n >>> 16), ...u16(n & 0xffff)];
const text = (s: string) => [...s].map((c) => c.charCodeAt(0));
const addr = (s: string) => [...ip4(s)];
const opt = (code: number, data: number[]) => [code, data.length, ...data];
/** A DNS name in wire format ("a.b" → 1 a 1 b 0). */
const dnsName = (s: string) => [...s.split('.').flatMap((l) => [l.length, ...text(l)]), 0];

const CLIENT_MAC = '3c:52:82:1a:2b:3c';
const SERVER = { mac: '00:1b:54:47:49:44', ip: '192.168.1.1' };

/** A BOOTP message: op, transaction ID, flags, addresses (ciaddr, yiaddr, siaddr, giaddr), then options. */
function bootp(
  op: number,
  xid: number,
  m: { flags?: number; ci?: string; yi?: string; si?: string; gi?: string; sname?: string; file?: string },
  options: number[] | undefined,
): Uint8Array {
  const b = new Uint8Array(236 + (options ? 4 + options.length : 64));
  b.set([op, 1, 6, m.gi ? 1 : 0, ...u32(xid), ...u16(3), ...u16(m.flags ?? 0)]);
  b.set(addr(m.ci ?? '0.0.0.0'), 12);
  b.set(addr(m.yi ?? '0.0.0.0'), 16);
  b.set(addr(m.si ?? '0.0.0.0'), 20);
  b.set(addr(m.gi ?? '0.0.0.0'), 24);
  b.set(mac(CLIENT_MAC), 28);
  if (m.sname) b.set(text(m.sname), 44);
  if (m.file) b.set(text(m.file), 108);
  if (options) b.set([99, 130, 83, 99, ...options], 236);
  return b;
}

function frame(
  from: { mac: string; ip: string },
  to: { mac: string; ip: string },
  msg: Uint8Array,
  t: number,
) {
  const toServer = to.ip !== '255.255.255.255' && to.ip !== '192.168.1.50';
  const [sport, dport] = toServer || from.ip === '0.0.0.0' ? [68, 67] : [67, 68];
  const data = ethernet(
    mac(to.mac),
    mac(from.mac),
    0x0800,
    ipv4(ip4(from.ip), ip4(to.ip), 17, udp(ip4(from.ip), ip4(to.ip), sport, dport, msg)),
  );
  return { data, tsSec: 1_700_004_000 + t, tsNsec: 0 };
}

export function dhcpPackets(): SynthPacket[] {
  const client = { mac: CLIENT_MAC, ip: '0.0.0.0' };
  const bcast = { mac: 'ff:ff:ff:ff:ff:ff', ip: '255.255.255.255' };
  const leased = { mac: CLIENT_MAC, ip: '192.168.1.50' };
  const prl = opt(55, [1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252]);
  const hello = [
    ...opt(61, [1, ...mac(CLIENT_MAC)]),
    ...opt(12, text('DESKTOP-7Q2K9')),
    ...opt(81, [1, 0, 0, ...text('DESKTOP-7Q2K9.corp.example')]),
    ...opt(60, text('MSFT 5.0')),
    ...prl,
  ];
  const serverOptions = (type: number) => [
    ...opt(53, [type]),
    ...opt(54, addr(SERVER.ip)),
    ...opt(51, u32(86400)),
    ...opt(58, u32(43200)),
    ...opt(59, u32(75600)),
    ...opt(1, addr('255.255.255.0')),
    ...opt(3, addr('192.168.1.1')),
    ...opt(6, [...addr('192.168.1.1'), ...addr('9.9.9.9')]),
    ...opt(15, text('corp.example')),
    ...opt(119, [...dnsName('corp.example'), ...dnsName('example')]),
    ...opt(121, [24, 10, 1, 2, ...addr('192.168.1.254'), 0, ...addr('192.168.1.1')]),
    ...opt(44, addr('192.168.1.2')),
    ...opt(46, [8]),
    ...opt(252, text('http://wpad.corp.example/wpad.dat')),
    255,
  ];
  return [
    frame(
      client,
      bcast,
      bootp(1, 0x5a1f0c01, { flags: 0x8000 }, [...opt(53, [1]), ...opt(57, u16(1500)), ...hello, 255]),
      0,
    ),
    frame(
      SERVER,
      bcast,
      bootp(2, 0x5a1f0c01, { flags: 0x8000, yi: '192.168.1.50', si: SERVER.ip }, serverOptions(2)),
      1,
    ),
    frame(
      client,
      bcast,
      bootp(1, 0x5a1f0c01, { flags: 0x8000 }, [
        ...opt(53, [3]),
        ...opt(50, addr('192.168.1.50')),
        ...opt(54, addr(SERVER.ip)),
        ...hello,
        255,
        0,
        0,
      ]),
      2,
    ),
    frame(
      SERVER,
      bcast,
      bootp(2, 0x5a1f0c01, { flags: 0x8000, yi: '192.168.1.50', si: SERVER.ip }, serverOptions(5)),
      3,
    ),
    // An Inform through a relay agent, with an option Wirelens shows as its value only.
    frame(
      leased,
      SERVER,
      bootp(1, 0x77aa0001, { ci: '192.168.1.50', gi: '192.168.2.1' }, [
        ...opt(53, [8]),
        ...opt(66, text('tftp.corp.example')),
        ...opt(43, [1, 4, 0, 0, 0, 1]),
        ...opt(200, [1, 2, 3]),
        ...prl,
        // The relay's option 82: the switch port, the relay's MAC, the client's subnet, a subscriber.
        ...opt(82, [
          ...[1, 8, ...text('Gi1/0/12')],
          ...[2, 6, ...mac('00:1b:54:47:49:44')],
          ...[5, 4, ...addr('192.168.1.0')],
          ...[6, 4, ...text('user')],
          ...[200, 3, 1, 2, 3],
        ]),
        255,
      ]),
      4,
    ),
    // A BOOTP reply (no magic cookie's options): a server name and a boot file.
    frame(
      SERVER,
      leased,
      bootp(2, 0x77aa0002, { yi: '192.168.1.50', sname: 'pxe1', file: 'pxelinux.0' }, undefined),
      5,
    ),
  ];
}
