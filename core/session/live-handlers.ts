/** Service handlers for live capture: interfaces, start/stop, and the live HTTP requests view. */
import { copyFileSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MethodName, Req, Res } from '../api/methods.js';
import type { HttpRequestRow } from '../api/types.js';
import { LiveCapture, LiveCaptureError, listInterfaces } from '../capture/live.js';
import { first, selectionOf } from '../stats/fields.js';
import type { CaptureSession } from './session.js';
import type { Emit } from './service.js';
import { SessionError } from './session.js';

type LiveMethods = 'interfaces' | 'startCapture' | 'stopCapture' | 'httpRequests';
type Handler<M extends MethodName> = (req: Req<M>) => Res<M> | Promise<Res<M>>;

const POLL_MS = 250;

export function liveHandlers(
  session: CaptureSession,
  ctx: { emit: Emit },
): { [M in LiveMethods]: Handler<M> } {
  let live: LiveCapture | undefined;
  let timer: NodeJS.Timeout | undefined;
  let tmp: string | undefined;
  let path = '';

  const poll = () => {
    try {
      const before = session.total;
      const added = session.capture?.refresh() ?? 0;
      if (added) {
        session.grew(before); // the applied display filter covers new packets too
        ctx.emit('grown', { packets: session.total });
      }
      if (live && !live.running) finish();
    } catch (e) {
      finish(e instanceof Error ? e.message : String(e));
    }
  };
  const finish = (error?: string) => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (live && !live.running && !error && live.errorText && session.total === 0)
      error = live.errorText.trim();
    live = undefined;
    ctx.emit('captureStopped', { packets: session.total, ...(error ? { error } : {}) });
    // The file is complete now: its SHA-256 (chain of custody) is taken again and the capture info updated.
    const cap = session.capture;
    void session.rehash().then(() => {
      if (cap && session.capture === cap) ctx.emit('opened', session.info());
    });
  };

  return {
    interfaces: () => listInterfaces(),
    startCapture: async ({ iface, filter }) => {
      if (live) throw new SessionError('a live capture is already running; stop it first');
      tmp = mkdtempSync(join(tmpdir(), 'wirelens-live-'));
      path = join(tmp, `live-${iface.replace(/[^A-Za-z0-9_.-]/g, '_')}.pcap`);
      const lc = new LiveCapture({ iface, filter, output: path });
      try {
        await lc.start();
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw new SessionError(e instanceof LiveCaptureError ? e.message : String(e));
      }
      live = lc;
      const info = await session.open(path);
      ctx.emit('opened', info);
      timer = setInterval(poll, POLL_MS);
      return info;
    },
    stopCapture: async ({ saveAs }) => {
      if (live) await live.stop();
      poll();
      if (timer) finish();
      let savedAs: string | undefined;
      if (saveAs) {
        copyFileSync(path, saveAs, constants.COPYFILE_EXCL);
        savedAs = saveAs;
      }
      return { packets: session.total, path, ...(savedAs ? { savedAs } : {}) };
    },
    httpRequests: ({ after }) => {
      const cap = session.capture;
      if (!cap) throw new SessionError('no capture is open');
      const rows: HttpRequestRow[] = [];
      const sel = selectionOf([
        'http.request.method',
        'http.request.uri',
        'http.host',
        'http.request.full_uri',
      ]);
      session.scan(Math.min(after, session.total), session.total, sel, (_i, d) => {
        const method = first(d, 'http.request.method');
        if (typeof method !== 'string') return;
        const row = session.toRowColumns(d);
        rows.push({
          frame: d.frame.number,
          time: row.time,
          method,
          host: String(first(d, 'http.host') ?? ''),
          uri: String(first(d, 'http.request.uri') ?? ''),
          url: String(first(d, 'http.request.full_uri') ?? ''),
          source: row.source,
        });
      });
      return rows;
    },
  };
}
