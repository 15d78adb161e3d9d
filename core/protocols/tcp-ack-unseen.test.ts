/**
 * "[TCP ACKed unseen segment]" on generated conversations: an ACK that covers data the capture never showed. As
 * in Wireshark 4.0 the mark is the end of the data seen without a gap, not the highest sequence seen, and one
 * hole is reported once; a segment arriving late (its timestamp before the previous one's) is a retransmission,
 * not out-of-order. With tshark present, the flagged frames and the packet list are compared with it.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../dfilter/index.js';
import type { CaptureSession } from '../session/session.js';
import { hasTshark, synthCapture } from '../testing/vs-tshark.js';
import { TcpConversation, type SynthPacket } from '../testing/synth.js';
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

function selected(s: CaptureSession, f: string): string[] {
  const c = compileFilter(f);
  if (!c.ok) throw new Error(`${f}: ${c.error.message}`);
  return [...s.runFilter(c.filter)].map(String);
}

describe('TCP ACKed unseen segment', () => {
  it('flags an ACK past the data seen without a gap, once per hole', async () => {
    const { session: s, list } = await synthCapture(packets());
    // Frames 15-27: the ACK of 301 (20) covers the missing second segment. 28-41: the late segment arrived
    // before the ACK: nothing. 42-53: a hole in each round, each reported once (47, 50). 54-61: only the server's
    // ACKs: the first (57) is reported, the next pure ACK (58) not, the FIN/ACK (60) again after the client's
    // FIN showed its data went on.
    expect(selected(s, 'tcp.analysis.ack_lost_segment')).toEqual(['20', '47', '50', '57', '60']);
    expect(list.split('\n')[19]).toMatch(/\[TCP ACKed unseen segment\] 80 → 40001 \[ACK\] Seq=1 Ack=301 /);
    s.close();
  });
});

describe.skipIf(!hasTshark)('TCP ACKed unseen segment vs tshark', () => {
  it('flags the frames tshark flags', async () => {
    const { session: s, list, tshark } = await synthCapture(packets());
    expect(list).toBe(tshark());
    for (const f of ['tcp.analysis.ack_lost_segment', 'tcp.analysis.flags', 'tcp.analysis.lost_segment']) {
      const want = tshark('-Y', f, '-T', 'fields', '-e', 'frame.number').trim().split('\n').filter(Boolean);
      expect(selected(s, f), f).toEqual(want);
    }
    s.close();
  });
});
