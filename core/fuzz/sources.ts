/** Seed captures for the fuzzer: the repo's own fixtures, plus the corpus captures when ../shared is present. */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { basename } from 'node:path';
import { writePcap, writePcapng } from '../capture/writer.js';
import { allCaptures } from '../testing/corpus.js';
import { chatScenario, httpGifScenario } from '../testing/scenarios.js';
import { wlanPackets } from '../testing/synth-wlan.js';
import { nbnsPackets } from '../testing/nbns.js';
import { dhcpv6Packets } from '../testing/dhcpv6.js';
import { tftpPackets } from '../testing/tftp.js';
import { imapPackets } from '../testing/imap.js';
import { popPackets } from '../testing/pop.js';
import { sipPackets } from '../testing/sip.js';
import { smbCommandsPackets, smbCompoundPackets } from '../testing/smb.js';
import { formPackets, jsonPackets } from '../testing/web.js';
import { syslogPackets } from '../testing/syslog.js';
import { legacyTlsExchange } from '../testing/tls-legacy.js';

const TLS_REQUEST = 'GET /a.gif HTTP/1.1\r\nHost: wirelens.test\r\n\r\n';
const TLS_RESPONSE = Buffer.from(
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 20000\r\n\r\n${'x'.repeat(20000)}`,
  'latin1',
);

export function fuzzSources(maxCorpusBytes = 256 * 1024): { name: string; bytes: Uint8Array }[] {
  const http = httpGifScenario();
  const out = [
    { name: 'http.pcap', bytes: writePcap(http, { linkType: 1 }) },
    { name: 'http.pcapng', bytes: writePcapng(http, { interfaces: [{ linkType: 1, tsresol: 9 }] }) },
    {
      name: 'chat-be.pcapng',
      bytes: writePcapng(chatScenario(), { interfaces: [{ linkType: 1 }], bigEndian: true }),
    },
    // The corpus's wireless captures are all gzipped (skipped below): 802.11 gets generated seeds.
    { name: 'wlan-radiotap.pcap', bytes: writePcap(wlanPackets(true), { linkType: 127 }) },
    { name: 'wlan.pcap', bytes: writePcap(wlanPackets(false), { linkType: 105 }) },
    // Protocols whose corner cases only generated captures hold.
    { name: 'nbns.pcap', bytes: writePcap(nbnsPackets(), { linkType: 1 }) },
    { name: 'dhcpv6.pcap', bytes: writePcap(dhcpv6Packets(), { linkType: 1 }) },
    { name: 'tftp.pcap', bytes: writePcap(tftpPackets(), { linkType: 1 }) },
    { name: 'imap.pcap', bytes: writePcap(imapPackets(), { linkType: 1 }) },
    { name: 'pop.pcap', bytes: writePcap(popPackets(), { linkType: 1 }) },
    { name: 'sip.pcap', bytes: writePcap(sipPackets(), { linkType: 1 }) },
    { name: 'smb2-compound.pcap', bytes: writePcap(smbCompoundPackets(), { linkType: 1 }) },
    { name: 'smb2-commands.pcap', bytes: writePcap(smbCommandsPackets(), { linkType: 1 }) },
    { name: 'json.pcap', bytes: writePcap(jsonPackets(), { linkType: 1 }) },
    { name: 'forms.pcap', bytes: writePcap(formPackets(), { linkType: 1 }) },
    { name: 'syslog.pcap', bytes: writePcap(syslogPackets(), { linkType: 1 }) },
    // Decrypted TLS (the key log in a Decryption Secrets Block): RC4's running keystream, 3DES's chained IVs.
    ...(
      [
        ['tls-rc4.pcapng', 0x0303, 0x0005],
        ['tls10-3des.pcapng', 0x0301, 0x000a],
      ] as const
    ).map(([name, version, suite]) => {
      const x = legacyTlsExchange({ version, suite }, [TLS_REQUEST], () => TLS_RESPONSE);
      return {
        name,
        bytes: writePcapng(x.packets, {
          interfaces: [{ linkType: 1 }],
          secrets: [{ type: 0x544c534b, data: Buffer.from(x.keyLog, 'latin1') }],
        }),
      };
    }),
    // Real sessions (scripts/make-*-fixture.sh).
    ...[
      'smb2-impacket',
      'ssh-openssh',
      'telnet-login',
      'kerberos-mit',
      'ldap-openldap',
      'snmp-netsnmp',
      'snmp-sha2',
    ].map((name) => ({
      name: `${name}.pcap`,
      bytes: new Uint8Array(
        gunzipSync(readFileSync(new URL(`../testing/fixtures/${name}.pcap.gz`, import.meta.url))),
      ),
    })),
  ];
  for (const p of allCaptures()) {
    if (p.endsWith('.gz') || statSync(p).size > maxCorpusBytes) continue;
    out.push({ name: basename(p), bytes: new Uint8Array(readFileSync(p)) });
  }
  return out;
}
