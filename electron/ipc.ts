/**
 * The IPC bridge in the main process: one `ipcMain.handle` channel per allow-listed method
 * (`wirelens:<method>`), each checking its sender and validating its argument with checkCall() before the
 * engine sees it; events go to the window on one channel. No generic forwarding.
 */
import {
  checkCall,
  EVENT_NAMES,
  METHOD_NAMES,
  type EventName,
  type MethodName,
} from '../core/api/methods.js';
import type { Service } from '../core/session/service.js';

export const CHANNEL_PREFIX = 'wirelens:';
export const EVENT_CHANNEL = 'wirelens:event';
export const EVENTS: readonly EventName[] = EVENT_NAMES;

export const channelFor = (m: MethodName): string => CHANNEL_PREFIX + m;

export interface IpcEventLike {
  senderFrame?: { url: string } | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export function registerIpc(
  ipcMain: IpcMainLike,
  service: Pick<Service, 'call'>,
  isTrustedSender: (url: string) => boolean,
): () => void {
  for (const m of METHOD_NAMES) {
    ipcMain.handle(channelFor(m), async (event, ...args) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedSender(url))
        throw new Error(`${m}: refused call from ${url.slice(0, 100) || 'unknown frame'}`);
      if (args.length !== 1) throw new Error(`${m}: expected exactly one argument object`);
      const bad = checkCall(m, args[0]);
      if (bad) throw new Error(bad);
      return service.call(m, args[0] as never);
    });
  }
  return () => {
    for (const m of METHOD_NAMES) ipcMain.removeHandler(channelFor(m));
  };
}

/** Pushes service events to the renderer as { event, payload } on EVENT_CHANNEL. */
export function forwardEvents(
  service: Pick<Service, 'on'>,
  send: (channel: string, msg: { event: EventName; payload: unknown }) => void,
): () => void {
  const offs = EVENTS.map((ev) => service.on(ev, (payload) => send(EVENT_CHANNEL, { event: ev, payload })));
  return () => offs.forEach((f) => f());
}
