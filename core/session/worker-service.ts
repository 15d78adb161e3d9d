/** A Service whose CaptureSession runs in a worker thread (the app's engine thread). */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ApiEvents, EventName, MethodName, Req, Res } from '../api/methods.js';
import type { Service, ServiceOptions } from './service.js';

export interface WorkerServiceOptions extends ServiceOptions {
  /** The worker script (a bundled .js in the packaged app); defaults to worker-entry beside this file. */
  entry?: URL;
}

function defaultEntry(): { url: URL; execArgv: string[] } {
  const js = new URL('./worker-entry.js', import.meta.url);
  if (existsSync(js)) return { url: js, execArgv: [] };
  // Running from TypeScript sources: load them through tsx in the worker too.
  return { url: new URL('./worker-entry.ts', import.meta.url), execArgv: ['--import', 'tsx'] };
}

export function createWorkerService(opts: WorkerServiceOptions = {}): Service {
  const { entry, ...serviceOpts } = opts;
  const e = entry ? { url: entry, execArgv: [] } : defaultEntry();
  // A large young generation (3 × 64 MB semi-spaces) keeps dissection's short-lived objects out of the old
  // generation: on a million-packet capture a filter pass otherwise spends most of its time in full collections.
  const worker = new Worker(e.url, {
    workerData: serviceOpts,
    execArgv: e.execArgv,
    resourceLimits: { maxYoungGenerationSizeMb: 192 },
  });
  worker.unref();
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();

  worker.on(
    'message',
    (msg: {
      id?: number;
      ok?: boolean;
      res?: unknown;
      error?: string;
      event?: EventName;
      payload?: unknown;
    }) => {
      if (msg.event) {
        for (const fn of listeners.get(msg.event) ?? []) fn(msg.payload);
        return;
      }
      const p = msg.id === undefined ? undefined : pending.get(msg.id);
      if (!p || msg.id === undefined) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.res);
      else p.reject(new Error(msg.error ?? 'engine error'));
    },
  );
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`engine worker exited (${code})`)));

  return {
    call<M extends MethodName>(method: M, req: Req<M>): Promise<Res<M>> {
      const id = nextId++;
      worker.ref();
      return new Promise<Res<M>>((resolve, reject) => {
        pending.set(id, {
          resolve: (v) => {
            if (pending.size === 0) worker.unref();
            resolve(v as Res<M>);
          },
          reject: (err) => {
            if (pending.size === 0) worker.unref();
            reject(err);
          },
        });
        worker.postMessage({ id, method, req });
      });
    },
    on<E extends EventName>(ev: E, fn: (p: ApiEvents[E]) => void): () => void {
      let set = listeners.get(ev);
      if (!set) listeners.set(ev, (set = new Set()));
      const f = fn as (p: unknown) => void;
      set.add(f);
      return () => set.delete(f);
    },
    dispose() {
      failAll(new Error('engine stopped'));
      void worker.terminate();
    },
  };
}
