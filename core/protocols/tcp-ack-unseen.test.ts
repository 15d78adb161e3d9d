/**
 * "[TCP ACKed unseen segment]" on generated conversations: an ACK that covers data the capture never showed. As
 * in Wireshark 4.0 the mark is the end of the data seen without a gap, not the highest sequence seen, and one
 * hole is reported once; a segment arriving late (its timestamp before the previous one's) is a retransmission,
 * not out-of-order. Duplicate ACKs (counted from the last change of the ACK number, which a suppressed report
 * interrupts), keep-alives without data and their ACKs, as the check depends on them. With tshark present, the
 * flagged frames and the packet list are compared with it.
 */
import { describe, expect, it } from 'vitest';
import { hasTshark, synthCapture, framesMatching } from '../testing/vs-tshark.js';

import { TcpConversation, tcpSegments, type SynthPacket } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';

/**
 * One conversation per case, segments of 100 bytes; `keep` picks and orders the packets of the data phase
 * (indexes into: 3 client segments then the server's ACK of all 300 bytes, then the same again for 300 more).
 */
function conversation(port: number, keep: number[]): SynthPacket[] {
  const c = new TcpConversation(CLIENT, WEB, port, 80, { s: 1_700_000_000 + port, ns: 0 }, 100);
  c.handshake();
  const at = c.packets.length;
  c.send(true, 'a'.repeat(300));
  c.send(true, 'b'.repeat(300));
  const data = c.packets.splice(at);
  c.close();
  const tail = c.packets.splice(at);
  return [...c.packets, ...keep.map((i) => data[i]), ...tail];
}

function packets(): SynthPacket[] {
  return [
    // Every segment: nothing to report.
    ...conversation(40000, [0, 1, 2, 3, 4, 5, 6, 7]),
    // The second segment missing: the ACK of 301 covers it (frame 7); the next round is complete again.
    ...conversation(40001, [0, 2, 3, 4, 5, 6, 7]),
    // The second segment late (out of order) but seen before the ACK: no report.
    ...conversation(40002, [0, 2, 1, 3, 4, 5, 6, 7]),
    // A hole in each round: each ACK reports it once.
    ...conversation(40003, [0, 2, 3, 4, 6, 7]),
    // The server's ACKs only (and the close): every byte acknowledged is unseen.
    ...conversation(40004, [3, 7]),
  ];
}

const HANDSHAKE = ['c 0 0 S 0', 's 0 1 SA 0'];

/** Duplicate ACKs, keep-alives and their ACKs, and how they gate "ACKed unseen segment". */
function repeats(): SynthPacket[] {
  return [
    // The client's duplicate ACK (4) holds back the server's ACKs of unseen data (5, 6, 8): Wireshark reports
    // them only while the client's ACKs are not duplicates; a duplicate after that counts as the first again.
    ...tcpSegments(41000, 1_700_000_100, [
      ...HANDSHAKE,
      'c 1 1 A 0',
      'c 1 1 A 0',
      's 1 301 A 0',
      's 1 401 A 0',
      'c 1 1 A 0',
      's 1 501 A 0',
    ]),
    // A hole (101-200): the ACK of 301 is reported (13), its duplicate not; the client's data past another hole
    // lets the ACK of 601 be reported (18). The client's duplicate ACK (22) then holds back the last one (23).
    ...tcpSegments(41001, 1_700_000_200, [
      ...HANDSHAKE,
      'c 1 1 A 100',
      'c 201 1 A 100',
      's 1 301 A 0',
      's 1 301 A 0',
      'c 301 1 A 100',
      's 1 401 A 0',
      'c 501 1 A 100',
      's 1 601 A 0',
      's 1 601 A 0',
      'c 1 1 A 0',
      's 1 601 A 0',
      'c 601 1 A 0',
      's 1 700 A 0',
    ]),
    // A keep-alive without data (seq one before the next), its ACK (29), a window update, another keep-alive ACK
    // (31: the client's last segment is still the keep-alive), then ACKs of new data and their duplicates.
    ...tcpSegments(41002, 1_700_000_300, [
      ...HANDSHAKE,
      'c 1 1 A 100',
      's 1 101 A 0',
      'c 100 1 A 0',
      's 1 101 A 0',
      's 1 101 A 0 1000',
      's 1 101 A 0 1000',
      'c 101 1 A 10',
      's 1 111 A 0 1000',
      's 1 111 A 0 1000',
      's 1 111 A 0 1000',
      'c 111 1 A 10',
    ]),
  ];
}

describe('TCP ACKed unseen segment', () => {
  it('flags an ACK past the data seen without a gap, once per hole', async () => {
    const { session: s, list } = await synthCapture(packets());
    // Frames 15-27: the ACK of 301 (20) covers the missing second segment. 28-41: the late segment arrived
    // before the ACK: nothing. 42-53: a hole in each round, each reported once (47, 50). 54-61: only the server's
    // ACKs: the first (57) is reported, the next pure ACK (58) not, the FIN/ACK (60) again after the client's
    // FIN showed its data went on.
    expect(framesMatching(s, 'tcp.analysis.ack_lost_segment')).toEqual(['20', '47', '50', '57', '60']);
    expect(list.split('\n')[19]).toMatch(/\[TCP ACKed unseen segment\] 80 → 40001 \[ACK\] Seq=1 Ack=301 /);
    s.close();
  });
});

describe('TCP duplicate ACKs and keep-alive ACKs', () => {
  it('counts duplicates from the last change of the ACK number and names keep-alive ACKs', async () => {
    const { session: s, list } = await synthCapture(repeats());
    const lines = list.split('\n');
    expect(lines[3]).toMatch(/\[TCP Dup ACK 3#1\] 41000 → 80 \[ACK\] Seq=1 Ack=1 /);
    expect(framesMatching(s, 'tcp.analysis.ack_lost_segment')).toEqual(['13', '18']);
    expect(framesMatching(s, 'tcp.analysis.keep_alive_ack')).toEqual(['29', '31']);
    expect(framesMatching(s, 'tcp.analysis.duplicate_ack_num == 2')).toEqual(['21', '35']);
    expect(lines[21]).toMatch(/\[TCP Dup ACK 11#1\] 41001 → 80 \[ACK\] Seq=601 Ack=1 /);
    s.close();
  });
});

describe.skipIf(!hasTshark)('TCP ACKed unseen segment vs tshark', () => {
  it('flags the frames tshark flags', async () => {
    const { session: s, list, tshark } = await synthCapture([...packets(), ...repeats()]);
    expect(list).toBe(tshark());
    for (const f of [
      'tcp.analysis.ack_lost_segment',
      'tcp.analysis.flags',
      'tcp.analysis.lost_segment',
      'tcp.analysis.duplicate_ack_frame',
      'tcp.analysis.keep_alive_ack',
      'tcp.analysis.window_update',
      '_ws.expert.message == "Duplicate ACK (#2)"',
    ]) {
      const want = tshark('-Y', f, '-T', 'fields', '-e', 'frame.number').trim().split('\n').filter(Boolean);
      expect(framesMatching(s, f), f).toEqual(want);
    }
    s.close();
  });
});
