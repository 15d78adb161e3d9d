/**
 * A SIP call for tests (RFC 3261 over UDP): alice registers, then calls bob (INVITE with an SDP offer, 100 Trying,
 * 180 Ringing, 200 OK with the SDP answer, ACK), and hangs up (BYE, 200 OK).
 */
import { ethernet, ip4, ipv4, mac, udp, type SynthPacket } from './synth.js';
import { CLIENT, WEB } from './scenarios.js';

const CALL_ID = 'a84b4c76e66710@pc33.example.com';

function message(start: string, headers: [string, string][], body = ''): string {
  const all: [string, string][] = [
    ...headers,
    ...(body ? ([['Content-Type', 'application/sdp']] as [string, string][]) : []),
    ['Content-Length', String(body.length)],
  ];
  return `${start}\r\n${all.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
}

function sdp(user: string, ip: string, port: number): string {
  return (
    `v=0\r\no=${user} 2890844526 2890844526 IN IP4 ${ip}\r\ns=-\r\nc=IN IP4 ${ip}\r\nt=0 0\r\n` +
    `m=audio ${port} RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n`
  );
}

export function sipPackets(): SynthPacket[] {
  const alice = CLIENT;
  const proxy = WEB;
  const from = '"Alice" <sip:alice@example.com>;tag=1928301774';
  const to = '<sip:bob@example.com>';
  const toTagged = `${to};tag=a6c85cf`;
  const via = `SIP/2.0/UDP ${alice.ip}:5060;branch=z9hG4bK776asdhds`;
  const common = (cseq: string, toValue = to): [string, string][] => [
    ['Via', via],
    ['From', from],
    ['To', toValue],
    ['Call-ID', CALL_ID],
    ['CSeq', cseq],
  ];
  const contact: [string, string] = ['Contact', `<sip:alice@${alice.ip}:5060>`];
  const dialogue: [boolean, string][] = [
    [
      true,
      message('REGISTER sip:example.com SIP/2.0', [
        ['Via', via],
        ['From', '<sip:alice@example.com>;tag=456248'],
        ['To', '<sip:alice@example.com>'],
        ['Call-ID', '843817637684230@998sdasdh09'],
        ['CSeq', '1826 REGISTER'],
        contact,
        ['Expires', '7200'],
      ]),
    ],
    [
      false,
      message('SIP/2.0 200 OK', [
        ['Via', via],
        ['From', '<sip:alice@example.com>;tag=456248'],
        ['To', '<sip:alice@example.com>;tag=2493k59kd'],
        ['Call-ID', '843817637684230@998sdasdh09'],
        ['CSeq', '1826 REGISTER'],
        [contact[0], `${contact[1]};expires=7200`],
      ]),
    ],
    [
      true,
      message(
        'INVITE sip:bob@example.com SIP/2.0',
        [...common('314159 INVITE'), contact, ['User-Agent', 'Softphone 1.0'], ['Max-Forwards', '70']],
        sdp('alice', alice.ip, 49170),
      ),
    ],
    [false, message('SIP/2.0 100 Trying', common('314159 INVITE'))],
    [false, message('SIP/2.0 180 Ringing', common('314159 INVITE', toTagged))],
    [
      false,
      message(
        'SIP/2.0 200 OK',
        [...common('314159 INVITE', toTagged), ['Contact', `<sip:bob@${proxy.ip}>`]],
        sdp('bob', proxy.ip, 3456),
      ),
    ],
    [true, message('ACK sip:bob@example.com SIP/2.0', common('314159 ACK', toTagged))],
    [true, message('BYE sip:bob@example.com SIP/2.0', common('231 BYE', toTagged))],
    [false, message('SIP/2.0 200 OK', common('231 BYE', toTagged))],
  ];
  return dialogue.map(([fromAlice, text], i) => {
    const [a, b] = fromAlice ? [alice, proxy] : [proxy, alice];
    const payload = new TextEncoder().encode(text);
    const data = ethernet(
      mac(b.mac),
      mac(a.mac),
      0x0800,
      ipv4(ip4(a.ip), ip4(b.ip), 17, udp(ip4(a.ip), ip4(b.ip), 5060, 5060, payload)),
    );
    return { data, tsSec: 1_700_010_000 + i, tsNsec: 250_000_000 };
  });
}
