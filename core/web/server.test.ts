import { mkdirSync, mkdtempSync, readFileSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEvents, EventName, MethodName, Req, Res } from '../api/methods.js';
import { decodeWire, encodeWire, fromBase64, toBase64 } from '../api/wire.js';
import type { Service } from '../session/service.js';
import { contentSecurityPolicy, safeName, startWebHost, type WebHost } from './server.js';

/** A fake Service that records calls and answers a few methods. */
function fakeService(log: { method: string; req: unknown }[]): Service {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  return {
    async call<M extends MethodName>(m: M, req: Req<M>): Promise<Res<M>> {
      log.push({ method: m, req });
      if (m === 'hashFile') {
        const r = req as Req<'hashFile'>;
        return { name: r.name, size: r.bytes.length } as unknown as Res<M>;
      }
      if (m === 'open') {
        const info = { path: (req as Req<'open'>).path, name: 'x', packets: 3 };
        for (const fn of listeners.get('opened') ?? []) fn(info);
        return info as unknown as Res<M>;
      }
      if (m === 'objectBytes') return new Uint8Array([0, 1, 2, 250, 255]) as Res<M>;
      return null as Res<M>;
    },
    on<E extends EventName>(e: E, fn: (p: ApiEvents[E]) => void) {
      let s = listeners.get(e);
      if (!s) listeners.set(e, (s = new Set()));
      s.add(fn as (p: unknown) => void);
      return () => s.delete(fn as (p: unknown) => void);
    },
    dispose() {},
  };
}

function httpGet(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    r.on('error', reject);
    r.end(body);
  });
}

function connect(url: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function rpc(ws: WebSocket, id: number, method: string, req: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData) => {
      const msg = decodeWire(data.toString()) as Record<string, unknown>;
      if (msg.id === id) {
        ws.off('message', onMsg);
        resolve(msg);
      }
    };
    ws.on('message', onMsg);
    ws.send(encodeWire({ id, method, req }));
  });
}

describe('wire codec', () => {
  it('round-trips bytes through base64 like Buffer does', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 255, 1000, 70_000]) {
      const b = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
      const enc = toBase64(b);
      expect(enc).toBe(Buffer.from(b).toString('base64'));
      expect(Array.from(fromBase64(enc))).toEqual(Array.from(b));
    }
  });
  it('tags Uint8Array inside messages', () => {
    const text = encodeWire({ id: 1, req: { name: 'a', bytes: new Uint8Array([1, 2, 3]) } });
    expect(text).toContain('"$b64":"AQID"');
    const back = decodeWire(text) as { req: { bytes: Uint8Array } };
    expect(back.req.bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.req.bytes)).toEqual([1, 2, 3]);
  });
});

describe('web host', () => {
  let host: WebHost;
  let rendererDir: string;
  const log: { method: string; req: unknown }[] = [];
  let capture: string;

  beforeAll(async () => {
    rendererDir = mkdtempSync(join(tmpdir(), 'wl-renderer-'));
    mkdirSync(join(rendererDir, 'assets'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Wirelens</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'wl-secret.txt'), 'secret');
    capture = join(rendererDir, 'cap.pcap');
    host = await startWebHost({
      port: 0,
      rendererDir,
      file: capture,
      maxUpload: 1000,
      createService: () => fakeService(log),
    });
  });
  afterAll(async () => {
    await host.close();
    rmSync(rendererDir, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 with a long random token in the URL', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it('refuses HTTP requests without the token', async () => {
    expect((await httpGet(`${host.origin}/`)).status).toBe(401);
    expect((await httpGet(`${host.origin}/?token=wrong`)).status).toBe(401);
    expect((await httpGet(`${host.origin}/assets/app.js`)).status).toBe(401);
  });

  it('serves the page with the token, sets a cookie and a strict CSP', async () => {
    const r = await httpGet(host.url);
    expect(r.status).toBe(200);
    expect(r.body).toContain('Wirelens');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toBe(contentSecurityPolicy(host.origin));
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toContain(`wirelens_token=${host.token}`);
    expect(cookie).toContain('HttpOnly');
    const asset = await httpGet(`${host.origin}/assets/app.js`, { cookie: `wirelens_token=${host.token}` });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
  });

  it('refuses foreign origins, foreign Host headers and path traversal', async () => {
    const foreign = await httpGet(host.url, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const rebinding = await httpGet(host.url, { host: 'evil.example' });
    expect(rebinding.status).toBe(421);
    const trav = await httpGet(`${host.origin}/..%2f..%2f..%2fwl-secret.txt?token=${host.token}`);
    expect([403, 404]).toContain(trav.status);
    expect(trav.body).not.toContain('secret');
  });

  it('refuses WebSocket upgrades without token or from a foreign origin', async () => {
    const ws = host.url.replace('http', 'ws').replace('/?', '/ws?');
    await expect(connect(ws.replace(/token=.*/, 'token=nope'), host.origin)).rejects.toThrow(/401/);
    await expect(connect(ws, 'http://evil.example')).rejects.toThrow(/403/);
    await expect(connect(ws, 'null')).rejects.toThrow(/403/);
  });

  it('runs calls over the WebSocket, validating each with checkCall', async () => {
    // The FILE argument is opened for every page that connects, and the event is pushed.
    const wsUrl = host.url.replace('http', 'ws').replace('/?', '/ws?');
    const ws = new WebSocket(wsUrl, { origin: host.origin });
    const opened = new Promise<Record<string, unknown>>((resolve) => {
      ws.on('message', (d: WebSocket.RawData) => {
        const m = decodeWire(d.toString()) as Record<string, unknown>;
        if (m.event === 'opened') resolve(m);
      });
    });
    const first = await opened;
    expect((first.payload as { path: string }).path).toBe(capture);
    const before = log.length;
    const bad = await rpc(ws, 1, 'rows', { start: -1, count: 5 });
    expect(bad).toMatchObject({ id: 1, ok: false, error: 'rows: invalid argument start' });
    const unknown = await rpc(ws, 2, 'eval', {});
    expect(unknown.ok).toBe(false);
    const extra = await rpc(ws, 3, 'close', { path: '/etc/passwd' });
    expect(extra.ok).toBe(false);
    expect(log.length).toBe(before); // nothing invalid reached the service
    const hashed = await rpc(ws, 4, 'hashFile', { name: 'a.bin', bytes: new Uint8Array([1, 2, 3, 4]) });
    expect(hashed).toMatchObject({ id: 4, ok: true, res: { name: 'a.bin', size: 4 } });
    expect(log.at(-1)?.req).toMatchObject({ name: 'a.bin' });
    expect((log.at(-1)?.req as { bytes: Uint8Array }).bytes).toBeInstanceOf(Uint8Array);
    const bytes = await rpc(ws, 5, 'objectBytes', { index: 0 });
    expect(Array.from(bytes.res as Uint8Array)).toEqual([0, 1, 2, 250, 255]);
    ws.close();
  }, 20_000);

  it('stores uploads in a private folder, caps their size and removes it on close', async () => {
    const noOrigin = await httpGet(
      `${host.origin}/upload?name=a.pcap&token=${host.token}`,
      {},
      'POST',
      Buffer.from('x'),
    );
    expect(noOrigin.status).toBe(403);
    const ok = await httpGet(
      `${host.origin}/upload?name=${encodeURIComponent('../../evil name.pcap')}&token=${host.token}`,
      { origin: host.origin },
      'POST',
      Buffer.from('hello'),
    );
    expect(ok.status).toBe(200);
    const { path, size } = JSON.parse(ok.body) as { path: string; size: number };
    expect(size).toBe(5);
    expect(path.startsWith(host.uploadDir)).toBe(true);
    expect(path.endsWith('evil name.pcap')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('hello');
    const big = await httpGet(
      `${host.origin}/upload?name=big&token=${host.token}`,
      { origin: host.origin },
      'POST',
      Buffer.alloc(5000),
    );
    expect(big.status).toBe(413);
    expect(safeName('..')).toBe('upload');
    expect(safeName('a/b\\c<d>.gif')).toBe('c_d_.gif');
  });

  it('refuses connections beyond the limit', async () => {
    const h = await startWebHost({ rendererDir, maxConnections: 1, createService: () => fakeService([]) });
    const wsUrl = h.url.replace('http', 'ws').replace('/?', '/ws?');
    const first = await connect(wsUrl, h.origin);
    await expect(connect(wsUrl, h.origin)).rejects.toThrow(/503/);
    first.close();
    await h.close();
  });

  it('removes the upload folder on close', async () => {
    const h = await startWebHost({ rendererDir, createService: () => fakeService([]) });
    expect(existsSync(h.uploadDir)).toBe(true);
    await h.close();
    expect(existsSync(h.uploadDir)).toBe(false);
  });
});
