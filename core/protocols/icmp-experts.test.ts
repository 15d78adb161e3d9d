/**
 * ICMP's and ICMPv6's warnings as tshark -2 shows them, on packets the test makes: a bad checksum ("Bad
 * checksum [should be 0x…]") and an echo request nobody answered ("[No response seen]"), which an investigator
 * filters on (`icmp.resp_not_found`, `_ws.expert.group == checksum`) — and the error messages' codes and second
 * words: a redirect's gateway (an ICMP redirect is how a host on the LAN diverts another's traffic), a parameter
 * problem's pointer, the next hop's MTU.
 */
import { describe, expect, it } from 'vitest';
import { ethernet, ip4, ipv4, mac, udp, type SynthPacket } from '../testing/synth.js';
import {
  detailsText,
  filtersVsTshark,
  hasTshark,
  layerSections,
  synthCapture,
} from '../testing/vs-tshark.js';

const ICMP = 'Internet Control Message Protocol';

/** An echo request (ICMP type 8 or ICMPv6 type 128) with identifier 0x1234, sequence 1 and `checksum`. */
const echo = (type: number, checksum: number) =>
  Uint8Array.from([type, 0, checksum >> 8, checksum & 255, 0x12, 0x34, 0, 1, ...Buffer.from('abcd')]);

function ipv6(payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(40);
  h[0] = 0x60;
  h[4] = payload.length >> 8;
  h[5] = payload.length & 255;
  h[6] = 58;
  h[7] = 64;
  h.set([0x20, 0x01, 0x0d, 0xb8], 8);
  h[23] = 1;
  h.set([0x20, 0x01, 0x0d, 0xb8], 24);
  h[39] = 2;
  return Uint8Array.from([...h, ...payload]);
}

function packets(): SynthPacket[] {
  const [a, b] = [mac('00:00:00:00:00:01'), mac('00:00:00:00:00:02')];
  const v4 = ethernet(b, a, 0x0800, ipv4(ip4('10.0.0.1'), ip4('10.0.0.2'), 1, echo(8, 0x1234)));
  // (0x4d48 is the right checksum of this ICMPv6 message: only the missing reply is wrong.)
  const v6 = ethernet(b, a, 0x86dd, ipv6(echo(128, 0x4d48)));
  const v6bad = ethernet(b, a, 0x86dd, ipv6(echo(128, 0)));
  return [v4, v6, v6bad].map((data, i) => ({ data, tsSec: 1_700_005_000 + i, tsNsec: 0 }));
}

describe('ICMP and ICMPv6 warnings', () => {
  it.skipIf(!hasTshark)('show a bad checksum and an unanswered request as tshark -2 does', async () => {
    const { session: s, tshark } = await synthCapture(packets());
    s.analyseTo(s.total);
    const ours = layerSections(detailsText(s), ICMP);
    expect(ours).toEqual(layerSections(tshark('-2', '-V'), ICMP));
    expect(ours[0]).toContain(
      '    Checksum: 0x1234 incorrect, should be 0x2104\n        [Expert Info (Warning/Checksum): Bad checksum [should be 0x2104]]\n',
    );
    expect(ours[1]).toContain(
      '    [No response seen]\n        [Expert Info (Warning/Sequence): No response seen to ICMPv6 request in frame 2]\n',
    );
    // The session is analysed: its filters see what a second pass knows, as tshark -2 -Y does.
    for (const r of filtersVsTshark(s, (...a) => tshark('-2', ...a), [
      '_ws.expert.group == checksum',
      'icmp.checksum.status == 0',
      'icmpv6.checksum.status == 0',
      '_ws.expert.severity == warning',
    ]))
      expect(r.ours, r.filter).toEqual(r.theirs);
    s.close();
  });
});

/** An ICMP error message of `type` and `code` with second word `word`, quoting a DNS query's headers. */
function icmpError(type: number, code: number, word: number[]): Uint8Array {
  const [host, dns] = [ip4('10.0.0.5'), ip4('8.8.8.8')];
  const quoted = ipv4(host, dns, 17, udp(host, dns, 5353, 53, new Uint8Array(0)));
  const m = Uint8Array.from([type, code, 0, 0, ...word, ...quoted]);
  let sum = 0;
  for (let i = 0; i < m.length; i += 2) sum += (m[i] << 8) | (m[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  m[2] = (~sum >> 8) & 255;
  m[3] = ~sum & 255;
  return m;
}

describe('ICMP error messages', () => {
  it.skipIf(!hasTshark)('show their codes and second words as tshark does', async () => {
    const cases: [number, number, number[]][] = [
      [5, 0, [10, 0, 0, 66]],
      [5, 1, [10, 0, 0, 66]],
      [5, 3, [10, 0, 0, 66]],
      [3, 4, [0, 0, 5, 0xdc]],
      [3, 99, [0, 0, 0, 0]],
      [12, 0, [20, 0, 0, 0]],
      [11, 1, [0, 0, 0, 0]],
      [4, 0, [0, 0, 0, 0]],
      ...Array.from({ length: 16 }, (_, c): [number, number, number[]] => [3, c, [0, 0, 0, 0]]),
    ];
    const [gw, host] = [ip4('10.0.0.1'), ip4('10.0.0.5')];
    const {
      session: s,
      list,
      tshark,
    } = await synthCapture(
      cases.map(([t, c, w], i) => ({
        data: ethernet(
          mac('00:00:00:00:00:02'),
          mac('00:00:00:00:00:01'),
          0x0800,
          ipv4(gw, host, 1, icmpError(t, c, w)),
        ),
        tsSec: 1_700_006_000 + i,
        tsNsec: 0,
      })),
    );
    expect(list).toBe(tshark());
    expect(list).toContain('Redirect             (Redirect for host)');
    const ours = layerSections(detailsText(s), ICMP);
    expect(ours).toEqual(layerSections(tshark('-V'), ICMP));
    expect(ours[1]).toContain('    Code: 1 (Redirect for host)\n    Checksum:');
    expect(ours[1]).toContain('    Gateway Address: 10.0.0.66\n');
    for (const r of filtersVsTshark(s, tshark, [
      'icmp.redir_gw == 10.0.0.66',
      'icmp.mtu == 1500',
      'icmp.pointer == 20',
    ]))
      expect(r.ours, r.filter).toEqual(r.theirs);
    s.close();
  });
});
