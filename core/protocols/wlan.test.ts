/**
 * 802.11 on captures this test writes: radiotap (link type 127) and bare 802.11 (105) frames of every kind —
 * management frames with tagged parameters, control frames, data frames with each address layout, QoS, a
 * protected frame, IP and ARP over LLC/SNAP, EAPOL-Key handshakes with a 24-byte MIC (the association names the
 * 192-bit suite), EAP and an EAP-TLS ClientHello in two fragments. The columns and a few fields are checked here;
 * with tshark installed, the whole list and many filters are compared with it.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../dfilter/index.js';
import type { CaptureSession } from '../session/session.js';
import { hasTshark, synthCapture } from '../testing/vs-tshark.js';
import { WLAN_HOSTS, avsHeader, prismHeader, wlanFrames, wlanPackets } from '../testing/synth-wlan.js';

const { AP, STA, BC } = WLAN_HOSTS;

const FILTERS = [
  'wlan.fc.type_subtype == 0x28',
  'wlan.fc.protected == 1',
  `wlan.addr == ${AP}`,
  `wlan.sa == ${STA}`,
  `wlan.ta == ${STA}`,
  `wlan.staa == ${STA}`,
  'wlan.ccmp.extiv',
  'wlan.tag.length > 10',
  'wlan.fcs',
  'radiotap.dbm_antsignal < -50',
  'wlan_rsna_eapol.keydes.msgnr == 3',
  'wlan_rsna_eapol.keydes.mic',
  'eap.identity == "user@example"',
  'tls.handshake.type == 1',
  '_ws.malformed',
];

/** Filters the list of bare 802.11 frames must answer too. */
const BARE_FILTERS = [
  'wlan',
  'radiotap',
  'wlan.fc.type_subtype == 0x1d',
  `wlan.addr == ${STA}`,
  'udp',
  'eapol',
];

function run(s: CaptureSession, f: string): string[] {
  const c = compileFilter(f);
  if (!c.ok) throw new Error(f);
  return [...s.runFilter(c.filter)].map(String);
}

describe('802.11 dissection', () => {
  it('shows radiotap frames as tshark would and reassembles EAP-TLS', async () => {
    const { session: s, list } = await synthCapture(wlanPackets(true), 127);
    const lines = list.trim().split('\n');
    expect(lines[0]).toContain(`${AP} → ${BC} 802.11 `);
    expect(lines[0]).toMatch(/Beacon frame, SN=1, FN=0, Flags=\.\.\.\.\.\.\.\.C, BI=100, SSID="wl-test"$/);
    expect(lines[1]).toMatch(
      /Probe Request, SN=2, FN=0, Flags=\.\.\.\.\.\.\.\., SSID=Wildcard \(Broadcast\)$/,
    );
    expect(lines[2]).toMatch(/Flags=\.\.\.\.R\.\.\., BI=100/);
    expect(lines[3]).toMatch(new RegExp(`→ ${AP} \\(RA\\) 802\\.11 \\d+ Acknowledgement, Flags=\\.{8}C$`));
    expect(lines[4]).toContain(`${STA} (TA) → ${AP} (RA) 802.11`);
    expect(lines[11]).toMatch(/EAP \d+ Response, Identity$/);
    expect(lines[12]).toMatch(/Request, Tunneled TLS EAP \(EAP-TTLS\)$/);
    expect(lines[13]).toMatch(/Response, Legacy Nak \(Response Only\)$/);
    // The first fragment is only EAP; the last shows the reassembled TLS message.
    expect(lines[15]).toMatch(/EAP \d+ Response, TLS EAP \(EAP-TLS\)$/);
    expect(lines[17]).toMatch(new RegExp(`${STA} → ${AP} TLSv1 \\d+ Client Hello$`));
    expect(lines[18]).toMatch(/TLSv1\.2 \d+ Server Hello, Server Hello Done$/);
    expect(lines[20]).toMatch(/EAP \d+ Success$/);
    expect(lines.slice(21, 25).map((l) => l.replace(/.* EAPOL \d+ /, ''))).toEqual([
      'Key (Message 1 of 4)',
      'Key (Message 2 of 4)',
      'Key (Message 3 of 4)',
      'Key (Message 4 of 4)',
    ]);
    expect(lines[25]).toMatch(/10\.0\.0\.2 → 10\.0\.0\.1 +UDP/);
    expect(lines[28]).toMatch(/ARP/);
    expect(lines[29]).toMatch(/Action, SN=26, FN=0, Flags=\.{8}, Dialog Token=5$/);
    expect(lines[32]).toMatch(
      /\[Malformed Packet: length of contained item exceeds length of containing item\]$/,
    );
    expect(run(s, 'tls')).toEqual(['18', '19']);
    expect(run(s, 'wlan_rsna_eapol.keydes.mic')).toEqual(['22', '23', '24', '25']);
    expect(run(s, `wlan.staa == ${STA} && eap.identity`)).toEqual(['12']);
    // A second pass over a frame (the session's re-dissection) shows what the first pass did.
    expect(run(s, 'tls.handshake.type == 1')).toEqual(['18']);
    expect(run(s, 'eap.tls.reassembled.len == 356')).toEqual(['18']);
    s.close();
  });

  it.skipIf(!hasTshark)('lists and filters radiotap frames like tshark', async () => {
    const { session: s, list, tshark } = await synthCapture(wlanPackets(true), 127);
    expect(list).toBe(tshark());
    for (const f of FILTERS) {
      const want = tshark('-Y', f, '-T', 'fields', '-e', 'frame.number').trim().split('\n').filter(Boolean);
      expect(run(s, f), f).toEqual(want);
    }
    s.close();
  });

  it.skipIf(!hasTshark)('lists and filters bare 802.11 frames (link type 105) like tshark', async () => {
    const { session: s, list, tshark } = await synthCapture(wlanPackets(false), 105);
    expect(list).toBe(tshark());
    for (const f of BARE_FILTERS) {
      const want = tshark('-Y', f, '-T', 'fields', '-e', 'frame.number').trim().split('\n').filter(Boolean);
      expect(run(s, f), f).toEqual(want);
    }
    s.close();
  });

  it('reads 802.11 frames behind Prism and AVS headers (link type 119)', async () => {
    const beacon = wlanFrames()[0];
    const pk = [prismHeader(beacon), avsHeader(beacon)].map((data, i) => ({
      data,
      tsSec: 1_700_000_000 + i,
      tsNsec: 0,
    }));
    const { session: s, list, tshark } = await synthCapture(pk, 119);
    expect(
      list
        .trim()
        .split('\n')
        .every((l) => l.includes('Beacon frame, SN=1')),
    ).toBe(true);
    expect(run(s, 'wlan_radio && wlan.fixed.beacon == 100')).toEqual(['1', '2']);
    if (hasTshark) expect(list).toBe(tshark());
    s.close();
  });
});
