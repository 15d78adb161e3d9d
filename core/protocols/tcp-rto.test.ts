/**
 * Sequence analysis experts as tshark shows them: a retransmission (a Note, with the RTO since the oldest
 * segment still unACKed and that segment's frame), a window update (Chat).
 */
import { describe, expect, it } from 'vitest';
import { TcpConversation, type SynthPacket } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import { hasTshark, layerParts, synthCapture, detailsText } from '../testing/vs-tshark.js';

/** A request whose segment is sent again 200 ms later (no ACK came), then a window update from the server. */
function retransmitted(): SynthPacket[] {
  const c = new TcpConversation(CLIENT, WEB, 52000, 80, { s: 1_700_000_000, ns: 0 });
  c.handshake().send(true, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  const [syn, synAck, ack, data, dataAck] = c.packets;
  const later = (p: SynthPacket, ms: number): SynthPacket => {
    const ns = p.tsNsec + ms * 1e6;
    return { ...p, tsSec: p.tsSec + Math.floor(ns / 1e9), tsNsec: ns % 1e9 };
  };
  // The server's ACK again with another window (bytes 48–49 of the frame: the TCP window).
  const update = later(dataAck, 300);
  update.data = Uint8Array.from(update.data);
  update.data[48] = 0x7f;
  update.data[50] = update.data[51] = 0; // checksum not verified by either side
  return [syn, synAck, ack, data, later(data, 200), later(dataAck, 250), update];
}

describe('TCP sequence analysis experts', () => {
  it('gives a retransmission its RTO and the frame it counts from', async () => {
    const { session: s } = await synthCapture(retransmitted());
    const text = detailsText(s);
    s.close();
    expect(text).toContain('[Expert Info (Note/Sequence): This frame is a (suspected) retransmission]');
    expect(text).toContain('[The RTO for this segment was: 0.200000000 seconds]');
    expect(text).toContain('[RTO based on delta from frame: 4]');
    expect(text).toContain('[Expert Info (Chat/Sequence): TCP window update]');
  });

  it.skipIf(!hasTshark)('shows the same TCP lines as tshark -V', async () => {
    const { session: s, tshark } = await synthCapture(retransmitted());
    const tcp = (t: string) => layerParts(t, 'Transmission Control Protocol');
    const ours = tcp(detailsText(s));
    s.close();
    expect(ours).toEqual(tcp(tshark('-V')));
  });
});
