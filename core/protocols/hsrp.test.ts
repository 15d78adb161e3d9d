/**
 * HSRP version 0 messages this test writes (defaults and not, every state of a Hello, a Coup, a Resign)
 * against tshark: list and details. The corpus's 153 Hellos are covered by the column and frame.protocols tests.
 */
import { describe, expect, it } from 'vitest';
import { detailsText, hasTshark, layerParts, synthCapture } from '../testing/vs-tshark.js';
import { ethernet, ip4, ipv4, mac, udp, type SynthPacket } from '../testing/synth.js';

function hsrp(opcode: number, state: number, hello: number, hold: number, auth: string): SynthPacket {
  const a = ip4('172.28.154.124');
  const g = ip4('224.0.0.2');
  const body = Uint8Array.from([
    0,
    opcode,
    state,
    hello,
    hold,
    100,
    10,
    0,
    ...[...auth.padEnd(8, '\0')].map((c) => c.charCodeAt(0)),
    ...ip4('172.28.154.1'),
  ]);
  return {
    data: ethernet(
      mac('01:00:5e:00:00:02'),
      mac('00:00:0c:07:ac:0a'),
      0x800,
      ipv4(a, g, 17, udp(a, g, 1985, 1985, body)),
    ),
    tsSec: 1_700_000_000,
    tsNsec: 0,
  };
}

describe('HSRP', () => {
  it('shows Hello, Coup and Resign messages as Wireshark does', async () => {
    const packets = [
      ...[0, 1, 2, 4, 8, 16].map((st) => hsrp(0, st, 3, 10, 'cisco')),
      hsrp(1, 16, 1, 4, 'secret'),
      hsrp(2, 8, 3, 10, 'cisco'),
    ];
    const { session: s, list, tshark } = await synthCapture(packets);
    expect(list.split('\n')[6]).toMatch(/HSRP 62 Coup \(state Active\)$/);
    const tree = detailsText(s);
    expect(tree).toContain('    Authentication Data: Non-Default (secret)\n');
    expect(tree).toContain('    Hellotime: Non-Default (1)\n');
    if (hasTshark) {
      expect(list).toBe(tshark());
      const hsrpOn = (t: string) => layerParts(t, 'Cisco Hot Standby Router Protocol');
      expect(hsrpOn(tree)).toEqual(hsrpOn(tshark('-V')));
    }
    s.close();
  });
});
