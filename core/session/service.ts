/**
 * The service behind every transport: one implementation of the ApiMethods contract over a CaptureSession.
 * The Electron worker, the web host and tests all call it through `Service.call(method, req)`; transports
 * validate arguments with checkCall() first (core/api/methods.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiEvents, EventName, MethodName, Req, Res } from '../api/methods.js';
import { CaptureSession, SessionError } from './session.js';
import { CaptureError } from '../capture/index.js';
import type { CaptureInfo } from '../api/types.js';
import { forensicHandlers } from './forensic-handlers.js';
import { liveHandlers } from './live-handlers.js';
import { statsHandlers } from './stats-handlers.js';
import { findPacket } from './find.js';
import { checkTarget, choosePackets, exportChosenPackets } from './packet-export.js';

export interface Service {
  call<M extends MethodName>(m: M, req: Req<M>): Promise<Res<M>>;
  on<E extends EventName>(e: E, fn: (p: ApiEvents[E]) => void): () => void;
  dispose(): void;
}

export interface ServiceOptions {
  /** Where recent files and hash sets live (default $WIRELENS_DATA_DIR or ~/.local/share/wirelens). */
  dataDir?: string;
  /** The bundled sample capture (default assets/sample.pcapng next to the sources). */
  samplePath?: string;
}

export function defaultDataDir(): string {
  return process.env.WIRELENS_DATA_DIR ?? join(homedir(), '.local', 'share', 'wirelens');
}

export function defaultSamplePath(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets', 'sample.pcapng');
}

/** Bytes indexed before `open` answers, then per background step. */
const FIRST_INDEX_BYTES = 16 << 20;
const MORE_INDEX_BYTES = 64 << 20;

type Handlers = { [M in MethodName]: (req: Req<M>) => Res<M> | Promise<Res<M>> };

export type Emit = <E extends EventName>(e: E, p: ApiEvents[E]) => void;

export function createLocalService(opts: ServiceOptions = {}): Service {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const emit: Emit = (e, p) => {
    for (const fn of listeners.get(e) ?? []) fn(p);
  };
  const session = new CaptureSession({ onProgress: (p) => emit('progress', p) });
  const dataDir = opts.dataDir ?? defaultDataDir();
  const recentFile = join(dataDir, 'recent.json');
  let abort = new AbortController();
  let indexing = new AbortController();
  /** The background indexing of the open capture (settles when done or stopped). */
  let indexed: Promise<void> = Promise.resolve();
  /** A running packet export: only `cancel` stops it (not a filter or a search started meanwhile). */
  let exporting = new AbortController();

  const readRecent = (): string[] => {
    try {
      const v: unknown = JSON.parse(readFileSync(recentFile, 'utf8'));
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 10) : [];
    } catch {
      return [];
    }
  };
  const addRecent = (path: string): void => {
    try {
      mkdirSync(dataDir, { recursive: true });
      const list = [path, ...readRecent().filter((p) => p !== path)].slice(0, 10);
      writeFileSync(recentFile, JSON.stringify(list, null, 2));
    } catch {
      // Recent files are a convenience: a read-only home must not break opening a capture.
    }
  };

  const indexRest = async (signal: AbortSignal) => {
    const cap = session.capture;
    while (cap && session.capture === cap && !signal.aborted && !cap.isComplete()) {
      const before = session.total;
      const r = cap.indexMore(MORE_INDEX_BYTES);
      if (r.added) {
        session.grew(before); // a filter applied meanwhile covers the new packets too
        emit('grown', { packets: session.total });
      }
      if (r.done) {
        emit('opened', session.info()); // same openId: final counts and warnings, no reset
        return;
      }
      await new Promise((res) => setImmediate(res));
    }
  };

  const handlers: Handlers = {
    open: async ({ path }) => {
      abort.abort();
      abort = new AbortController();
      // Background indexing has its own controller: applying a filter must not stop it.
      indexing.abort();
      indexing = new AbortController();
      const signal = indexing.signal;
      // Index the first megabytes, answer at once, and index the rest in the background ("grown" events).
      let info: CaptureInfo;
      try {
        info = await session.open(path, abort.signal, FIRST_INDEX_BYTES);
      } catch (e) {
        // The UI (possibly a browser on the web host) must never learn a non-capture file's contents: the
        // reader's "(it starts with …)" hint is for the local CLI only.
        if (e instanceof CaptureError)
          throw new SessionError(e.message.replace(/ \(it starts with [^)]*\)/, ''));
        throw e;
      }
      addRecent(info.path);
      emit('opened', info);
      indexed = indexRest(signal);
      void session.fileSha256().then(() => {
        if (session.capture) emit('opened', session.info());
      });
      return info;
    },
    close: () => {
      indexing.abort();
      session.close();
      emit('closed', null);
      return null;
    },
    info: () => (session.capture ? session.info() : null),
    tlsKeyLog: async ({ name, text }) => {
      session.setKeyLog(text === '' ? undefined : name, text);
      // Decryption happens in the first pass: the open capture is read again with the key log.
      const path = session.capture?.path;
      return path === undefined ? null : handlers.open({ path });
    },
    rows: ({ start, count }) => session.rows(start, count),
    packet: ({ no }) => session.packet(no),
    applyFilter: ({ expr }) => {
      abort.abort();
      abort = new AbortController();
      return session.applyFilter(expr, abort.signal);
    },
    validateFilter: ({ expr }) => session.validate(expr),
    completeFilter: ({ prefix }) => session.complete(prefix),
    indexOf: ({ no }) => session.indexOf(no),
    find: (req) => {
      abort.abort();
      abort = new AbortController();
      return findPacket(session, req, abort.signal);
    },
    exportPackets: async ({ path, which, format, range }) => {
      exporting = new AbortController();
      const signal = exporting.signal;
      checkTarget(session, path);
      // The whole file first: a big capture may still be indexed in the background (a filter applied meanwhile
      // is extended as it goes). Cancelling stops that too, and what was read is exported.
      if (session.capture && !session.capture.isComplete()) await indexed.catch(() => undefined);
      if (signal.aborted) throw new SessionError('the export was cancelled; nothing was written');
      const choice = choosePackets(session, which, range);
      return exportChosenPackets(session, choice, path, {
        ...(format ? { format } : {}),
        signal,
        onProgress: (done, total) => emit('progress', { phase: 'export', done, total }),
      });
    },
    cancel: () => {
      abort.abort();
      exporting.abort();
      indexing.abort(); // like Wireshark's "stop loading": what is indexed stays open
      return null;
    },
    recent: () => readRecent(),
    samplePath: () => opts.samplePath ?? defaultSamplePath(),
    ...forensicHandlers(session, { dataDir, emit }),
    ...liveHandlers(session, { emit }),
    ...statsHandlers(session),
  };

  return {
    async call(m, req) {
      const h = handlers[m] as (r: typeof req) => Res<typeof m> | Promise<Res<typeof m>>;
      return await h(req);
    },
    on(e, fn) {
      let set = listeners.get(e);
      if (!set) listeners.set(e, (set = new Set()));
      const f = fn as (p: unknown) => void;
      set.add(f);
      return () => set.delete(f);
    },
    dispose() {
      abort.abort();
      exporting.abort();
      indexing.abort();
      session.close();
      listeners.clear();
    },
  };
}

export { SessionError };
