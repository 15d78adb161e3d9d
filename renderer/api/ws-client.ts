/** WirelensApi over the web host's WebSocket (JSON, Uint8Array tagged as base64: core/api/wire.ts). */
import type { ApiEvents, EventName, MethodName, Req, Res, WirelensApi } from '../../core/api/methods.js';
import {
  decodeWire,
  encodeWire,
  settleReply,
  type EngineMessage,
  type PendingCalls,
} from '../../core/api/wire.js';

/** Window event carrying a host-side error message (string) pushed outside any call. */
export const HOST_ERROR_EVENT = 'wirelens-host-error';

export interface WsClientOptions {
  /** Page location (default window.location); the token comes from its `?token=`. */
  location?: { protocol: string; host: string; search: string };
  WebSocketImpl?: typeof WebSocket;
  fetchImpl?: typeof fetch;
}

export function createWsClient(opts: WsClientOptions = {}): WirelensApi {
  const loc = opts.location ?? window.location;
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  const WS = opts.WebSocketImpl ?? WebSocket;
  const doFetch = opts.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const wsUrl = `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws?token=${encodeURIComponent(token)}`;
  const pending: PendingCalls = new Map();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let nextId = 1;
  let ready: Promise<WebSocket> | undefined;

  const connect = (): Promise<WebSocket> => {
    ready ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WS(wsUrl);
      ws.onopen = () => resolve(ws);
      ws.onmessage = (ev: MessageEvent) => {
        const msg = decodeWire(String(ev.data)) as EngineMessage;
        if (msg.event !== undefined) {
          // Host-side failures not tied to a call (e.g. its FILE argument cannot be opened).
          if (msg.event === 'error')
            window.dispatchEvent(new CustomEvent(HOST_ERROR_EVENT, { detail: msg.payload }));
          for (const fn of listeners.get(msg.event) ?? []) fn(msg.payload);
          return;
        }
        settleReply(pending, msg, 'request failed');
      };
      ws.onclose = () => {
        const err = new Error('connection to the Wirelens host closed');
        for (const p of pending.values()) p.reject(err);
        pending.clear();
        ready = undefined;
        window.dispatchEvent(
          new CustomEvent(HOST_ERROR_EVENT, { detail: 'connection to the Wirelens host closed' }),
        );
        reject(err);
      };
    });
    return ready;
  };
  // Connect at once so pushed events (a capture given on the host's command line) arrive early.
  void connect().catch(() => undefined);

  return {
    async call<M extends MethodName>(method: M, req: Req<M>): Promise<Res<M>> {
      const ws = await connect();
      const id = nextId++;
      return new Promise<Res<M>>((resolve, reject) => {
        pending.set(id, { resolve: (v) => resolve(v as Res<M>), reject });
        ws.send(encodeWire({ id, method, req }));
      });
    },
    on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const f = fn as (p: unknown) => void;
      set.add(f);
      return () => set.delete(f);
    },
    async dropFile(file: File): Promise<string> {
      const r = await doFetch(
        `/upload?name=${encodeURIComponent(file.name)}&token=${encodeURIComponent(token)}`,
        {
          method: 'POST',
          body: file,
          credentials: 'same-origin',
        },
      );
      if (!r.ok) throw new Error(`upload failed: ${r.status} ${(await r.text()).trim()}`);
      const { path } = (await r.json()) as { path: string };
      return path;
    },
  };
}
