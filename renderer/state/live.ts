/**
 * Live capture state (part of the app store): the interface list, the running capture, and the live
 * "HTTP requests" view. The packet list itself grows through the store's `grown` handling; this slice only
 * starts/stops the capture and polls `httpRequests` as packets arrive.
 */
import type { WirelensApi } from '../../core/api/methods.js';
import type { HttpRequestRow, LiveInterfaceInfo } from '../../core/api/types.js';

export interface LiveRun {
  iface: string;
  filter: string;
  /** Date.now() when the capture started. */
  startedAt: number;
}

export interface LiveResult {
  iface: string;
  packets: number;
  /** The capture file the service wrote (a temporary file). */
  path: string;
  savedAs?: string;
  /** Seconds the capture ran. */
  seconds: number;
}

export interface LiveState {
  interfaces: LiveInterfaceInfo[] | null;
  interfacesError: string | null;
  /** The running capture, or null. */
  live: LiveRun | null;
  liveBusy: 'starting' | 'stopping' | null;
  /** Why the capture could not start, stopped by itself, or could not be saved: shown whole. */
  liveError: string | null;
  /** The last capture that ended. */
  liveResult: LiveResult | null;
  /** HTTP requests seen in the current live capture, oldest first. */
  httpRows: HttpRequestRow[];
}

export interface LiveActions {
  loadInterfaces(): Promise<void>;
  startCapture(iface: string, filter?: string): Promise<boolean>;
  /** Stops the capture; with `saveAs`, the service copies the file there (never overwriting). */
  stopCapture(saveAs?: string): Promise<void>;
  /** Fetches HTTP requests seen since the last poll (also run on every `grown` while live). */
  pollHttp(): Promise<void>;
}

type Set = (partial: Partial<LiveState>) => void;
type Get = () => LiveState & { total: number; info: { path: string } | null };

const msg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Returns the initial live state, its actions, and the event hooks the store wires to the api. */
export function liveSlice(
  api: WirelensApi,
  set: Set,
  get: Get,
): {
  state: LiveState;
  actions: LiveActions;
  onGrown(packets: number): void;
  onStopped(p: { packets: number; error?: string }): void;
} {
  // HTTP polling: one call at a time; frames before `after` were scanned already.
  let after = 0;
  let seen = new Set<number>();
  let polling: Promise<void> | null = null;
  let again = false;
  let runSeq = 0;

  // Packets the service is known to have (from `grown`): the next poll starts there. The service may have
  // more by the time it answers, so frames can come twice: `seen` drops repeats.
  let known = 0;

  const pollOnce = async (seq: number) => {
    const upTo = Math.max(known, get().total);
    const rows = await api.call('httpRequests', { after });
    if (seq !== runSeq) return;
    after = Math.max(after, upTo);
    const fresh = rows.filter((r) => !seen.has(r.frame));
    if (fresh.length) {
      for (const r of fresh) seen.add(r.frame);
      set({ httpRows: [...get().httpRows, ...fresh] });
    }
  };

  const pollHttp = async (): Promise<void> => {
    if (polling) {
      again = true;
      return polling;
    }
    const seq = runSeq;
    polling = (async () => {
      try {
        do {
          again = false;
          await pollOnce(seq);
        } while (again && seq === runSeq);
      } catch {
        // The view is a convenience: a failed poll is retried on the next growth.
      } finally {
        polling = null;
      }
    })();
    return polling;
  };

  const stopped = (packets: number, error?: string) => {
    const run = get().live;
    if (!run) return;
    set({
      live: null,
      liveResult: {
        iface: run.iface,
        packets,
        path: get().liveResult?.path ?? '',
        seconds: (Date.now() - run.startedAt) / 1000,
      },
      ...(error ? { liveError: error } : {}),
    });
    void pollHttp();
  };

  return {
    state: {
      interfaces: null,
      interfacesError: null,
      live: null,
      liveBusy: null,
      liveError: null,
      liveResult: null,
      httpRows: [],
    },
    actions: {
      async loadInterfaces() {
        try {
          set({ interfaces: await api.call('interfaces', {}), interfacesError: null });
        } catch (e) {
          set({ interfaces: [], interfacesError: msg(e) });
        }
      },

      async startCapture(iface, filter) {
        if (get().live || get().liveBusy) return false;
        const f = (filter ?? '').trim();
        runSeq++;
        after = 0;
        known = 0;
        seen = new Set();
        set({ liveBusy: 'starting', liveError: null, liveResult: null, httpRows: [] });
        try {
          const info = await api.call('startCapture', { iface, ...(f ? { filter: f } : {}) });
          set({
            live: { iface, filter: f, startedAt: Date.now() },
            liveResult: { iface, packets: info.packets, path: info.path, seconds: 0 },
          });
          return true;
        } catch (e) {
          set({ liveError: msg(e) });
          // A capture started before this page was (re)loaded: adopt it, so that Stop and the indicator work.
          if (/already running/.test(msg(e))) {
            const path = get().info?.path ?? '';
            const running = /live-([^/\\]+)\.pcap$/.exec(path)?.[1] ?? iface;
            set({
              live: { iface: running, filter: '', startedAt: Date.now() },
              liveResult: { iface: running, packets: get().total, path, seconds: 0 },
            });
          }
          return false;
        } finally {
          set({ liveBusy: null });
        }
      },

      async stopCapture(saveAs) {
        const path = (saveAs ?? '').trim();
        set({ liveBusy: 'stopping', liveError: null });
        try {
          const r = await api.call('stopCapture', path ? { saveAs: path } : {});
          // `captureStopped` normally came first; make sure the run ends even if it did not.
          stopped(r.packets);
          const prev = get().liveResult;
          set({
            liveResult: {
              iface: prev?.iface ?? '',
              seconds: prev?.seconds ?? 0,
              packets: r.packets,
              path: r.path,
              ...(r.savedAs ? { savedAs: r.savedAs } : {}),
            },
          });
        } catch (e) {
          // The capture has stopped either way (the copy failed, e.g. the file exists): say why.
          stopped(get().total);
          set({ liveError: path ? `Could not save to ${path}: ${msg(e)}` : msg(e) });
        } finally {
          set({ liveBusy: null });
        }
      },

      pollHttp,
    },
    onGrown(packets) {
      known = Math.max(known, packets);
      if (get().live) void pollHttp();
    },
    onStopped(p) {
      stopped(p.packets, p.error);
    },
  };
}
