/**
 * The app state (zustand): capture, view (rows cache), selection, filter, panels, theme, time format. Created once per page
 * around the chosen WirelensApi; components read it through useApp() (renderer/state/context.ts).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WirelensApi } from '../../core/api/methods.js';
import type {
  CaptureInfo,
  Completion,
  PacketDetail,
  PacketRow,
  Progress,
  TreeNode,
  Validation,
} from '../../core/api/types.js';
import { compareRowTimes, isTimeFormat, type TimeFormat } from '../../core/api/time-format.js';
import { deepestAt, expandKey, findNode } from './tree.js';
import { liveSlice, type LiveActions, type LiveState } from './live.js';

export const PAGE = 200;
export type PanelName =
  'objects' | 'hashing' | 'signatures' | 'credentials' | 'follow' | 'capture' | 'statistics';
export type Theme = 'light' | 'dark';
export type SortKey = 'no' | 'time' | 'source' | 'destination' | 'protocol' | 'length' | 'info';
/** Sorting is done here on the whole view, so only for views up to this many packets. */
export const SORT_LIMIT = 100_000;

export interface AppState extends LiveState {
  api: WirelensApi;
  info: CaptureInfo | null;
  opening: string | null;
  error: string | null;
  /** Packets in the current view, and in the capture. */
  displayed: number;
  total: number;
  /** Bumped whenever the view (filter, capture) changes: row pages from older views are dropped. */
  view: number;
  /** Bumped when a row page arrives. */
  rowsTick: number;
  pages: Map<number, PacketRow[]>;
  selectedPos: number;
  selectedNo: number | null;
  detail: PacketDetail | null;
  selectedNode: number | null;
  expanded: Set<string>;
  sourceTab: number;
  /** Time from selecting a packet to its detail arriving (ms), for the status bar. */
  selectMs: number | null;
  filterText: string;
  appliedFilter: string;
  validation: Validation | null;
  filterError: string | null;
  filterMs: number | null;
  history: string[];
  progress: Progress | null;
  recent: string[];
  sample: string | null;
  panel: PanelName | null;
  /** A stream the Follow panel should show when it opens (from Statistics › Conversations). */
  followTarget: { proto: 'tcp' | 'udp'; stream: number } | null;
  theme: Theme;
  /** The Time column's format (View › Time Display Format; tshark -t codes), kept across sessions. */
  timeFormat: TimeFormat;
  goToOpen: boolean;
  /** File › Export Specified Packets dialog shown. */
  exportOpen: boolean;
  sort: { key: SortKey; dir: 1 | -1 } | null;
  /** The whole view in sorted order while a sort is active. */
  sorted: PacketRow[] | null;
}

export interface AppActions extends LiveActions {
  init(): () => void;
  open(path: string): Promise<void>;
  openFile(file: File): Promise<void>;
  /** Edit › Preferences › TLS: decrypt with this key log file (the capture is read again); null forgets it. */
  loadKeyLog(file: File | null): Promise<void>;
  close(): Promise<void>;
  row(pos: number): PacketRow | undefined;
  ensureRows(start: number, count: number): void;
  select(pos: number): Promise<void>;
  selectNode(id: number | null): void;
  selectByte(src: number, offset: number): void;
  toggle(id: number, open?: boolean): void;
  /**
   * Wireshark's Expand Subtrees / Collapse Subtrees (the item `id` and everything under it) and, with null,
   * Expand All / Collapse All.
   */
  expandTree(id: number | null, open: boolean): void;
  setSourceTab(i: number): void;
  setFilterText(text: string): void;
  validate(text: string): Promise<void>;
  applyFilter(text?: string): Promise<void>;
  complete(prefix: string): Promise<Completion[]>;
  cancel(): Promise<void>;
  goTo(no: number): Promise<boolean>;
  setPanel(p: PanelName | null): void;
  /** Opens the Follow panel on a TCP/UDP stream. */
  followStream(proto: 'tcp' | 'udp', stream: number): void;
  setTheme(t: Theme): void;
  setTimeFormat(f: TimeFormat): void;
  setGoToOpen(v: boolean): void;
  setExportOpen(v: boolean): void;
  setError(e: string | null): void;
  sortBy(key: SortKey): Promise<void>;
  /** Position of packet `no` in the list as shown (sorted or not), or -1. */
  positionOf(no: number): Promise<number>;
}

export type AppStore = StoreApi<AppState & AppActions>;

const HISTORY_KEY = 'wirelens.filterHistory';
const THEME_KEY = 'wirelens.theme';
const TIME_FORMAT_KEY = 'wirelens.timeFormat';

function loadHistory(): string[] {
  try {
    const v: unknown = JSON.parse(globalThis.localStorage?.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 30) : [];
  } catch {
    return [];
  }
}

function initialTheme(): Theme {
  const saved = globalThis.localStorage?.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function initialTimeFormat(): TimeFormat {
  try {
    const saved = globalThis.localStorage?.getItem(TIME_FORMAT_KEY);
    return isTimeFormat(saved) ? saved : 'r';
  } catch {
    return 'r';
  }
}

const msg = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const now = (): number => globalThis.performance?.now() ?? Date.now();

export function createAppStore(api: WirelensApi): AppStore {
  const pending = new Set<string>();
  let selectSeq = 0;
  let validateSeq = 0;

  return createStore<AppState & AppActions>()((set, get) => {
    const live = liveSlice(api, set, get);
    const resetView = (displayed: number, total: number) => {
      pending.clear();
      set((s) => ({
        displayed,
        total,
        view: s.view + 1,
        pages: new Map(),
        rowsTick: s.rowsTick + 1,
        sorted: null,
      }));
    };
    const clearSelection = () =>
      set({
        selectedPos: -1,
        selectedNo: null,
        detail: null,
        selectedNode: null,
        sourceTab: 0,
        selectMs: null,
      });

    // Growth of the open capture (live capture, or a big file indexed in the background): one refresh at a
    // time, repeated while more `grown` events came in meanwhile.
    let known = 0;
    /** The filter being applied (its answer not back yet): a capture that opens meanwhile keeps it too. */
    let applying: string | null = null;
    /** Counts applyFilter calls: only the latest reports a failure (an earlier one may be cancelled by it). */
    let applySeq = 0;
    let growing: Promise<void> | null = null;
    let growAgain = false;
    const growOnce = async () => {
      const { view, displayed: before, sort } = get();
      // A zero-row page answers the current counts (with an applied filter the service has already run it
      // over the new packets).
      const r = await api.call('rows', { start: 0, count: 0 });
      if (get().view !== view || !get().info) return; // a new open or filter has its own counts
      if (r.displayed === get().displayed && r.total === get().total) return;
      let sorted = get().sorted;
      if (sort && sorted) {
        if (r.displayed > SORT_LIMIT) {
          // Too many to keep sorting here: back to capture order.
          sorted = null;
          set({ sort: null, error: `Sorting stopped: more than ${SORT_LIMIT.toLocaleString('en')} packets` });
        } else {
          const more = await api.call('rows', { start: before, count: r.displayed - before });
          const cur = get().sorted;
          if (get().view !== view || !cur) return;
          sorted = [...cur, ...more.rows].sort(compareRows(sort.key, sort.dir, get().timeFormat));
        }
      }
      const info = get().info;
      set((s) => ({
        displayed: r.displayed,
        total: r.total,
        sorted,
        rowsTick: s.rowsTick + 1,
        ...(info && r.total > info.packets ? { info: { ...info, packets: r.total } } : {}),
      }));
      const no = get().selectedNo;
      if (sort && no !== null) {
        const pos = get().sorted
          ? (get().sorted ?? []).findIndex((x) => x.no === no)
          : await get().positionOf(no);
        if (get().view === view && pos >= 0) set({ selectedPos: pos });
      }
    };
    const grow = (): Promise<void> => {
      if (growing) {
        growAgain = true;
        return growing;
      }
      growing = (async () => {
        try {
          do {
            growAgain = false;
            await growOnce();
          } while (growAgain);
        } catch (e) {
          set({ error: msg(e) });
        } finally {
          growing = null;
        }
      })();
      return growing;
    };

    const onOpened = (info: CaptureInfo) => {
      const prev = get().info;
      // Later updates of the same open (file hash, background indexing done) keep view and selection.
      const same =
        prev !== null &&
        (info.openId !== undefined
          ? prev.openId === info.openId
          : prev.path === info.path && get().total === info.packets);
      if (same) {
        // A later update of this open (file hash, or the background index finished): keep selection, filter
        // and view. The answer to `open` can arrive after `grown` events: it never shrinks the counts.
        if (info.packets < prev.packets) info = { ...prev, ...(info.sha256 ? { sha256: info.sha256 } : {}) };
        set({ info, opening: null, error: null });
        if (info.packets > get().total) void grow();
        return;
      }
      known = info.packets;
      // As in Wireshark, the display filter applied stays applied to the next capture (a file opened or a live
      // capture started): the new capture is shown through it.
      const keep = applying ?? get().appliedFilter;
      set({ info, opening: null, error: null });
      resetView(info.packets, info.packets);
      set({ sort: null });
      clearSelection();
      set({ filterText: keep, validation: null, filterError: null, filterMs: null });
      void api.call('recent', {}).then(
        (recent) => set({ recent }),
        () => undefined,
      );
      if (keep) void get().applyFilter(keep);
      else if (info.packets > 0) void get().select(0);
    };

    return {
      api,
      info: null,
      opening: null,
      error: null,
      displayed: 0,
      total: 0,
      view: 0,
      rowsTick: 0,
      pages: new Map(),
      selectedPos: -1,
      selectedNo: null,
      detail: null,
      selectedNode: null,
      expanded: new Set<string>(['frame']),
      sourceTab: 0,
      selectMs: null,
      filterText: '',
      appliedFilter: '',
      validation: null,
      filterError: null,
      filterMs: null,
      history: loadHistory(),
      progress: null,
      recent: [],
      sample: null,
      panel: null,
      followTarget: null,
      theme: initialTheme(),
      timeFormat: initialTimeFormat(),
      goToOpen: false,
      exportOpen: false,
      sort: null,
      sorted: null,
      ...live.state,
      ...live.actions,

      init() {
        const offs = [
          api.on('opened', onOpened),
          api.on('closed', () => {
            set({ info: null });
            resetView(0, 0);
            clearSelection();
          }),
          api.on('progress', (p) => set({ progress: p.done >= p.total ? null : p })),
          api.on('grown', ({ packets }) => {
            known = Math.max(known, packets);
            live.onGrown(packets);
            if (get().info && packets !== get().total) void grow();
          }),
          api.on('captureStopped', (p) => {
            live.onStopped(p);
            // The final file: its size and last packets (same open, so view and selection stay).
            void api.call('info', {}).then(
              (info) => info && onOpened(info),
              () => undefined,
            );
          }),
        ];
        void api.call('info', {}).then(
          (info) => info && onOpened(info),
          (e: unknown) => set({ error: msg(e) }),
        );
        void api.call('recent', {}).then(
          (recent) => set({ recent }),
          () => undefined,
        );
        void api.call('samplePath', {}).then(
          (sample) => set({ sample }),
          () => undefined,
        );
        return () => offs.forEach((f) => f());
      },

      async open(path) {
        set({ opening: path, error: null });
        try {
          const info = await api.call('open', { path });
          onOpened(info);
        } catch (e) {
          set({ error: `Cannot open ${path}: ${msg(e)}`, opening: null });
        } finally {
          set({ progress: null });
        }
      },

      async openFile(file) {
        if (!api.dropFile) {
          set({ error: 'This host cannot open dropped files' });
          return;
        }
        set({ opening: file.name, error: null });
        try {
          const path = await api.dropFile(file);
          await get().open(path);
        } catch (e) {
          set({ error: `Cannot open ${file.name}: ${msg(e)}`, opening: null });
        }
      },

      async loadKeyLog(file) {
        const name = file?.name ?? '';
        set({ opening: file ? `${get().info?.name ?? 'capture'} with ${name}` : null, error: null });
        try {
          const info = await api.call('tlsKeyLog', { name, text: file ? await file.text() : '' });
          if (info) onOpened(info);
          else set({ opening: null });
        } catch (e) {
          set({ error: `Cannot use the TLS key log ${name}: ${msg(e)}`, opening: null });
        } finally {
          set({ progress: null });
        }
      },

      async close() {
        try {
          await api.call('close', {});
        } catch (e) {
          set({ error: msg(e) });
        }
      },

      row(pos) {
        const sorted = get().sorted;
        if (sorted) return sorted[pos];
        const page = get().pages.get(Math.floor(pos / PAGE));
        return page?.[pos % PAGE];
      },

      ensureRows(start, count) {
        if (get().sorted) return;
        const { displayed, view } = get();
        const first = Math.max(0, Math.floor(start / PAGE));
        const last = Math.floor(Math.min(displayed - 1, start + count - 1) / PAGE);
        for (let p = first; p <= last; p++) {
          // The last page is short while the capture grows: it is fetched again once more rows exist.
          const want = Math.min(PAGE, displayed - p * PAGE);
          const key = `${view}:${p}:${want}`;
          if ((get().pages.get(p)?.length ?? -1) >= want || pending.has(key)) continue;
          pending.add(key);
          api.call('rows', { start: p * PAGE, count: PAGE }).then(
            (r) => {
              pending.delete(key);
              if (get().view !== view) return;
              if ((get().pages.get(p)?.length ?? -1) > r.rows.length) return; // an older, shorter answer
              const pages = new Map(get().pages);
              pages.set(p, r.rows);
              set((s) => ({ pages, rowsTick: s.rowsTick + 1 }));
            },
            (e: unknown) => {
              pending.delete(key);
              set({ error: msg(e) });
            },
          );
        }
      },

      async select(pos) {
        const { displayed } = get();
        if (displayed === 0) return;
        pos = Math.max(0, Math.min(displayed - 1, pos));
        const seq = ++selectSeq;
        const t0 = now();
        set({ selectedPos: pos });
        try {
          let row = get().row(pos);
          if (!row) {
            const r = await api.call('rows', { start: pos, count: 1 });
            row = r.rows[0];
          }
          if (!row || seq !== selectSeq) return;
          set({ selectedNo: row.no });
          const detail = await api.call('packet', { no: row.no });
          if (seq !== selectSeq) return;
          const prev =
            get().selectedNode !== null
              ? findNode(get().detail?.tree ?? [], get().selectedNode ?? -1)
              : undefined;
          // Keep the same field selected when moving between packets, like Wireshark.
          let selectedNode: number | null = null;
          if (prev) {
            const same = findField(detail.tree, prev.node.field);
            selectedNode = same ?? null;
          }
          const node = selectedNode !== null ? findNode(detail.tree, selectedNode)?.node : undefined;
          set({ detail, selectedNode, sourceTab: node?.src ?? 0 });
          // Measured after React has had a frame to render tree + hex.
          requestFrame(() => set({ selectMs: now() - t0 }));
        } catch (e) {
          if (seq === selectSeq) set({ error: msg(e) });
        }
      },

      selectNode(id) {
        if (id === null) return set({ selectedNode: null });
        const found = findNode(get().detail?.tree ?? [], id);
        if (!found) return;
        const expanded = new Set(get().expanded);
        for (const p of found.path) expanded.add(expandKey(p));
        set({ selectedNode: id, expanded, sourceTab: found.node.len > 0 ? found.node.src : get().sourceTab });
      },

      selectByte(src, offset) {
        const tree = get().detail?.tree ?? [];
        const n = deepestAt(tree, src, offset);
        if (n) get().selectNode(n.id);
      },

      toggle(id, open) {
        const found = findNode(get().detail?.tree ?? [], id);
        if (!found?.node.children?.length) return;
        const key = expandKey(found.node);
        const expanded = new Set(get().expanded);
        const want = open ?? !expanded.has(key);
        if (want) expanded.add(key);
        else expanded.delete(key);
        set({ expanded });
      },

      expandTree(id, open) {
        const tree = get().detail?.tree ?? [];
        const root = id === null ? tree : [findNode(tree, id)?.node].filter((n) => n !== undefined);
        const expanded = new Set(get().expanded);
        const walk = (nodes: readonly TreeNode[]) => {
          for (const n of nodes) {
            if (!n.children?.length) continue;
            if (open) expanded.add(expandKey(n));
            else expanded.delete(expandKey(n));
            walk(n.children);
          }
        };
        walk(root);
        // Collapse All forgets every subtree, also those this packet does not have.
        set({ expanded: id === null && !open ? new Set() : expanded });
      },

      setSourceTab(i) {
        set({ sourceTab: i });
      },

      setFilterText(text) {
        set({ filterText: text, filterError: null });
      },

      async validate(text) {
        const seq = ++validateSeq;
        if (text.trim() === '') return set({ validation: { status: 'empty', errors: [], warnings: [] } });
        try {
          const v = await api.call('validateFilter', { expr: text });
          if (seq === validateSeq) set({ validation: v });
        } catch (e) {
          if (seq === validateSeq) set({ error: msg(e) });
        }
      },

      async applyFilter(text) {
        const expr = (text ?? get().filterText).trim();
        set({ filterText: expr, filterError: null });
        const keepNo = get().selectedNo;
        applying = expr;
        const seq = ++applySeq;
        try {
          const r = await api.call('applyFilter', { expr });
          if (!r.ok) {
            // The user may have typed on meanwhile: a late answer must not overwrite the new text's status.
            if (get().filterText.trim() !== expr) return;
            set({
              filterError: r.error.message,
              validation: { status: 'error', errors: [r.error], warnings: [] },
            });
            return;
          }
          set({
            appliedFilter: expr,
            filterMs: r.ms,
            validation: {
              status: expr === '' ? 'empty' : r.warnings.length ? 'warn' : 'ok',
              errors: [],
              warnings: r.warnings,
            },
          });
          if (expr) {
            const history = [expr, ...get().history.filter((h) => h !== expr)].slice(0, 30);
            set({ history });
            try {
              globalThis.localStorage?.setItem(HISTORY_KEY, JSON.stringify(history));
            } catch {
              // history is a convenience
            }
          }
          resetView(r.displayed, r.total);
          // Packets that arrived while the filter ran (live capture, background indexing).
          if (known > r.total) void grow();
          const sort = get().sort;
          if (sort) {
            set({ sort: null });
            await get().sortBy(sort.key);
            if (get().sort?.dir !== sort.dir) await get().sortBy(sort.key);
          }
          const pos = keepNo !== null ? await get().positionOf(keepNo) : -1;
          if (pos >= 0) {
            set({ selectedPos: pos });
          } else {
            clearSelection();
            if (r.displayed > 0) await get().select(0);
          }
        } catch (e) {
          if (seq === applySeq) set({ filterError: msg(e) });
        } finally {
          if (seq === applySeq) applying = null;
          set({ progress: null });
        }
      },

      async complete(prefix) {
        try {
          return await api.call('completeFilter', { prefix });
        } catch {
          return [];
        }
      },

      async cancel() {
        await api.call('cancel', {});
        set({ progress: null });
      },

      async goTo(no) {
        const pos = await get().positionOf(no);
        if (pos < 0) {
          set({ error: `Packet ${no} is not in the current view` });
          return false;
        }
        await get().select(pos);
        return true;
      },

      setPanel(panel) {
        set({ panel, followTarget: null });
      },
      followStream(proto, stream) {
        set({ panel: 'follow', followTarget: { proto, stream } });
      },
      setTheme(theme) {
        set({ theme });
        try {
          globalThis.localStorage?.setItem(THEME_KEY, theme);
        } catch {
          // ignore
        }
      },
      setTimeFormat(timeFormat) {
        set({ timeFormat });
        // Sorted by Time: the order follows what the column shows.
        const { sort, sorted, selectedNo } = get();
        if (sort?.key === 'time' && sorted) {
          const again = [...sorted].sort(compareRows('time', sort.dir, timeFormat));
          const pos = selectedNo === null ? -1 : again.findIndex((r) => r.no === selectedNo);
          set((s) => ({
            sorted: again,
            rowsTick: s.rowsTick + 1,
            ...(pos >= 0 ? { selectedPos: pos } : {}),
          }));
        }
        try {
          globalThis.localStorage?.setItem(TIME_FORMAT_KEY, timeFormat);
        } catch {
          // ignore
        }
      },
      setGoToOpen(goToOpen) {
        set({ goToOpen });
      },
      setExportOpen(exportOpen) {
        set({ exportOpen });
      },
      setError(error) {
        set({ error });
      },

      async positionOf(no) {
        const sorted = get().sorted;
        if (sorted) return sorted.findIndex((r) => r.no === no);
        return api.call('indexOf', { no });
      },

      async sortBy(key) {
        const cur = get().sort;
        // Click cycles: ascending → descending → capture order.
        const next: AppState['sort'] =
          cur?.key !== key ? { key, dir: 1 } : cur.dir === 1 ? { key, dir: -1 } : null;
        const keepNo = get().selectedNo;
        if (!next) {
          set((s) => ({ sort: null, sorted: null, rowsTick: s.rowsTick + 1 }));
        } else {
          const { displayed, view } = get();
          if (displayed > SORT_LIMIT) {
            set({
              error: `Sorting needs at most ${SORT_LIMIT.toLocaleString('en')} displayed packets; apply a filter first`,
            });
            return;
          }
          let all = get().sorted;
          if (!all) {
            all = [];
            for (let start = 0; start < displayed; start += SORT_LIMIT) {
              const r = await api.call('rows', { start, count: Math.min(SORT_LIMIT, displayed - start) });
              all.push(...r.rows);
            }
            if (get().view !== view) return;
          }
          const cmp = compareRows(key, next.dir, get().timeFormat);
          set((s) => ({ sort: next, sorted: [...all].sort(cmp), rowsTick: s.rowsTick + 1 }));
        }
        if (keepNo !== null) {
          const pos = await get().positionOf(keepNo);
          if (pos >= 0) set({ selectedPos: pos });
        }
      },
    };
  });
}

function compareRows(key: SortKey, dir: 1 | -1, time: TimeFormat): (a: PacketRow, b: PacketRow) => number {
  return (a, b) => {
    // The Time column sorts by what it shows (a delta when it shows deltas).
    if (key === 'time') return (compareRowTimes(a, b, time) || a.no - b.no) * dir;
    const x = a[key];
    const y = b[key];
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (c || a.no - b.no) * dir;
  };
}

function findField(tree: TreeNode[], field: string): number | undefined {
  if (!field) return undefined;
  for (const n of tree) {
    if (n.field === field) return n.id;
    const c = n.children ? findField(n.children, field) : undefined;
    if (c !== undefined) return c;
  }
  return undefined;
}

function requestFrame(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => fn());
  else setTimeout(fn, 0);
}
