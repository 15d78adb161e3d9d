/**
 * SIP and SDP on a generated call (core/testing/sip.ts): every row, the call's details and filters as tshark shows
 * them. (The corpus's sip.pcapng is checked by the columns and field-presence corpus tests.)
 */
import { describe, expect, it } from 'vitest';
import { sipPackets } from '../testing/sip.js';
import { filtersVsTshark, hasTshark, synthCapture } from '../testing/vs-tshark.js';

const FILTERS = [
  'sip',
  'sdp',
  'sip.Method == "INVITE"',
  'sip.Status-Code == 200',
  'sip.r-uri.user == "bob"',
  'sip.from.user == "alice"',
  'sip.from.display.info contains "Alice"',
  'sip.to.tag == "a6c85cf"',
  'sip.tag',
  'sip.Call-ID contains "pc33"',
  'sip.CSeq.method == "INVITE"',
  'sip.CSeq.seq == 231',
  'sip.contact.host == "192.168.1.23"',
  'sip.contact.port == "5060"',
  'sip.User-Agent contains "Softphone"',
  'sip.Expires == 7200',
  'sip.response-request == 3',
  'sdp.media.port == 49170',
  'sdp.connection_info.address == "93.184.216.34"',
  'sdp.media_attr contains "PCMA"',
];

describe('SIP', () => {
  it('shows a call as tshark does', async () => {
    const { session: s, list, tshark } = await synthCapture(sipPackets());
    expect(list).toContain('SIP/SDP');
    expect(list).toContain('Request: INVITE sip:bob@example.com | ');
    expect(list).toContain('Status: 200 OK (REGISTER)  (1 binding) | ');
    if (hasTshark) {
      expect(list).toBe(tshark());
      for (const r of filtersVsTshark(s, tshark, FILTERS)) expect(r.ours, r.filter).toEqual(r.theirs);
    }
    s.close();
  });
});
