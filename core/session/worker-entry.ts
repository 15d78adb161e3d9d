/**
 * Worker-thread side of createWorkerService(): hosts a local service so big captures never block the thread
 * that owns the window or the sockets. Messages: { id, method, req } in; { id, ok, res | error } and
 * { event, payload } out. Uint8Arrays travel by structured clone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkCall, EVENT_NAMES, type MethodName } from '../api/methods.js';
import { createLocalService, type ServiceOptions } from './service.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');

const service = createLocalService((workerData ?? {}) as ServiceOptions);
const events = EVENT_NAMES;
for (const e of events) service.on(e, (payload) => port.postMessage({ event: e, payload }));

port.on('message', (msg: { id: number; method: unknown; req: unknown }) => {
  const bad = checkCall(msg.method, msg.req);
  if (bad) {
    port.postMessage({ id: msg.id, ok: false, error: bad });
    return;
  }
  service.call(msg.method as MethodName, msg.req as never).then(
    (res) => port.postMessage({ id: msg.id, ok: true, res }),
    (e: unknown) =>
      port.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
