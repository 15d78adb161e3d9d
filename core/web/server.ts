/**
 * The web host: serves the built renderer (dist/renderer) and the service API over a WebSocket, on 127.0.0.1
 * only, guarded by a random token (page URL `?token=`, then an HttpOnly cookie; the WebSocket URL carries it
 * too) and by an Origin check. Each WebSocket connection gets its own Service (its own capture session);
 * every call is validated with checkCall() before it reaches the service. Dropped files are uploaded by POST
 * into a private temporary folder that is removed when the host closes.
 */
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { checkCall, EVENT_NAMES, type EventName, type MethodName } from '../api/methods.js';
import { decodeWire, encodeWire } from '../api/wire.js';
import type { Service } from '../session/service.js';

export interface WebHostOptions {
  /** TCP port (0 = any free port). */
  port?: number;
  /** A capture opened for every page that connects. */
  file?: string;
  /** Makes the Service for one connection (default: a worker-thread service). */
  createService?: () => Service | Promise<Service>;
  /** The built renderer (default dist/renderer in the repository). */
  rendererDir?: string;
  /** Largest accepted upload in bytes (default 4 GiB). */
  maxUpload?: number;
  /** Largest WebSocket message in bytes (default 512 MiB, for hashing dropped files). */
  maxMessage?: number;
  /** Most pages connected at once (each has its own engine worker; default 8). */
  maxConnections?: number;
}

export interface WebHost {
  url: string;
  origin: string;
  port: number;
  token: string;
  uploadDir: string;
  close(): Promise<void>;
}

export const EVENTS: readonly EventName[] = EVENT_NAMES;

/** Runs the engine worker from the bundled .js when present, else from sources through a tsx bootstrap. */
export function engineWorkerOptions(): { entry?: URL } {
  const js = new URL('../session/worker-entry.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return {};
  return { entry: new URL('./engine-worker.mjs', import.meta.url) };
}

export function defaultRendererDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'renderer');
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

const COOKIE = 'wirelens_token';

function sameToken(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

/** Turns a browser-supplied file name into a safe single path component. */
export function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f<>:"|?*]/g, '_').replace(/^\.+/, '');
  return (clean || 'upload').slice(0, 200);
}

export async function startWebHost(opts: WebHostOptions = {}): Promise<WebHost> {
  const token = randomBytes(24).toString('hex');
  const rendererDir = resolve(opts.rendererDir ?? defaultRendererDir());
  const maxUpload = opts.maxUpload ?? 4 * 1024 ** 3;
  const uploadDir = mkdtempSync(join(tmpdir(), 'wirelens-upload-'));
  let uploads = 0;
  const makeService =
    opts.createService ??
    (async () => {
      const { createWorkerService } = await import('../session/worker-service.js');
      return createWorkerService(engineWorkerOptions());
    });
  let origin = '';
  let port = 0;

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const originOk = (req: IncomingMessage, required: boolean): boolean => {
    const o = req.headers.origin;
    if (o === undefined) return !required;
    return o === origin;
  };
  const hostOk = (req: IncomingMessage): boolean => allowedHosts().includes(req.headers.host ?? '');
  const authorised = (req: IncomingMessage, url: URL): boolean =>
    sameToken(url.searchParams.get('token') ?? undefined, token) ||
    sameToken(cookieToken(req), token) ||
    sameToken(req.headers['x-wirelens-token'] as string | undefined, token);

  const deny = (res: ServerResponse, code: number, text: string) => {
    res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`${text}\n`);
  };
  const securityHeaders = (): Record<string, string> => ({
    'content-security-policy': contentSecurityPolicy(origin),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-store',
  });

  const serveStatic = (res: ServerResponse, pathname: string, setCookie: boolean) => {
    let rel = decodeURIComponent(pathname);
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = normalize(join(rendererDir, rel));
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return deny(res, 403, 'forbidden');
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (rel === '/index.html') {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders() });
        return res.end(`The renderer is not built (${rendererDir} is missing). Run: npm run build\n`);
      }
      return deny(res, 404, 'not found');
    }
    const headers: Record<string, string> = {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-length': String(statSync(file).size),
      ...securityHeaders(),
    };
    if (setCookie) headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  };

  const handleUpload = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxUpload) return deny(res, 413, 'file too large');
    const name = safeName(url.searchParams.get('name') ?? 'upload');
    const dir = join(uploadDir, String(++uploads));
    const dest = join(dir, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const out = createWriteStream(dest, { mode: 0o600 });
    let size = 0;
    let failed = false;
    const fail = (code: number, text: string) => {
      if (failed) return;
      failed = true;
      out.destroy();
      rmSync(dir, { recursive: true, force: true });
      deny(res, code, text);
      req.resume();
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxUpload) {
        req.unpipe(out);
        fail(413, 'file too large');
      }
    });
    req.on('error', () => fail(400, 'upload interrupted'));
    out.on('error', () => fail(500, 'cannot store the upload'));
    out.on('finish', () => {
      if (failed) return;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ path: dest, size }));
    });
    req.pipe(out);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostOk(req)) return deny(res, 421, 'wrong host');
    if (!originOk(req, false)) return deny(res, 403, 'foreign origin');
    if (!authorised(req, url)) return deny(res, 401, 'missing or wrong token');
    if (url.pathname === '/upload') {
      if (req.method !== 'POST') return deny(res, 405, 'POST only');
      if (!originOk(req, true)) return deny(res, 403, 'origin required');
      return handleUpload(req, res, url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'method not allowed');
    serveStatic(res, url.pathname, url.searchParams.has('token'));
  });

  // Loaded here, not with the module: every `wirelens` command would otherwise parse ws at its start.
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessage ?? 512 * 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (code: number, text: string) => {
      socket.write(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    if (!hostOk(req)) return refuse(421, 'Misdirected Request');
    if (!originOk(req, true)) return refuse(403, 'Forbidden');
    if (!authorised(req, url)) return refuse(401, 'Unauthorized');
    if (sockets.size >= (opts.maxConnections ?? 8)) return refuse(503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => void onConnection(ws));
  });

  const onConnection = async (ws: WebSocket) => {
    sockets.add(ws);
    const queue: string[] = [];
    let service: Service | undefined;
    let closed = false;
    const send = (msg: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeWire(msg));
    };
    const handle = (text: string) => {
      let msg: { id?: unknown; method?: unknown; req?: unknown };
      try {
        msg = decodeWire(text) as typeof msg;
      } catch {
        return send({ id: -1, ok: false, error: 'malformed message' });
      }
      const id = typeof msg.id === 'number' ? msg.id : -1;
      const bad = checkCall(msg.method, msg.req);
      if (bad || !service) return send({ id, ok: false, error: bad ?? 'engine not ready' });
      service.call(msg.method as MethodName, msg.req as never).then(
        (res) => send({ id, ok: true, res }),
        (e: unknown) => send({ id, ok: false, error: e instanceof Error ? e.message : String(e) }),
      );
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send({ id: -1, ok: false, error: 'binary frames are not accepted' });
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString();
      if (service) handle(text);
      else queue.push(text);
    });
    ws.on('close', () => {
      closed = true;
      sockets.delete(ws);
      service?.dispose();
    });
    try {
      service = await makeService();
    } catch (e) {
      send({ event: 'error', payload: e instanceof Error ? e.message : String(e) });
      ws.close(1011, 'engine failed to start');
      return;
    }
    if (closed) {
      service.dispose();
      return;
    }
    const s = service;
    for (const ev of EVENTS) s.on(ev, (payload) => send({ event: ev, payload }));
    if (opts.file) {
      s.call('open', { path: resolve(opts.file) }).catch((e: unknown) =>
        send({ event: 'error', payload: e instanceof Error ? e.message : String(e) }),
      );
    }
    for (const t of queue.splice(0)) handle(t);
  };

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  origin = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    uploadDir,
    close() {
      closing ??= new Promise<void>((done) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => {
          rmSync(uploadDir, { recursive: true, force: true });
          done();
        });
      });
      return closing;
    },
  };
}
