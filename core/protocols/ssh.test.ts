/**
 * SSH on real sessions (core/testing/fixtures/ssh-openssh.pcap.gz, made by scripts/make-ssh-fixture.sh with
 * OpenSSH 9.2): every row as tshark 4.0 has it — but for the encrypted packets tshark tries to decrypt without
 * keys and then shows nothing, which Wirelens names "Encrypted packet (len=N)" — the fields an investigator
 * filters on (banners, algorithms, HASSH fingerprints, host key, group exchange sizes) with tshark's values, and
 * messages split over TCP segments.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registry, type FieldValue } from '../fields/registry.js';
import {
  filtersVsTshark,
  framesMatching,
  hasTshark,
  openWithColumns,
  ourFields,
  synthCapture,
  tsharkColumns,
  tsharkFields,
  tsharkOn,
} from '../testing/vs-tshark.js';
import { TcpConversation } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';

const FILE = fileURLToPath(new URL('../testing/fixtures/ssh-openssh.pcap.gz', import.meta.url));
const OPENSSH = 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10';

/** Fields compared with tshark on every frame: presence, and the value as `tshark -T fields` prints it. */
const FIELDS = [
  'ssh',
  'ssh.protocol',
  'ssh.direction',
  'ssh.message_code',
  'ssh.padding_length',
  'ssh.cookie',
  'ssh.kex_algorithms',
  'ssh.server_host_key_algorithms',
  'ssh.encryption_algorithms_client_to_server',
  'ssh.mac_algorithms_server_to_client',
  'ssh.compression_algorithms_client_to_server',
  'ssh.languages_client_to_server_length',
  'ssh.first_kex_packet_follows',
  'ssh.kex.hassh_algorithms',
  'ssh.kex.hassh',
  'ssh.kex.hasshserver_algorithms',
  'ssh.kex.hasshserver',
  'ssh.host_key.length',
  'ssh.host_key.type',
  'ssh.host_key.eddsa.key_length',
  'ssh.host_sig.length',
  'ssh.host_sig.type',
  'ssh.mpint_length',
  'ssh.dh.e',
  'ssh.dh.f',
  'ssh.dh_gex.min',
  'ssh.dh_gex.nbits',
  'ssh.dh_gex.max',
  'ssh.dh_gex.p',
  'ssh.dh_gex.g',
  'ssh.ecdh.q_c_length',
  'ssh.ecdh.q_s_length',
];
/**
 * Fields of encrypted packets: compared on the connections tshark 4.0 does not try to decrypt (the group
 * exchange with AES-GCM, and the scanner).
 */
const ENCRYPTED_FIELDS = [
  'ssh.packet_length',
  'ssh.encrypted_packet',
  'ssh.mac',
  'ssh.packet_length_encrypted',
];
const UNDECRYPTED_STREAMS = new Set(['3', '4']);

const FILTERS = [
  'ssh',
  'ssh.protocol contains "Scanner"',
  'ssh.message_code == 20',
  'ssh.message_code == 21 && ssh.direction == 1',
  'ssh.kex.hassh == "472b5de333ad665af5cbf10ff892c4df"',
  'ssh.kex_algorithms contains "curve25519"',
  'ssh.host_key.type == "ssh-ed25519"',
  'ssh.dh_gex.nbits >= 2048',
  'ssh.ecdh.q_c_length == 32',
  'ssh.encryption_algorithms_client_to_server matches "^aes256-gcm"',
];

/** A value as `tshark -T fields` prints it (bytes and protocol items: presence only, as "x"). */
function shown(v: FieldValue): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  return 'x';
}

describe('SSH', () => {
  it('shows real OpenSSH sessions as tshark does, naming the encrypted packets', async () => {
    const { s, rows } = await openWithColumns(FILE);
    for (const row of [
      `SSH\tClient: Protocol (${OPENSSH})`,
      `SSHv2\tServer: Protocol (${OPENSSH})`,
      'SSHv2\tClient: Key Exchange Init',
      'SSHv2\tClient: Diffie-Hellman Key Exchange Init',
      'SSHv2\tServer: Diffie-Hellman Key Exchange Reply, New Keys, Encrypted packet (len=316)',
      'SSHv2\tClient: Elliptic Curve Diffie-Hellman Key Exchange Init',
      'SSHv2\tClient: Diffie-Hellman Group Exchange Request',
      'SSHv2\tServer: Diffie-Hellman Group Exchange Group',
      'SSHv2\tServer: Diffie-Hellman Group Exchange Reply, New Keys, Encrypted packet (len=324)',
      'SSHv2\tClient: New Keys',
      'SSHv2\tClient: Encrypted packet (len=44)',
      'SSH\tClient: Protocol (SSH-2.0-Scanner_1.0)',
    ])
      expect(rows).toContain(row);
    // What each side agreed to encrypt with, in the tree's title once New Keys has come.
    const after = s.dissect(16);
    expect(
      after.tree.some((t) =>
        t.children?.some((c) => c.label?.startsWith('SSH Version 2 (encryption:chacha20')),
      ),
    ).toBe(true);
    if (hasTshark) {
      const theirs = tsharkColumns(FILE);
      const t = tsharkOn(FILE);
      const tcp = tsharkFields(t, ['tcp.stream', 'tcp.len', 'ssh.packet_length']).map((l) => l.split('\t'));
      let same = 0;
      let named = 0;
      const wrong: string[] = [];
      rows.forEach((ours, i) => {
        const want = theirs[i];
        if (ours.trimEnd() === want) return void same++;
        // tshark 4.0 tried to decrypt the rest of the segment (no keys): what Wirelens shows instead is the rest
        // of the segment, after the packets in clear, as one encrypted packet.
        const [stream, len, plens] = tcp[i];
        const clear = plens ? plens.split(',').reduce((n, p) => n + Number(p) + 4, 0) : 0;
        const text = `Encrypted packet (len=${Number(len) - clear})`;
        const expected = want.endsWith(':') ? `${want} ${text}` : `${want}, ${text}`;
        if (ours === expected && !UNDECRYPTED_STREAMS.has(stream)) named++;
        else wrong.push(`#${i + 1} ours ${ours} | tshark ${want}`);
      });
      console.log(
        `SSH rows: ${same}/${rows.length} equal to tshark 4.0, ${named} encrypted packets named where tshark shows none`,
      );
      expect(wrong).toEqual([]);
      expect(same + named).toBe(rows.length);

      // Bytes (and the protocol item) compared by presence: "x" for each occurrence.
      const all = ['tcp.stream', ...FIELDS, ...ENCRYPTED_FIELDS];
      const bytesLike = all.map((a) => a === 'ssh' || registry.get(a)!.kind === 'bytes');
      const want = tsharkFields(t, all).map((l) =>
        l.split('\t').map((cell, k) => (bytesLike[k] ? cell.replace(/[^,]+/g, 'x') : cell)),
      );
      const got = ourFields(s, all, shown).map((l) => l.split('\t'));
      const diffs: string[] = [];
      let compared = 0;
      want.forEach(([stream, ...theirs], i) => {
        const [, ...ours] = got[i];
        all.slice(1).forEach((a, k) => {
          if (ENCRYPTED_FIELDS.includes(a) && !UNDECRYPTED_STREAMS.has(stream)) return;
          compared++;
          if (ours[k] !== theirs[k]) diffs.push(`#${i + 1} ${a}: ours ${ours[k]}, tshark ${theirs[k]}`);
        });
      });
      expect(diffs).toEqual([]);
      expect(compared).toBeGreaterThan(5000);
      for (const r of filtersVsTshark(s, t, FILTERS)) {
        expect(r.theirs.length, r.filter).toBeGreaterThan(0);
        expect(r.ours, r.filter).toEqual(r.theirs);
      }
    }
    s.close();
  });

  it('waits for a Key Exchange Init split over segments, and reads a session joined late', async () => {
    const clock = { s: 1_700_005_000, ns: 0 };
    const a = new TcpConversation(CLIENT, WEB, 50022, 22, clock).handshake();
    a.send(true, 'SSH-2.0-Tool_7.1\r\n');
    a.send(false, 'SSH-2.0-OpenSSH_9.2\r\n');
    const kexinit = keyExchangeInit();
    a.send(true, kexinit.subarray(0, 30));
    a.send(true, kexinit.subarray(30));
    // A connection whose start was not captured: no banner, only encrypted data.
    const b = new TcpConversation(CLIENT, WEB, 50023, 22, clock);
    b.send(false, Buffer.alloc(52, 0xa5));
    const { session: s, list, tshark } = await synthCapture([...a.packets, ...b.packets]);
    expect(list).toContain('SSH 72 Client: Protocol (SSH-2.0-Tool_7.1)');
    expect(list).toContain('TCP 84 [TCP segment of a reassembled PDU]');
    expect(list).toContain('SSHv2 180 Client: Key Exchange Init');
    expect(list).toContain('SSH 106 Server: Encrypted packet (len=52)');
    const hassh = framesMatching(
      s,
      'ssh.kex.hassh_algorithms == "curve25519-sha256;aes128-ctr;hmac-sha2-256;none"',
    );
    expect(hassh).toHaveLength(1);
    if (hasTshark) {
      const columns = (text: string) =>
        text.split('\n').map((l) => l.replace(/^\s*\d+\s+\S+\s+/, '').replace(/\s+/g, ' '));
      expect(columns(list)).toEqual(columns(tshark()));
      expect(tshark('-T', 'fields', '-e', 'ssh.kex.hassh', '-Y', 'ssh.kex.hassh').trim()).toBe(
        String(s.dissect(Number(hassh[0])).byField.get(registry.get('ssh.kex.hassh')!.id)?.[0].value),
      );
    }
    s.close();
  });

  it('puts together a banner split over segments (tshark 4.0 loses it)', async () => {
    // tshark asks TCP for a negative number of bytes when a segment ends inside the banner line, and then shows
    // the banner's end as an encrypted packet and the connection as one of an unknown SSH version.
    const a = new TcpConversation(CLIENT, WEB, 50024, 22, { s: 1_700_005_100, ns: 0 }).handshake();
    a.send(true, 'SSH-2.0-Tool');
    a.send(true, '_7.1\r\n');
    a.send(false, 'SSH-2.0-OpenSSH_9.2\r\n');
    a.send(true, keyExchangeInit());
    const { session: s, list } = await synthCapture(a.packets);
    expect(list).toContain('TCP 66 [TCP segment of a reassembled PDU]');
    expect(list).toContain('SSH 60 Client: Protocol (SSH-2.0-Tool_7.1)');
    expect(list).toContain('SSHv2 75 Server: Protocol (SSH-2.0-OpenSSH_9.2)');
    expect(list).toContain('SSHv2 210 Client: Key Exchange Init');
    s.close();
  });
});

/** A client's Key Exchange Init (curve25519, AES-CTR, HMAC-SHA2-256, no compression) as a binary packet. */
function keyExchangeInit(): Buffer {
  const lists = [
    'curve25519-sha256',
    'ssh-ed25519',
    'aes128-ctr',
    'aes128-ctr',
    'hmac-sha2-256',
    'hmac-sha2-256',
    'none',
    'none',
    '',
    '',
  ];
  const body = Buffer.concat([
    Buffer.from([20]),
    Buffer.from('0123456789abcdef'),
    ...lists.map((l) => Buffer.concat([u32(l.length), Buffer.from(l)])),
    Buffer.from([0, 0, 0, 0, 0]),
  ]);
  const padding = 8 - ((body.length + 5) % 8) + 4;
  return Buffer.concat([u32(body.length + padding + 1), Buffer.from([padding]), body, Buffer.alloc(padding)]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
