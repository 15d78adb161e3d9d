/**
 * The object the preload exposes as `window.wirelens`: a WirelensApi over allow-listed IPC channels. Pure
 * (takes ipcRenderer/webUtils as arguments) so it can be unit-tested without Electron.
 */
import {
  METHOD_NAMES,
  type ApiEvents,
  type EventName,
  type MethodName,
  type Req,
  type Res,
  type WirelensApi,
} from '../core/api/methods.js';
import { CHANNEL_PREFIX, EVENT_CHANNEL, EVENTS } from './ipc.js';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, fn: (e: unknown, msg: unknown) => void): unknown;
  removeListener(channel: string, fn: (e: unknown, msg: unknown) => void): unknown;
}
export interface WebUtilsLike {
  getPathForFile(file: File): string;
}

export function createBridge(ipc: IpcRendererLike, webUtils: WebUtilsLike): WirelensApi {
  const allowed = new Set<string>(METHOD_NAMES);
  const events = new Set<string>(EVENTS);
  return Object.freeze({
    call<M extends MethodName>(method: M, req: Req<M>): Promise<Res<M>> {
      if (typeof method !== 'string' || !allowed.has(method))
        return Promise.reject(new Error(`unknown method ${String(method)}`));
      return ipc.invoke(CHANNEL_PREFIX + method, req) as Promise<Res<M>>;
    },
    on<E extends EventName>(event: E, fn: (payload: ApiEvents[E]) => void): () => void {
      if (!events.has(event)) throw new Error(`unknown event ${String(event)}`);
      const listener = (_e: unknown, msg: unknown) => {
        const m = msg as { event?: string; payload?: unknown } | null;
        if (m && m.event === event) fn(m.payload as ApiEvents[E]);
      };
      ipc.on(EVENT_CHANNEL, listener);
      return () => void ipc.removeListener(EVENT_CHANNEL, listener);
    },
    async dropFile(file: File): Promise<string> {
      const path = webUtils.getPathForFile(file);
      if (!path) throw new Error('this file has no path on disk');
      return path;
    },
  });
}
