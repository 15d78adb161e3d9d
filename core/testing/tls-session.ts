/**
 * TLS sessions for tests, made here: a real node:tls client and server talk HTTP/1.1 over an in-memory pipe
 * whose bytes become a TCP conversation in a capture, and the client's key log (NSS format) is kept. The
 * certificate and key below exist only for these tests (self-signed, CN=wirelens.test).
 */
import { Duplex } from 'node:stream';
import { connect as h2connect, createSecureServer } from 'node:http2';
import { TLSSocket, connect, createSecureContext } from 'node:tls';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { TcpConversation, type SynthPacket } from './synth.js';
import { CLIENT, WEB } from './scenarios.js';

/** The test server's RSA private key (PEM): what an investigator holding the server's key would give. */
export const SERVER_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCyWiI47qkTHg6B
DoKmYA+Mw9iItqMxF2zCzjEfVk92YrDsNmsyEXo00b0HCSlDOIW8L09EqTWYdRB8
XNCvY087IRVuPV4vmT8N3jyigi3krV292D4s/9UXbsJJIweX/pV8hDufdhKCgfPS
NU8oxkXHLkrylmNJWJYvmlejsJPMBjN+uVY6SoZeLQ6bHeQOQgLo4GlgDoAGBiRc
d1YN5Sts1vfRAvggAuFND8NF7/keyq7taFHkXBHdkZFGPhR7+teYnUr74qq8oinj
5qMA+6USrlv/x2NizkXut3r0C0WZaVR8NK2LGi2oShBwze6/YQ+UBAavsfSvfiWm
1sKbX/cTAgMBAAECggEAB29SdeUdDzr1h9O/BoiCnW+cmzZh3y4GzqghzBig/2Jl
1bL/DPtFiOYlZyGuoqq8iHfAajBTl6NpqIWF/Ym6R9C9P/c28e0Ff+J/zJZ4q0u+
2KcnEGEp1Ow9FSdsrZ1jRemNQrx9UQtxypWGU0DQr9jyLuKuCOS0fg+FD8HQp3SY
57OYVw3UDtpf7h0OPphDk6I5gOkKsrQGZedx7QNUgNRxcu710nKo4NsKlhKHjATT
BcNTDh/yuovSSIFp6JDr9BVS7Wt41Vsjt9tBF7lzUSxn3VN4ORWvS0kCR3bD/Ynb
nLTlQ+JH0O6gddelpSl9APGsoNoIoY30zT3vB3VbAQKBgQDZEzCHqSIA/V7xVzVN
ga4cdkNloXmBkLg/5KNG98fMinkU3Lj9NLeZrKlwuzfZqV0L8lolaVc3E9EatMVc
fr92Ry/xswH3nvRuWkPg84wVrVqf5+btnJciAzNJStA3WhOUNNcvYA7GFULXVI6P
HBMnpgr60E9m1gelJvx8EtczswKBgQDSVV+SuQ990WWnhuiN9gqDgW/uFgz43B+v
0BzKE7+GOZxEdw/QDttFzELEYcJ3TUm+eYYJ3JCU1qGmg6G47ZlpGFXT97FC99Md
FYnuYGgnU1yiEZE6gFIXdcujL7EslD7HiOkdZG8iTpUl82HnnuNBSG13lUvtF3Co
rhLY9NH/IQKBgQCOphCfJaMl2VrZ6AAsJcsAAyt5DurlHPAndJ1jlpKitGCrN/0M
z+bTQua6IR2rmKN/pUxeB2J73DbugNqtVNGG7XLxNzxUuA1Ss1il7AYjfJ7wNBnK
Dbw3arj6MgKwTS5Ol4bNKCetPe2FyZhBLSbdSD0w41E6d+3gNsV21366BwKBgQC/
XoXyjQYXR6nh3tFAOJggRmh8ivuKgV0jLYrEIWukyE3xzRJKDvpaaxpkaz3wJhXu
g8r8tf2mLhIt2p4OD8AA6u9MSJSzhaBDWhGBHZ4mCabCnpEwVQhb6AU7mGzvToJA
McVHxNWItU7mlKaDgwDpqOhQYToPocAS+S6Uz0sxgQKBgErxwpkE3IbBHhA0Vwa5
mE0tvREPBZxNSCcgFgDALbgqzvStot22meY7MQ3ZHJtI6lwsaZoctLMBZWYE37W2
uR+UUmTOrWDYY9HT48dzkynYNXflcKpB2avToslnLIW2YBv0EHHu8DYRKAOyoYQO
xS78UDeEkQ88AzuGa9bQKvH8
-----END PRIVATE KEY-----`;
export const CERT = `-----BEGIN CERTIFICATE-----
MIIDEzCCAfugAwIBAgIURz4CttKtIA2+PrsK59pMenKoseowDQYJKoZIhvcNAQEL
BQAwGDEWMBQGA1UEAwwNd2lyZWxlbnMudGVzdDAgFw0yNjEyMDMxMTE2NTlaGA8y
MTI2MTEwOTExMTY1OVowGDEWMBQGA1UEAwwNd2lyZWxlbnMudGVzdDCCASIwDQYJ
KoZIhvcNAQEBBQADggEPADCCAQoCggEBALJaIjjuqRMeDoEOgqZgD4zD2Ii2ozEX
bMLOMR9WT3ZisOw2azIRejTRvQcJKUM4hbwvT0SpNZh1EHxc0K9jTzshFW49Xi+Z
Pw3ePKKCLeStXb3YPiz/1RduwkkjB5f+lXyEO592EoKB89I1TyjGRccuSvKWY0lY
li+aV6Owk8wGM365VjpKhl4tDpsd5A5CAujgaWAOgAYGJFx3Vg3lK2zW99EC+CAC
4U0Pw0Xv+R7Kru1oUeRcEd2RkUY+FHv615idSvviqryiKePmowD7pRKuW//HY2LO
Re63evQLRZlpVHw0rYsaLahKEHDN7r9hD5QEBq+x9K9+JabWwptf9xMCAwEAAaNT
MFEwHQYDVR0OBBYEFA6Nz2etXY2CgaU7dPhx7AuUatErMB8GA1UdIwQYMBaAFA6N
z2etXY2CgaU7dPhx7AuUatErMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQEL
BQADggEBAKCFKdHg52BmxZ5NNuU9j2NL0kl9m5KF5SxsHC0Amrz0vGyvkzY/1W4k
ar9VjbgELR6x1hKQiLseb6w2c4bzNjRP/8ERDKTj+DMzFHjmcVmTiTajEAGXhDZi
g7PcG8qLsrE80CkDjkSs+kV6yf0jT+r28v550EJEff1oDI3s4V8zv2pxSxJ87phd
4x3kBQNGV9bpyB3jFTl7rO+pvp7R7kkIarSIyt8BJXU80MaDcxoxTnZSe35jx12v
dj9KJeQJAHQkMvTynbOJznmJ4vQx3yOTzJGRjRwK6u6svv+ofHkzRHFqDx19I+yi
hdhwDPCBU9Sh7CLc+DsRs5KUaYrc7dg=
-----END CERTIFICATE-----`;

/** A socket end of an in-memory pipe that records what it writes, in order with the other end's writes. */
class End extends Duplex {
  peer?: End;
  constructor(
    private readonly fromClient: boolean,
    private readonly log: { fromClient: boolean; bytes: Uint8Array }[],
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.log.push({ fromClient: this.fromClient, bytes: new Uint8Array(chunk) });
    this.peer?.push(chunk);
    done();
  }
  override _read(): void {}
  override _final(done: () => void): void {
    this.peer?.push(null);
    done();
  }
}

/** Both ends of an in-memory connection, and the log of what each wrote, in order. */
function pipe(): { a: End; b: End; log: { fromClient: boolean; bytes: Uint8Array }[] } {
  const log: { fromClient: boolean; bytes: Uint8Array }[] = [];
  const a = new End(true, log);
  const b = new End(false, log);
  a.peer = b;
  b.peer = a;
  return { a, b, log };
}

/** Resolves once `socket` has read `n` more bytes. */
function received(socket: TLSSocket, n: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let got = 0;
    const onData = (d: Buffer) => {
      got += d.length;
      if (got < n) return;
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
  });
}

/** What the ends wrote (in order, each marked with its side), as one TCP conversation (handshake, the writes, close), and the key log. */
export function exchange(
  log: readonly { fromClient: boolean; bytes: Uint8Array }[],
  keyLines: readonly string[],
  clientPort: number,
  serverPort: number,
  start: number,
): TlsExchange {
  const conv = new TcpConversation(CLIENT, WEB, clientPort, serverPort, { s: start, ns: 0 });
  conv.handshake();
  for (const w of log) conv.send(w.fromClient, w.bytes);
  conv.close();
  return { packets: conv.packets, keyLog: `${keyLines.join('\n')}\n` };
}

export interface TlsExchange {
  /** Ethernet frames of the whole conversation (handshake, TLS records, close). */
  packets: SynthPacket[];
  /** The client's key log lines. */
  keyLog: string;
}

/**
 * One TLS connection on port 443: the client sends each request (raw HTTP/1.1 text) and the server answers it
 * with `respond`'s bytes, one exchange after another. `version` and `ciphers` pin the protocol and suite.
 */
export async function tlsExchange(
  opts: {
    version: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
    ciphers: string;
    port?: number;
    /** OpenSSL options for both sides, e.g. SSL_OP_NO_ENCRYPT_THEN_MAC. */
    secureOptions?: number;
  },
  requests: readonly string[],
  respond: (request: string) => Uint8Array,
): Promise<TlsExchange> {
  const { a, b, log } = pipe();
  const keyLines: string[] = [];
  const tls13 = opts.version === 'TLSv1.3';
  const secure = {
    minVersion: opts.version,
    maxVersion: opts.version,
    ...(opts.secureOptions !== undefined ? { secureOptions: opts.secureOptions } : {}),
    ...(tls13 ? { ciphersuites: opts.ciphers } : { ciphers: opts.ciphers }),
  };
  const server = new TLSSocket(b, {
    isServer: true,
    secureContext: createSecureContext({ key: SERVER_KEY, cert: CERT, ...secure }),
  });
  const client = connect({ socket: a, rejectUnauthorized: false, servername: 'wirelens.test', ...secure });
  client.on('keylog', (line: Buffer) => keyLines.push(line.toString('latin1').trim()));
  await new Promise<void>((resolve, reject) => {
    client.once('secureConnect', () => resolve());
    client.once('error', reject);
    server.once('error', reject);
  });
  let pending = '';
  server.on('data', (d: Buffer) => {
    pending += d.toString('latin1');
    const end = pending.indexOf('\r\n\r\n');
    if (end < 0) return;
    const req = pending.slice(0, end + 4);
    pending = pending.slice(end + 4);
    server.write(respond(req));
  });
  for (const req of requests) {
    const answered = received(client, respond(req).length);
    client.write(req);
    await answered;
  }
  client.end();
  await new Promise<void>((resolve) => server.once('end', () => resolve()));
  server.end();
  await new Promise((r) => setImmediate(r));
  return exchange(log, keyLines, 51000, opts.port ?? 443, 1_700_000_500);
}

/** A resource an HTTP/2 test server serves: its content type, bytes, and the content coding it is sent with. */
export interface H2Resource {
  type: string;
  body: Uint8Array;
  encoding?: 'gzip' | 'deflate' | 'br';
}

function encodeBody(r: H2Resource): Uint8Array {
  if (r.encoding === 'gzip') return gzipSync(r.body);
  if (r.encoding === 'deflate') return deflateSync(r.body);
  if (r.encoding === 'br') return brotliCompressSync(r.body);
  return r.body;
}

/**
 * One TLS 1.3 connection on port 443 speaking HTTP/2 (ALPN "h2", node:http2 on both ends): the client asks for
 * every path of `resources` at once (their streams interleave) and then POSTs `upload` (if any, of
 * `uploadType`) to /upload; the server answers each GET with the resource, coded as it says, and the POST with
 * 204. Returns the frames and the client's key log.
 */
export async function h2Exchange(
  resources: Readonly<Record<string, H2Resource>>,
  upload?: Uint8Array,
  uploadType = 'application/octet-stream',
): Promise<TlsExchange> {
  const { a, b, log } = pipe();
  const keyLines: string[] = [];
  const server = createSecureServer({ key: SERVER_KEY, cert: CERT, minVersion: 'TLSv1.3' });
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    if (headers[':method'] === 'POST') {
      stream.resume();
      stream.on('end', () => stream.respond({ ':status': 204 }, { endStream: true }));
      return;
    }
    const r = resources[path];
    if (!r) {
      stream.respond({ ':status': 404 }, { endStream: true });
      return;
    }
    stream.respond({
      ':status': 200,
      'content-type': r.type,
      ...(r.encoding ? { 'content-encoding': r.encoding } : {}),
    });
    stream.end(encodeBody(r));
  });
  server.emit('connection', b);
  const clientTls = connect({
    socket: a,
    rejectUnauthorized: false,
    servername: 'wirelens.test',
    ALPNProtocols: ['h2'],
    minVersion: 'TLSv1.3',
  });
  clientTls.on('keylog', (line: Buffer) => keyLines.push(line.toString('latin1').trim()));
  const session = h2connect('https://wirelens.test', { createConnection: () => clientTls });
  const fetchOne = (path: string) =>
    new Promise<void>((resolve, reject) => {
      const req = session.request({ ':path': path });
      req.on('error', reject);
      req.resume();
      req.on('end', () => resolve());
    });
  await Promise.all(Object.keys(resources).map(fetchOne));
  if (upload) {
    await new Promise<void>((resolve, reject) => {
      const req = session.request({
        ':method': 'POST',
        ':path': '/upload',
        'content-type': uploadType,
      });
      req.on('error', reject);
      req.resume();
      req.on('end', () => resolve());
      req.end(upload);
    });
  }
  await new Promise<void>((resolve) => session.close(() => resolve()));
  clientTls.end();
  await new Promise((r) => setTimeout(r, 20));
  server.close();
  return exchange(log, keyLines, 51001, 443, 1_700_000_600);
}

/**
 * A text protocol (SMTP, IMAP, POP3, FTP) on `port` that turns into TLS 1.3: the lines of `plain` are sent in
 * the clear (the last ones being the client's STARTTLS and the server's yes), then a node:tls client and server
 * shake hands and send the lines of `secure`, each once the one before has arrived. With no `plain` lines the
 * connection is TLS from its start (IMAPS on 993, SMTPS on 465). Lines are given without their CRLF.
 */
export async function startTlsExchange(opts: {
  port: number;
  clientPort: number;
  plain: readonly (readonly [fromClient: boolean, line: string])[];
  secure: readonly (readonly [fromClient: boolean, line: string])[];
}): Promise<TlsExchange> {
  const { a, b, log } = pipe();
  // The clear part goes straight to the log: written through the pipe, the TLS ends would read it.
  for (const [fromClient, line] of opts.plain)
    log.push({ fromClient, bytes: Buffer.from(`${line}\r\n`, 'latin1') });
  const keyLines: string[] = [];
  const server = new TLSSocket(b, {
    isServer: true,
    secureContext: createSecureContext({ key: SERVER_KEY, cert: CERT, minVersion: 'TLSv1.3' }),
  });
  const client = connect({
    socket: a,
    rejectUnauthorized: false,
    servername: 'wirelens.test',
    minVersion: 'TLSv1.3',
  });
  client.on('keylog', (line: Buffer) => keyLines.push(line.toString('latin1').trim()));
  await new Promise<void>((resolve, reject) => {
    client.once('secureConnect', () => resolve());
    client.once('error', reject);
    server.once('error', reject);
  });
  for (const [fromClient, line] of opts.secure) {
    const [from, to] = fromClient ? [client, server] : [server, client];
    const bytes = Buffer.from(`${line}\r\n`, 'latin1');
    const arrived = received(to, bytes.length);
    from.write(bytes);
    await arrived;
  }
  client.end();
  await new Promise<void>((resolve) => server.once('end', () => resolve()));
  server.end();
  await new Promise((r) => setImmediate(r));
  return exchange(log, keyLines, opts.clientPort, opts.port, 1_700_000_700);
}
