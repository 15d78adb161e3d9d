/**
 * Ready-made synthetic captures (packet lists) used by tests and by the bundled sample capture:
 * an investigator-style session with DNS, an HTTP page, GIF downloads (one of them a PNG in disguise), a 404 and
 * a TCP chat.
 */
import {
  TcpConversation,
  dnsExchange,
  httpGet,
  httpResponse,
  tinyGif,
  tinyPng,
  type Host,
  type SynthPacket,
} from './synth.js';
import { concatBytes } from '../bytes/byteview.js';

export const CLIENT: Host = { mac: '00:1b:21:3a:4f:10', ip: '192.168.1.23' };
export const ROUTER: Host = { mac: '00:1b:54:47:49:44', ip: '192.168.1.1' };
export const WEB: Host = { mac: '00:1b:54:47:49:44', ip: '93.184.216.34' };

function byTime(a: SynthPacket, b: SynthPacket): number {
  return a.tsSec - b.tsSec || a.tsNsec - b.tsNsec;
}

/** DNS lookup, then one keep-alive HTTP connection downloading a page and three images, then a 404. */
export function httpGifScenario(start = 1_700_000_000): SynthPacket[] {
  const packets: SynthPacket[] = [
    ...dnsExchange(CLIENT, ROUTER, 'images.example.com', WEB.ip, 0x1a2b, { s: start, ns: 0 }),
  ];
  const c = new TcpConversation(CLIENT, WEB, 50432, 80, { s: start, ns: 10_000_000 });
  c.handshake();
  const html = '<html><body><img src="/img/logo.gif"><img src="/img/dot.gif?x=1"></body></html>\n';
  c.send(true, httpGet('images.example.com', '/index.html'));
  c.send(false, httpResponse(new TextEncoder().encode(html), 'text/html'));
  c.send(true, httpGet('images.example.com', '/img/logo.gif'));
  const big = new Uint8Array(4000);
  big.set(tinyGif(40, 30));
  c.send(false, httpResponse(big.subarray(0, 4000), 'image/gif'));
  c.send(true, httpGet('images.example.com', '/img/dot.gif?x=1'));
  c.send(false, httpResponse(tinyGif(), 'image/gif'));
  c.send(true, httpGet('images.example.com', '/img/fake.gif'));
  c.send(false, httpResponse(tinyPng(), 'image/gif'));
  c.send(true, httpGet('images.example.com', '/missing.gif'));
  c.send(false, httpResponse(new TextEncoder().encode('<h1>Not Found</h1>\n'), 'text/html', '404 Not Found'));
  c.close();
  packets.push(...c.packets);
  return packets.sort(byTime);
}

/** The course's socket chat: "Good morning!! :)" / "Got that thanks!" over several turns on loopback-like hosts. */
export function chatScenario(start = 1_700_000_100): SynthPacket[] {
  const a: Host = { mac: '00:00:00:00:00:00', ip: '127.0.0.1' };
  const c = new TcpConversation(a, a, 41000, 9999, { s: start, ns: 0 });
  c.handshake();
  c.send(true, 'Good morning!! :)');
  c.send(false, 'Got that thanks!');
  c.send(true, 'How are you today?');
  c.send(false, 'Fine, and you?');
  c.send(true, 'Bye!');
  c.close();
  return c.packets;
}

/** A WebSocket chat: HTTP upgrade, then a masked text frame from the client and an unmasked reply. */
export function websocketScenario(start = 1_700_000_200): SynthPacket[] {
  const server: Host = { mac: '00:1b:54:47:49:44', ip: '10.0.0.80' };
  const c = new TcpConversation(CLIENT, server, 51000, 8080, { s: start, ns: 0 });
  c.handshake();
  c.send(
    true,
    'GET /chat HTTP/1.1\r\nHost: 10.0.0.80:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  c.send(
    false,
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
  );
  const text = new TextEncoder().encode('Good morning!! :)');
  const key = [0x37, 0xfa, 0x21, 0x3d];
  c.send(true, Uint8Array.from([0x81, 0x80 | text.length, ...key, ...text.map((b, i) => b ^ key[i & 3])]));
  const reply = new TextEncoder().encode('Got that thanks!');
  c.send(false, Uint8Array.from([0x81, reply.length, ...reply]));
  c.close();
  return c.packets;
}

/**
 * The body of chunkedDownloadScenario(): `size` deterministic pseudo-random bytes (xorshift32), so a
 * reassembly or de-chunking mistake shows as a different object.
 */
export function chunkedBody(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

/**
 * One HTTP download whose response has `Transfer-Encoding: chunked` (chunks of `chunk` bytes, the last one
 * shorter) in MSS-sized segments: the case where HTTP asks TCP for one more segment until the last chunk.
 */
export function chunkedDownloadScenario(
  body: Uint8Array,
  chunk = 4096,
  start = 1_700_000_300,
): SynthPacket[] {
  const c = new TcpConversation(CLIENT, WEB, 50500, 80, { s: start, ns: 0 });
  c.handshake();
  c.send(true, httpGet('files.example.com', '/big.bin'));
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [
    enc.encode(
      'HTTP/1.1 200 OK\r\nServer: wirelens-synth\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n',
    ),
  ];
  for (let o = 0; o < body.length; o += chunk) {
    const part = body.subarray(o, Math.min(body.length, o + chunk));
    parts.push(enc.encode(`${part.length.toString(16)}\r\n`), part, enc.encode('\r\n'));
  }
  parts.push(enc.encode('0\r\n\r\n'));
  c.send(false, concatBytes(...parts));
  c.close();
  return c.packets;
}

/**
 * An SMTP session as mail clients send it: a greeting, EHLO typed one character per segment, a multi-line reply,
 * AUTH LOGIN, pipelined commands, a message in one segment and one split from its final ".", folded headers.
 */
export function smtpScenario(start = 1_700_000_400): SynthPacket[] {
  const c = new TcpConversation(CLIENT, WEB, 40000, 25, { s: start, ns: 0 });
  c.handshake();
  c.send(false, '220 mail.example.test ESMTP ready\r\n');
  for (const ch of 'EHLO client.test\r\n') c.send(true, ch);
  c.send(
    false,
    '250-mail.example.test greets you\r\n250-SIZE 1000000\r\n250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n',
  );
  c.send(true, 'AUTH LOGIN\r\n');
  c.send(false, '334 VXNlcm5hbWU6\r\n');
  c.send(true, 'YWxpY2U=\r\n');
  c.send(false, '334 UGFzc3dvcmQ6\r\n');
  c.send(true, 'czNjcjN0\r\n');
  c.send(false, '235 2.7.0 Authentication successful\r\n');
  c.send(true, 'MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n');
  c.send(false, '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n');
  c.send(
    true,
    'From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: plans\r\n folded\r\n\r\nsee attached\r\n',
  );
  c.send(true, 'second part of the body\r\n.\r\n');
  c.send(false, '250 2.0.0 Ok: queued as 12345\r\n');
  c.send(true, 'DATA\r\n');
  c.send(false, '354 go on\r\n');
  c.send(true, 'Subject: two\r\nTo: carol@example.test\r\n\r\nbody\r\n');
  c.send(true, '.\r\n');
  c.send(false, '250 queued\r\n');
  c.send(true, 'quit\r\n');
  c.send(false, '221-bye\r\n221 closing\r\n');
  c.close();
  return c.packets;
}
