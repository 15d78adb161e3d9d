/**
 * Bytes in flight and bytes sent since the last PSH flag, as Wireshark 4.0 counts them by default: the span of
 * the direction's unACKed segments (a SYN or FIN not counting), less what the other side's last SACK option
 * reported; neither is counted in a direction from a segment after a gap (lost segment) until the other side
 * sends an ACK (valid_bif). Streams of one direction count up, never ACKed. And the conversation completeness of
 * streams whose handshake the capture lacks. With tshark present, every value is compared with its own.
 */
import { describe, expect, it } from 'vitest';
import { hasTshark, synthCapture } from '../testing/vs-tshark.js';
import { tcpSegments, type SynthPacket } from '../testing/synth.js';
import { registry } from '../fields/registry.js';
import type { CaptureSession } from '../session/session.js';

const HANDSHAKE = ['c 0 0 S 0', 's 0 1 SA 0', 'c 1 1 A 0'];

function packets(): SynthPacket[] {
  return [
    // 1-8: in order, ACKed after two segments; PSH resets the count since PSH; a FIN with data counts one less.
    ...tcpSegments(42000, 1_700_000_000, [
      ...HANDSHAKE,
      'c 1 1 A 100',
      'c 101 1 AP 100',
      's 1 201 A 0',
      'c 201 1 A 100',
      'c 301 1 AF 50',
    ]),
    // 9-17: the segment 101-200 never seen: from 201 on nothing is counted, until the server ACKs (15).
    ...tcpSegments(42001, 1_700_000_100, [
      ...HANDSHAKE,
      'c 1 1 A 100',
      'c 201 1 A 100',
      'c 301 1 A 100',
      's 1 101 A 0',
      'c 401 1 A 100',
      'c 501 1 A 100',
    ]),
    // 18-23: one direction only (the server never answers after the handshake): counts up.
    ...tcpSegments(42002, 1_700_000_200, [...HANDSHAKE, 'c 1 1 A 100', 'c 101 1 A 100', 'c 201 1 A 100']),
    // 24-31: the server SACKs 201-301 (its ACK at 101): the client's next segment counts 100 less; a SACK of two
    // blocks after that.
    ...tcpSegments(42003, 1_700_000_300, [
      ...HANDSHAKE,
      'c 1 1 A 100',
      'c 101 1 A 100',
      'c 201 1 A 100',
      's 1 101 A 0 201-301',
      'c 301 1 A 100',
      's 1 101 A 0 201-301,401-451',
      'c 401 1 A 100',
      // A segment without a SACK option clears the blocks: nothing subtracted from the next count (35).
      's 1 101 A 0',
      'c 501 1 A 100',
    ]),
  ];
}

/** Streams whose first segment the capture does not show the SYN of. */
function unopened(): SynthPacket[] {
  return [
    // 1-5: data first: no bit for it (a new conversation counts only a SYN), then data, ACK, FIN+ACK.
    ...tcpSegments(42004, 1_700_000_400, [
      'c 1 1 A 100',
      'c 101 1 A 100',
      's 1 201 A 0',
      'c 201 1 AF 0',
      's 1 202 AF 0',
    ]),
    // 6-11: the SYN-ACK first (not counted), then an ACK, data, a FIN without ACK (not counted), a RST.
    ...tcpSegments(42005, 1_700_000_500, [
      's 0 1 SA 0',
      'c 1 1 A 0',
      'c 1 1 A 10',
      's 1 11 A 0',
      'c 11 1 F 0',
      's 1 12 R 0',
    ]),
  ];
}

/** Each frame's value of `field` ('' when absent), as tshark -T fields prints it. */
function values(s: CaptureSession, field: string): string[] {
  const f = registry.get(field);
  if (!f) throw new Error(field);
  const out: string[] = [];
  for (let n = 1; n <= s.total; n++) out.push(String(s.dissect(n).byField.get(f.id)?.[0]?.value ?? ''));
  return out;
}

describe('TCP bytes in flight and since the last PSH', () => {
  it('counts as Wireshark does around gaps, one-way streams, SACKs and FINs', async () => {
    const { session: s, tshark } = await synthCapture(packets());
    const bif = values(s, 'tcp.analysis.bytes_in_flight');
    const push = values(s, 'tcp.analysis.push_bytes_sent');
    // In order (4-8): the FIN's byte is in the span (201-352) and taken off again.
    expect(bif.slice(3, 8)).toEqual(['100', '200', '', '100', '150']);
    expect(push.slice(3, 8)).toEqual(['100', '200', '', '100', '150']);
    // The gap (12-17): the segment after it (13) is not counted, nor the next (14), until the server's ACK (15).
    expect(bif.slice(11, 17)).toEqual(['100', '', '', '', '300', '400']);
    expect(push.slice(11, 17)).toEqual(['100', '', '', '', '200', '300']);
    // One way (21-23), and SACKed (27-31): 300 less 100, then 400 less 100 + 50.
    expect(bif.slice(20, 23)).toEqual(['100', '200', '300']);
    expect(bif.slice(26, 35)).toEqual(['100', '200', '300', '', '200', '', '250', '', '500']);
    if (hasTshark) {
      for (const f of ['tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent'])
        expect(values(s, f).join('\n'), f).toBe(tshark('-T', 'fields', '-e', f).trimEnd());
    }
    s.close();
  });
});

describe('TCP conversation completeness', () => {
  it('moves forward as in Wireshark 4.0, each frame showing the value before its own bits', async () => {
    const { session: s, tshark } = await synthCapture([...packets().slice(0, 8), ...unopened()]);
    const shown = values(s, 'tcp.completeness');
    // A full handshake, data, FIN (1-8); then the two streams seen from their middle (9-13, 14-19).
    expect(shown).toEqual([
      ...['0', '1', '3', '7', '15', '15', '15', '15'],
      ...['0', '0', '8', '12', '28'],
      ...['0', '0', '4', '12', '12', '12'],
    ]);
    if (hasTshark) expect(shown.join('\n')).toBe(tshark('-T', 'fields', '-e', 'tcp.completeness').trimEnd());
    s.close();
  });
});
