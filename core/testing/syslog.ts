/**
 * Syslog datagrams (UDP 514) of every shape the Syslog tests and the fuzzer need: RFC 5424 (with a time zone, a
 * nil timestamp, a BOM, structured data), RFC 3164 (with and without a tag, one that ends inside its tag), a
 * message with no <PRI>, an out-of-range and a four-digit PRI, a message with a line break, and timestamps in
 * UTC, with an offset, and one that does not parse.
 */
import { ethernet, ip4, ipv4, mac, udp, type SynthPacket } from './synth.js';
import { CLIENT, ROUTER } from './scenarios.js';

export const SYSLOG_MESSAGES: readonly string[] = [
  '<189>1 2026-12-04T17:54:51.237663+00:00 web01 sshd 4242 - - Failed password for root from 10.0.0.5 port 4242 ssh2',
  '<38>Dec  4 17:54:51 vm su: pam_unix(su:session): session opened for user root',
  '<11>1 2026-12-04T19:54:51.5+02:00 db01 app - ID47 [exampleSDID@32473 iut="3"] An application event',
  '<165>1 - host app - - \ufeffBOM message, caf\u00e9',
  "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
  '<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!',
  'no priority here',
  '<999>bad pri',
  '<1234>four digits',
  '<86>Dec  4 17:54:51 vm sudo:     alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash\n',
  '<30>Dec  4 17:54:51 vm abcdef',
  '<13>1 2026-12-04T17:54:51Z h a p rest',
  '<13>1 2026-12-04T17:54:51.5-05:30 h a p rest',
  '<13>1 junk h a p rest',
];

export function syslogPackets(): SynthPacket[] {
  const enc = new TextEncoder();
  return SYSLOG_MESSAGES.map((m, i) => ({
    data: ethernet(
      mac(ROUTER.mac),
      mac(CLIENT.mac),
      0x0800,
      ipv4(
        ip4(CLIENT.ip),
        ip4(ROUTER.ip),
        17,
        udp(ip4(CLIENT.ip), ip4(ROUTER.ip), 40000 + i, 514, enc.encode(m)),
      ),
    ),
    tsSec: 1_700_000_000 + i,
    tsNsec: 0,
  }));
}
