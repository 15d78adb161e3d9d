/**
 * The Info text of HTTP responses by content type (and transfer coding) against tshark itself, on a capture the
 * test writes: "(text/plain)" for text, "(application/x-foo)" for types Wireshark hands to its media dissector,
 * nothing for application/octet-stream (its Data dissector), chunked or not; pipelined messages in one segment.
 */
import { describe, expect, it } from 'vitest';
import { framesMatching, hasTshark, layerParts, synthCapture } from '../testing/vs-tshark.js';
import { treeText } from '../session/tree.js';
import { TcpConversation, httpGet, type SynthPacket } from '../testing/synth.js';
import { CLIENT, WEB, httpGifScenario } from '../testing/scenarios.js';

function responses(): SynthPacket[] {
  const enc = new TextEncoder();
  const out: SynthPacket[] = [];
  const cases: [string, boolean][] = [
    ['application/octet-stream', false],
    ['application/octet-stream', true],
    ['application/octet-stream; name=x.bin', true],
    ['application/x-foo', false],
    ['application/pdf', true],
    ['text/plain', true],
    ['text/html; charset=utf-8', false],
  ];
  cases.forEach(([ct, chunked], i) => {
    const c = new TcpConversation(CLIENT, WEB, 50600 + i, 80, { s: 1_700_000_000 + i, ns: 0 });
    c.handshake();
    c.send(true, httpGet('h.example', `/f${i}`));
    const body = 'x'.repeat(300);
    const coded = chunked ? `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
    const framing = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`;
    c.send(false, enc.encode(`HTTP/1.1 200 OK\r\nContent-Type: ${ct}\r\n${framing}\r\n\r\n${coded}`));
    c.close();
    out.push(...c.packets);
  });
  // Pipelining: several messages in one segment (tshark runs their Info texts together).
  const p = new TcpConversation(CLIENT, WEB, 50700, 80, { s: 1_700_000_100, ns: 0 });
  p.handshake();
  p.send(true, httpGet('h.example', '/a') + httpGet('h.example', '/b') + httpGet('h.example', '/c'));
  const r = (b: string, ct: string) =>
    `HTTP/1.1 200 OK\r\nContent-Type: ${ct}\r\nContent-Length: ${b.length}\r\n\r\n${b}`;
  p.send(
    false,
    enc.encode(r('hello', 'text/plain') + r('y', 'application/x-foo') + r('z', 'application/octet-stream')),
  );
  p.close();
  out.push(...p.packets);
  return out;
}

describe.skipIf(!hasTshark)('HTTP Info by content type, coding and pipelining vs tshark', () => {
  it('prints the same lines as tshark -n -r', async () => {
    const { session, list: ours, tshark } = await synthCapture(responses());
    session.close();
    expect(ours).toBe(tshark());
    expect(ours).toContain('HTTP/1.1 200 OK  (application/x-foo)');
    expect(ours).toContain('GET /a HTTP/1.1 GET /b HTTP/1.1 GET /c HTTP/1.1 ');
  });
});

describe('GIF details', () => {
  it('shows the screen, color map, extensions, images and trailer of the GIFs of the scenario', async () => {
    const { session: s, tshark } = await synthCapture(httpGifScenario());
    const gifs = framesMatching(s, 'image-gif');
    expect(gifs.length).toBeGreaterThan(0);
    const tree = gifs.map((n) => treeText(s.dissect(Number(n)))).join('\n');
    expect(tree).toMatch(/\n {4}Screen width: \d+\n {4}Screen height: \d+\n {4}Global settings: /);
    expect(tree).toContain('\n    Image\n        Image left position: 0\n');
    expect(tree).toContain('\n    Trailer (End of the GIF stream)');
    expect(framesMatching(s, 'image-gif.screen.width >= 1')).toEqual(gifs);
    if (hasTshark) {
      const gifOn = (t: string) => layerParts(t, 'Compuserve GIF');
      expect(gifOn(tree)).toEqual(gifOn(tshark('-2', '-V', '-Y', 'image-gif')));
    }
    s.close();
  });

  it('notes a PNG served as image/gif and shows its chunks, as Wireshark does', async () => {
    const { session: s, tshark } = await synthCapture(httpGifScenario());
    const [png] = framesMatching(s, 'png');
    const tree = treeText(s.dissect(Number(png)));
    expect(tree).toContain(
      '    [Expert Info (Note/Malformed): HTTP body subdissector failed, trying heuristic subdissector]\n',
    );
    expect(tree).toContain(
      'Portable Network Graphics\n    PNG Signature: 89504e470d0a1a0a\n    Image Header (IHDR)\n',
    );
    expect(tree).toContain('        Colour Type: ');
    if (hasTshark) {
      const one = tshark('-2', '-V', '-Y', `frame.number == ${png}`);
      expect(layerParts(tree, 'Hypertext Transfer Protocol')).toEqual(
        layerParts(one, 'Hypertext Transfer Protocol'),
      );
    }
    s.close();
  });
});
