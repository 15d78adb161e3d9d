/** A Service whose CaptureSession runs in a worker thread (the app's engine thread). */
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ApiEvents, EventName, MethodName, Req, Res } from '../api/methods.js';
import type { Service, ServiceOptions } from './service.js';
import { settleReply, type EngineMessage, type PendingCalls } from '../api/wire.js';

export interface WorkerServiceOptions extends ServiceOptions {
  /** The worker script (a bundled .js in the packaged app); defaults to worker-entry beside this file. */
  entry?: URL;
  /** The engine's old-generation heap limit in MiB (default: engineHeapMb()). */
  heapMb?: number;
}

/**
 * The engine's heap limit: three quarters of the machine's memory. What the first pass keeps grows with the
 * capture (~800 bytes a packet on the benchmark's mix: TCP records, reassembly, HTTP pairs), and V8's default
 * limit (~4 GB) would stop a capture of five million packets or so; the machine, not V8, should say how big a
 * capture can be.
 */
export function engineHeapMb(): number {
  return Math.max(1024, Math.floor((totalmem() * 0.75) / 2 ** 20));
}

function defaultEntry(): { url: URL; execArgv: string[] } {
  const js = new URL('./worker-entry.js', import.meta.url);
  if (existsSync(js)) return { url: js, execArgv: [] };
  // Running from TypeScript sources: load them through tsx in the worker too.
  return { url: new URL('./worker-entry.ts', import.meta.url), execArgv: ['--import', 'tsx'] };
}

/** What a user is told when the engine thread stopped. */
function stoppedError(err: Error & { code?: string }, heapMb: number): Error {
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY')
    return new Error(
      `the engine ran out of memory (its limit is ${heapMb} MiB, three quarters of this machine's memory): ` +
        'the capture is too big to analyse here; split it (editcap -c) and open the parts',
    );
  return new Error(`the engine stopped: ${err.message}`);
}

export function createWorkerService(opts: WorkerServiceOptions = {}): Service {
  const { entry, heapMb = engineHeapMb(), ...serviceOpts } = opts;
  const e = entry ? { url: entry, execArgv: [] } : defaultEntry();
  let nextId = 1;
  const pending: PendingCalls = new Map();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  let disposed = false;

  /**
   * Starts the engine thread. One that stops (out of memory, a crash) takes its open capture with it: the calls
   * waiting on it fail with the reason, and the next call starts a new engine (with no capture open).
   */
  const start = (): Worker => {
    // A large young generation (3 × 64 MB semi-spaces) keeps dissection's short-lived objects out of the old
    // generation: on a million-packet capture a filter pass otherwise spends most of its time in full collections.
    const w = new Worker(e.url, {
      workerData: serviceOpts,
      execArgv: e.execArgv,
      resourceLimits: { maxYoungGenerationSizeMb: 192, maxOldGenerationSizeMb: heapMb },
    });
    w.unref();
    w.on('message', (msg: EngineMessage) => {
      if (msg.event) {
        for (const fn of listeners.get(msg.event as EventName) ?? []) fn(msg.payload);
        return;
      }
      settleReply(pending, msg, 'engine error');
    });
    let failed: Error | undefined;
    w.on('error', (err) => {
      failed = stoppedError(err, heapMb);
      failAll(failed);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(failed ?? new Error(disposed ? 'engine stopped' : `the engine stopped (exit code ${code})`));
    });
    return w;
  };
  let worker: Worker | undefined = start();

  return {
    call<M extends MethodName>(method: M, req: Req<M>): Promise<Res<M>> {
      if (disposed) return Promise.reject(new Error('engine stopped'));
      const id = nextId++;
      const w = (worker ??= start());
      w.ref();
      return new Promise<Res<M>>((resolve, reject) => {
        pending.set(id, {
          resolve: (v) => {
            if (pending.size === 0) w.unref();
            resolve(v as Res<M>);
          },
          reject: (err) => {
            if (pending.size === 0) w.unref();
            reject(err);
          },
        });
        w.postMessage({ id, method, req });
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
      disposed = true;
      failAll(new Error('engine stopped'));
      void worker?.terminate();
    },
  };
}
