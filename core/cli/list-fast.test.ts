/**
 * The fast lane of `wirelens list` on the repository's own generated captures (no corpus needed): the rows equal
 * the engine's, those of the address pairs the lane vouches for come from it, and a pair with anything it does
 * not model (a chunked body, a PNG sent as image/gif, a retransmitted segment) is the engine's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writePcap } from '../capture/writer.js';
import {
  chatScenario,
  chunkedBody,
  chunkedDownloadScenario,
  httpGifScenario,
  smtpScenario,
} from '../testing/scenarios.js';
import { same } from '../testing/fastlane.js';
import { main } from './main.js';
import { listFast, type LaneListing } from './commands/list-fast.js';
import { OutBuffer } from './commands/list-rows.js';
import { compileFilter } from '../dfilter/index.js';
import { tlsExchange } from '../testing/tls-session.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import {
  dnsExchange,
  ethernet,
  httpGet,
  httpResponse,
  ip4,
  ipv4,
  mac,
  TcpConversation,
  tinyGif,
  udp,
  type Host,
} from '../testing/synth.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-fastlane-'));

/** A clean download of a GIF (4000 bytes, over several segments) from `server`'s port 80. */
function gifDownload(server: Host, port: number, start: number) {
  const c = new TcpConversation(CLIENT, server, port, 80, { s: start, ns: 0 });
  c.handshake();
  c.send(true, httpGet('images.example.com', '/img/logo.gif'));
  const big = new Uint8Array(4000);
  big.set(tinyGif(40, 30));
  c.send(false, httpResponse(big, 'image/gif'));
  c.close();
  return c.packets;
}

/** A UDP datagram over IPv4 between two addresses, at second `k` of the tests' clock. */
function datagram(k: number, from: string, to: string, sport: number, dport: number, payload: Uint8Array) {
  const src = ip4(from);
  const dst = ip4(to);
  const ip = ipv4(src, dst, 17, udp(src, dst, sport, dport, payload));
  return { data: ethernet(mac(WEB.mac), mac(CLIENT.mac), 0x0800, ip), tsSec: 1_700_000_000 + k, tsNsec: 0 };
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wirelens list: fast lane', () => {
  it('prints the engine rows, the lane computing those it vouches for', async () => {
    const file = join(dir, 'mix.pcap');
    const packets = [
      ...httpGifScenario(),
      ...chatScenario(),
      ...chunkedDownloadScenario(chunkedBody(20000)),
      ...smtpScenario(),
    ].sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
    writeFileSync(file, writePcap(packets, { linkType: 1 }));
    const [lane, engine] = await same(file, ['--format', 'tsv']);
    // With a second thread writing the rows and taking the frames other than TCP: the same rows, from the lane.
    expect(await same(file, ['--format', 'tsv'], 1, true)).toEqual([lane, engine]);
    await same(file, ['-t', 'ud']);
    await same(file, ['--format', 'tsv'], 2);
    await same(file, ['-t', 'ud'], 3);
    // The DNS lookups are the lane's; the web server's pair (a PNG sent as image/gif) and the others are the
    // engine's.
    expect(lane).toBeGreaterThan(0);
    expect(engine).toBeGreaterThan(0);
    expect(lane + engine).toBe(packets.length);
    // Without a filter, --count is the number of frames (nothing dissected).
    let out = '';
    expect(await main(['list', file, '--count'], { out: (t) => void (out += t), err: () => undefined })).toBe(
      0,
    );
    expect(out).toBe(`${packets.length}\n`);
    // A larger heap (bin/wirelens.mjs runs the command again) is asked for when the engine takes every frame,
    // not for the lane's pass and the few frames it leaves to the engine.
    const asked = async (lane: boolean) => {
      const before = process.env.WIRELENS_FASTLANE;
      process.env.WIRELENS_FASTLANE = lane ? '1' : '0';
      let n = 0;
      try {
        const io = { out: () => undefined, err: () => undefined };
        expect(await main(['list', file, '--format', 'tsv'], io, { biggerHeap: () => void n++ })).toBe(0);
      } finally {
        if (before === undefined) delete process.env.WIRELENS_FASTLANE;
        else process.env.WIRELENS_FASTLANE = before;
      }
      return n;
    };
    expect(await asked(true)).toBe(0);
    expect(await asked(false)).toBe(1);
    // A second thread started ahead (bin/wirelens.mjs): taken by a TSV list that runs one (the same rows), ended
    // by a command that does not.
    const early = async (args: string[]) => {
      const before = process.env.WIRELENS_ROW_THREAD;
      process.env.WIRELENS_ROW_THREAD = '1';
      const worker = new Worker(new URL('../../bin/lane-worker.mjs', import.meta.url), {
        resourceLimits: { maxYoungGenerationSizeMb: 192 },
      });
      worker.unref();
      const taken = vi.spyOn(worker, 'postMessage');
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      let text = '';
      try {
        const io = { out: (t: string) => void (text += t), err: () => undefined };
        expect(await main(['list', file, ...args], io, { rowWorker: worker })).toBe(0);
      } finally {
        if (before === undefined) delete process.env.WIRELENS_ROW_THREAD;
        else process.env.WIRELENS_ROW_THREAD = before;
      }
      await exited;
      return { text, taken: taken.mock.calls.length > 0 };
    };
    const tsv = await early(['--format', 'tsv']);
    expect(tsv.taken).toBe(true);
    let plain = '';
    await main(['list', file, '--format', 'tsv'], { out: (t) => void (plain += t), err: () => undefined });
    expect(tsv.text).toBe(plain);
    expect((await early(['--count'])).taken).toBe(false);
    expect((await early(['-Y', 'dns', '--format', 'tsv'])).taken).toBe(false);
  });

  it('shows window updates, and gives a duplicate ACK or a retransmission and its whole address pair to the engine', async () => {
    const conversation = () => gifDownload(WEB, 50432, 1_700_000_000);
    const clean = conversation();
    writeFileSync(join(dir, 'clean.pcap'), writePcap(clean, { linkType: 1 }));
    expect(await same(join(dir, 'clean.pcap'), ['--format', 'tsv'])).toEqual([clean.length, 0]);
    // A pure ACK sent again with another window: a window update (the lane's); with the same: a duplicate ACK.
    for (const [delta, lane] of [
      [1, true],
      [0, false],
    ] as const) {
      const acks = conversation();
      const ack = acks.findIndex((p, k) => k > 2 && p.data.length === 54 && p.data[34] !== 0);
      const again = { ...acks[ack], data: acks[ack].data.slice(), tsNsec: acks[ack].tsNsec + 1000 };
      again.data[49] += delta;
      acks.splice(ack + 1, 0, again);
      const name = join(dir, `ack${delta}.pcap`);
      writeFileSync(name, writePcap(acks, { linkType: 1 }));
      expect(await same(name, ['--format', 'tsv'])).toEqual(lane ? [acks.length, 0] : [0, acks.length]);
    }
    // The server's first data segment sent again a millisecond later.
    const packets = conversation();
    const at = packets.findIndex((p) => p.data.length > 100 && p.data[34] === 0 && p.data[35] === 80);
    packets.splice(at + 1, 0, { ...packets[at], tsNsec: packets[at].tsNsec + 1_000_000 });
    writeFileSync(join(dir, 'retrans.pcap'), writePcap(packets, { linkType: 1 }));
    expect(await same(join(dir, 'retrans.pcap'), ['--format', 'tsv'])).toEqual([0, packets.length]);
  });

  it('lists a real TLS 1.3 connection itself, a TLS 1.2 one through the engine', async () => {
    const respond = () =>
      new TextEncoder().encode('HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n' + 'x'.repeat(5000));
    const requests = [
      'GET / HTTP/1.1\r\nHost: wirelens.test\r\n\r\n',
      'GET /a HTTP/1.1\r\nHost: wirelens.test\r\n\r\n',
    ];
    for (const [version, ciphers, lane] of [
      ['TLSv1.3', 'TLS_AES_128_GCM_SHA256', true],
      ['TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256', false],
    ] as const) {
      const x = await tlsExchange({ version, ciphers }, requests, respond);
      const file = join(dir, `${version}.pcap`);
      writeFileSync(file, writePcap(x.packets, { linkType: 1 }));
      expect(await same(file, ['--format', 'tsv'])).toEqual(
        lane ? [x.packets.length, 0] : [0, x.packets.length],
      );
    }
  });

  it('leaves a GIF the engine finds malformed to the engine', async () => {
    // A global colour table of 768 bytes announced, 20 there: the engine's GIF walk runs past the end.
    const bad = new Uint8Array(40);
    bad.set(tinyGif(4, 4).subarray(0, 13));
    bad[10] = 0x87;
    for (const [body, lane] of [
      [tinyGif(4, 4), true],
      [bad, false],
    ] as const) {
      const c = new TcpConversation(CLIENT, WEB, 50440, 80, { s: 1_700_000_000, ns: 0 });
      c.handshake();
      c.send(true, httpGet('images.example.com', '/x.gif'));
      c.send(false, httpResponse(body, 'image/gif'));
      c.close();
      const file = join(dir, `gif-${lane}.pcap`);
      writeFileSync(file, writePcap(c.packets, { linkType: 1 }));
      expect(await same(file, ['--format', 'tsv'])).toEqual(
        lane ? [c.packets.length, 0] : [0, c.packets.length],
      );
    }
    // A GIF cut at every length, each in a body of its own over several segments and a conversation of its own:
    // the lane's walk ends where the engine's does (whole or malformed shows in the rows, which must be the
    // engine's, and a malformed one sends its conversation to the engine).
    const gif = new Uint8Array(3000);
    gif.set(tinyGif(60, 40));
    const whole = tinyGif(60, 40).length;
    const cutPackets = [];
    for (let n = 1; n <= whole + 2; n++) {
      const server = { mac: WEB.mac, ip: `10.77.${n >> 8}.${n & 255}` };
      const c = new TcpConversation(CLIENT, server, 50441, 80, { s: 1_700_000_000 + n, ns: 0 });
      c.handshake();
      c.send(true, httpGet('images.example.com', `/cut${n}.gif`));
      c.send(false, httpResponse(gif.subarray(0, n === whole + 2 ? gif.length : n), 'image/gif'));
      c.close();
      cutPackets.push(...c.packets);
    }
    const cuts = join(dir, 'gif-cuts.pcap');
    writeFileSync(cuts, writePcap(cutPackets, { linkType: 1 }));
    const [laneRows, engineRows] = await same(cuts, ['--format', 'tsv']);
    expect(laneRows).toBeGreaterThan(0);
    expect(engineRows).toBeGreaterThan(0);
  });

  it('reads DNS names as the engine does, and leaves the names it shows otherwise to the engine', async () => {
    // A query from its own host for each name (one address pair each): its question's name bytes.
    const label = (t: string) => [t.length, ...new TextEncoder().encode(t)];
    const names: [number[], boolean][] = [
      [[...label('www'), ...label('example'), ...label('com'), 0], true],
      [[...label('a.b'), ...label('x y'), 0], true], // dots and spaces inside labels: Latin-1 text as is
      [[0], false], // the root: "<Root>"
      [[...label('we<ird'), 0], false],
      [[0xc0, 12], false], // a pointer to itself: a loop
      [[0x41, 0x41, 0], false], // label type 0x40: malformed
      [[...label('cut')], false], // no end: runs past the message
      [[4, 0x63, 0x61, 0x66, 0xe9, 0], true], // Latin-1 "café": shown escaped, as the engine shows it
      [[3, 0x61, 0x01, 0x62, 0], true], // a control character
    ];
    const packets = names.map(([name], k) => {
      const q = Uint8Array.from([0x12, k, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...name, 0, 1, 0, 1]);
      return datagram(k, `10.9.${k}.1`, '10.9.255.53', 40000 + k, 53, q);
    });
    // A query and its response, whose answer names the question by a compression pointer.
    packets.push(
      ...dnsExchange(CLIENT, WEB, 'images.example.com', '93.184.216.34', 0x77, { s: 1_700_000_100, ns: 0 }),
    );
    const file = join(dir, 'dns-names.pcap');
    writeFileSync(file, writePcap(packets, { linkType: 1 }));
    const lane = names.filter(([, ok]) => ok).length + 2;
    expect(await same(file, ['--format', 'tsv'])).toEqual([lane, packets.length - lane]);
    await same(file, ['-Y', 'dns.qry.name contains "e"', '--format', 'tsv']);
  });

  it('lists a datagram no dissector takes as UDP itself, one a heuristic might take through the engine', async () => {
    const long = (version: number) => {
      const p = new Uint8Array(60);
      p.set([0xc0, version >>> 24, (version >>> 16) & 255, (version >>> 8) & 255, version & 255]);
      return p;
    };
    const payloads: [number, Uint8Array][] = [
      [3478, new Uint8Array(60).fill(0x41)], // a port Wireshark gives to STUN (not ours): Data
      [40000, new Uint8Array(60).fill(0x11)], // fixed bit clear, not DNS: Data
      [40000, new Uint8Array(60).fill(0x41)], // a short QUIC header, but no QUIC connection yet: Data
      // A well-formed DNS query on another port: the DNS heuristic takes it.
      [40000, Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 0, 0, 1, 0, 1])],
      [40000, new Uint8Array(10).fill(0x41)], // too short for QUIC: Data
      [40000, long(1)], // a long QUIC header of version 1: QUIC's heuristic takes it
      [40000, new Uint8Array(60).fill(0x41)], // a short header now that a connection may be known
      [40000, long(0x12345678)], // a long header of no version QUIC knows: Data
    ];
    const lane = [true, true, true, false, true, false, false, true];
    const packets = payloads.map(([port, payload], k) =>
      datagram(k, `10.8.${k}.1`, '10.8.255.2', 50000 + k, port, payload),
    );
    const file = join(dir, 'udp.pcap');
    writeFileSync(file, writePcap(packets, { linkType: 1 }));
    const n = lane.filter(Boolean).length;
    expect(await same(file, ['--format', 'tsv'])).toEqual([n, packets.length - n]);
    expect(await same(file, ['--format', 'tsv'], 1, true)).toEqual([n, packets.length - n]);
  });

  it('reads a classic pcap once, listing each packet as it is indexed, whatever the slices', async () => {
    const file = join(dir, 'slices.pcap');
    // A clean download (the lane's), the course's chat and an SMTP session (the engine's).
    const download = gifDownload({ mac: WEB.mac, ip: '93.184.216.35' }, 50460, 1_700_000_300);
    const packets = [...download, ...chatScenario(), ...smtpScenario()].sort(
      (a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec,
    );
    const bytes = writePcap(packets, { linkType: 1 });
    writeFileSync(file, bytes);
    const listed = async (f: string, listing: LaneListing, slice: number) => {
      let text = '';
      const out = new OutBuffer({ out: (t) => void (text += t), err: () => undefined });
      const r = await listFast(f, listing, out, slice);
      out.flush();
      return { text, ...r };
    };
    const Y = compileFilter('http.request.method == "GET" || tcp.port == 25');
    if (!Y.ok) throw new Error(Y.error.message);
    for (const listing of [
      { format: 'tsv', time: 'r' },
      { format: 'text', time: 'ud' },
      { format: 'tsv', time: 'r', filter: Y.filter },
    ] as LaneListing[]) {
      const whole = await listed(file, listing, 1 << 30);
      expect(whole.lane).toBeGreaterThan(0);
      for (const slice of [1, 700, 5000]) expect(await listed(file, listing, slice)).toEqual(whole);
    }
    // Cut short in the middle of a record: every complete one listed, and the warning.
    const cut = join(dir, 'slices-cut.pcap');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    const whole = await listed(cut, { format: 'tsv', time: 'r' }, 1 << 30);
    expect(whole.warnings.join()).toMatch(/cut short/);
    expect(whole.text.split('\n').length).toBe(packets.length); // (the last row ends the text)
    expect(await listed(cut, { format: 'tsv', time: 'r' }, 900)).toEqual(whole);
  });

  it('reads HTTP heads as the engine does, leaving any it may read otherwise to the engine', async () => {
    const heads: [string, boolean][] = [
      ['Content-Type: text/html\r\nContent-Length:   5  ', true],
      ['content-TYPE: text/html; charset=utf-8\r\nCONTENT-LENGTH: 5', true],
      ['Content-Type: text/html\r\nContent-Length: 0000000005', false], // ten digits
      ['Content-Type: text/html\r\nX-A: b\nc\r\nContent-Length: 5', false], // a lone LF
      ['Content-Type: text/html\r\nX-A: b\r\r\nContent-Length: 5', false], // a lone CR
      ['Content-Type: text/html\r\nBad Name: x\r\nContent-Length: 5', false],
      ['Content-Type: text/html\r\nContent-Length: 5\r\nContent-Length: 5', false],
      ['Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Length: 5', false],
      ['Content-Type: text/html\r\nUpgrade: websocket\r\nContent-Length: 5', false],
      ['Content-Type: text/html; boundary=x\r\nContent-Length: 5', false],
      ['Content-Type: text/html\r\nContent-Length: 5\r\n', false], // a CR LF more: the body is 7 bytes
    ];
    const packets = [];
    let lane = 0;
    for (const [k, [head, ok]] of heads.entries()) {
      const server = { mac: WEB.mac, ip: `10.78.0.${k + 1}` };
      const c = new TcpConversation(CLIENT, server, 50500 + k, 80, { s: 1_700_000_000 + k, ns: 0 });
      c.handshake();
      // (The first asks for a path of UTF-8 bytes: Info shows them as Latin-1 text, escaped.)
      c.send(true, httpGet('www.example.com', k === 0 ? '/café' : '/'));
      c.send(false, `HTTP/1.1 200 OK\r\n${head}\r\n\r\nhello`);
      c.close();
      packets.push(...c.packets);
      if (ok) lane += c.packets.length;
    }
    const file = join(dir, 'http-heads.pcap');
    writeFileSync(file, writePcap(packets, { linkType: 1 }));
    expect(await same(file, ['--format', 'tsv'])).toEqual([lane, packets.length - lane]);
  });
});
