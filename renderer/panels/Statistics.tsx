/**
 * Statistics: Conversations, Endpoints (Ethernet, IPv4, IPv6, TCP, UDP) and Protocol Hierarchy, like Wireshark's
 * Statistics menu. Tables sort by header click and render only the rows in view; a row applies its Wireshark
 * filter (double-click, buttons, right-click menu) and a TCP/UDP conversation opens Follow on its stream.
 * Conversation and endpoint columns resize by their header's edge, as in the packet list (ColumnResizer); the
 * widths are kept per table (conversations or endpoints of each type) while the panel is open.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent as ReactMouseEvent,
} from 'react';
import type {
  ConversationStats,
  Conversation,
  ConvType,
  Endpoint,
  ExpertEntry,
  PhsNode,
  ResolvedHost,
  TlsHandshake,
} from '../../core/api/types.js';
import { useApp } from '../state/context.js';
import { ColumnResizer } from '../panes/ColumnResizer.js';
import { useVirtual } from '../panes/useVirtual.js';
import { Tabs } from './Tabs.js';
import {
  addrWidth,
  columnsFor,
  CONV_COLUMNS,
  CONV_FILTER_LABELS,
  CONV_TYPES,
  conversationFilter,
  DEFAULT_SORT,
  endpointFilter,
  EP_COLUMNS,
  hasPorts,
  HOST_COLUMNS,
  hostFilter,
  EXPERT_COLUMNS,
  expertFilter,
  expertKey,
  nextSort,
  pctText,
  phsFilter,
  phsCsv,
  phsParents,
  phsRows,
  sortRows,
  tableCsv,
  TLS_COLUMNS,
  withWidth,
  type Column,
  type ColumnWidths,
  type ConvFilterKind,
  type PhsRow,
  type SortState,
} from './stats-model.js';

const ROW_H = 20;
const HEADER_H = 22;
/** A growing capture is counted again at most this often. */
const REFRESH_MS = 1000;

type Tab = 'conv' | 'ep' | 'phs' | 'hosts' | 'expert' | 'tls';
const TABS: [Tab, string][] = [
  ['conv', 'Conversations'],
  ['ep', 'Endpoints'],
  ['phs', 'Protocol Hierarchy'],
  ['hosts', 'Resolved Addresses'],
  ['expert', 'Expert Information'],
  ['tls', 'TLS Handshakes'],
];

const msg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

interface Loaded<T> {
  key: string | null;
  version: number;
  data: T | null;
  error: string | null;
}

/**
 * The answer for `key` (capture + table), re-asked when `version` (the packet count) moves on. One request at
 * a time: a growing capture is counted again after the running count, not once per new packet. The last
 * answer for the same key stays shown while a newer one is counted.
 */
function useLatest<T>(key: string | null, version: number, load: (key: string) => Promise<T>) {
  const [got, setGot] = useState<Loaded<T>>({ key: null, version: -1, data: null, error: null });
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  const lastAt = useRef(0);
  useEffect(() => {
    if (key === null || busy) return;
    if (got.key === key && got.version === version) return;
    // Only the packet count moved on (a live capture): at most one count per REFRESH_MS.
    const wait = got.key === key ? lastAt.current + REFRESH_MS - Date.now() : 0;
    if (wait > 0) {
      const t = setTimeout(() => setTick((n) => n + 1), wait);
      return () => clearTimeout(t);
    }
    setBusy(true);
    lastAt.current = Date.now();
    // Not cancelled when the key changes: an answer for another key is kept but not shown, and `busy`
    // clearing starts the request for the current key.
    load(key)
      .then(
        (data) => setGot({ key, version, data, error: null }),
        (e: unknown) => setGot({ key, version, data: null, error: msg(e) }),
      )
      .finally(() => setBusy(false));
  }, [key, version, busy, got, load, tick]);
  const current = got.key === key;
  return {
    data: current ? got.data : null,
    error: current && got.version === version ? got.error : null,
    loading: key !== null && !(current && got.version === version),
  };
}

/** "Copy as CSV": the table as shown (sorted) to the clipboard; says whether it worked. */
function CopyButton({ text }: { text: () => string }) {
  const [state, setState] = useState<'idle' | 'ok' | 'fail'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button
      className="btn small"
      data-testid="stats-copy"
      title="Copy the table as CSV"
      onClick={() => {
        const clip = globalThis.navigator?.clipboard;
        if (!clip) return setState('fail');
        clip.writeText(text()).then(
          () => setState('ok'),
          () => setState('fail'),
        );
      }}
    >
      {state === 'ok' ? 'Copied ✓' : state === 'fail' ? 'Copy failed' : 'Copy as CSV'}
    </button>
  );
}

interface Menu {
  x: number;
  y: number;
  items: [string, () => void][];
}

function ContextMenu({ menu, close }: { menu: Menu; close: () => void }) {
  // Opened near the window's right or bottom edge (the panel sits on the right), it moves back into view.
  const ref = useRef<HTMLDivElement | null>(null);
  const [pos, setPos] = useState({ x: menu.x, y: menu.y });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const w = el.offsetWidth;
    const h = el.offsetHeight;
    setPos({
      x: Math.max(0, Math.min(menu.x, window.innerWidth - w - 4)),
      y: Math.max(0, Math.min(menu.y, window.innerHeight - h - 4)),
    });
  }, [menu]);
  useEffect(() => {
    window.addEventListener('click', close);
    window.addEventListener('keydown', close);
    window.addEventListener('blur', close);
    return () => {
      window.removeEventListener('click', close);
      window.removeEventListener('keydown', close);
      window.removeEventListener('blur', close);
    };
  }, [close]);
  return (
    <div
      ref={ref}
      className="context-menu st-menu"
      role="menu"
      style={{ left: pos.x, top: pos.y }}
      data-testid="stats-menu"
    >
      {menu.items.map(([label, run]) => (
        <div
          key={label}
          role="menuitem"
          className="mi"
          onMouseDown={(e) => e.stopPropagation()}
          onClick={() => {
            run();
            close();
          }}
        >
          {label}
        </div>
      ))}
    </div>
  );
}

interface TableProps<T> {
  rows: T[];
  cols: Column<T>[];
  widths: number[];
  /** A column (by key) dragged to `width`, or back to its default width (undefined). */
  onWidth(col: string, width: number | undefined): void;
  sort: SortState;
  onSort(col: Column<T>): void;
  rowKey(row: T): string;
  selected: string | null;
  onSelect(key: string): void;
  onActivate(row: T): void;
  onMenu(row: T, e: ReactMouseEvent): void;
  testid: string;
  label: string;
  /** A class for a row (an expert entry's severity). */
  rowClass?(row: T): string;
}

/** A sortable grid that renders only the rows in view (a capture can have 100k conversations). */
function StatTable<T>(p: TableProps<T>) {
  const { ref, onScroll, win, ensureVisible } = useVirtual(p.rows.length, ROW_H, HEADER_H);
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const n = p.rows.length;
    if (n === 0) return;
    const cur = p.selected === null ? -1 : p.rows.findIndex((r) => p.rowKey(r) === p.selected);
    if (e.key === 'Enter' && cur >= 0) {
      e.preventDefault();
      p.onActivate(p.rows[cur]);
      return;
    }
    const page = Math.max(1, win.viewRows - 1);
    const to: Record<string, number> = {
      ArrowDown: cur + 1,
      ArrowUp: cur - 1,
      PageDown: cur + page,
      PageUp: cur - page,
      Home: 0,
      End: n - 1,
    };
    if (!(e.key in to)) return;
    e.preventDefault();
    const i = Math.max(0, Math.min(n - 1, to[e.key]));
    p.onSelect(p.rowKey(p.rows[i]));
    ensureVisible(i);
  };
  const template = p.widths.map((w) => `${w}px`).join(' ');
  const out = [];
  for (let i = win.first; i < win.first + win.count; i++) {
    const r = p.rows[i];
    const key = p.rowKey(r);
    const sel = key === p.selected;
    out.push(
      <div
        key={key}
        role="row"
        aria-selected={sel}
        data-testid="stats-row"
        data-key={key}
        className={
          'st-row' +
          (sel ? ' selected' : '') +
          (i % 2 ? ' odd' : '') +
          (p.rowClass ? ` ${p.rowClass(r)}` : '')
        }
        style={{ top: win.top + (i - win.first) * ROW_H, gridTemplateColumns: template }}
        onMouseDown={() => p.onSelect(key)}
        onDoubleClick={() => p.onActivate(r)}
        onContextMenu={(e) => {
          e.preventDefault();
          p.onSelect(key);
          p.onMenu(r, e);
        }}
      >
        {p.cols.map((c) => {
          const t = c.text(r);
          return (
            <span key={c.key} className={c.num ? 'num' : undefined} data-col={c.key} title={t}>
              {t}
            </span>
          );
        })}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className="st-body"
      role="grid"
      aria-label={p.label}
      aria-rowcount={p.rows.length}
      data-testid={p.testid}
      tabIndex={0}
      onScroll={onScroll}
      onKeyDown={onKey}
    >
      <div className="st-header" role="row" style={{ gridTemplateColumns: template }}>
        {p.cols.map((c, i) => {
          const on = p.sort.key === c.key;
          return (
            <span
              key={c.key}
              role="columnheader"
              aria-label={c.title}
              data-col={c.key}
              aria-sort={on ? (p.sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
              className={c.num ? 'num' : undefined}
              title={`Sort by ${c.title}`}
              onClick={() => p.onSort(c)}
            >
              {c.title}
              {on && <i className="sort-ind">{p.sort.dir === 1 ? '▲' : '▼'}</i>}
              <ColumnResizer
                width={p.widths[i]}
                title={c.title}
                onResize={(w) => p.onWidth(c.key, w)}
                onReset={() => p.onWidth(c.key, undefined)}
              />
            </span>
          );
        })}
      </div>
      <div className="st-spacer" style={{ height: win.height }}>
        {out}
      </div>
    </div>
  );
}

/** Default column widths: address columns fit their content. */
function widthsOf<T>(cols: Column<T>[], rows: T[]): number[] {
  return cols.map((c) =>
    c.width === 'addr'
      ? addrWidth(
          rows.map((r) => c.text(r)),
          c.title,
        )
      : c.width,
  );
}

const convKey = (c: Conversation): string =>
  `${c.a}${c.portA === undefined ? '' : `:${c.portA}`}|${c.b}${c.portB === undefined ? '' : `:${c.portB}`}`;
const epKey = (e: Endpoint): string => `${e.address}${e.port === undefined ? '' : `:${e.port}`}`;

interface ConvTablesProps {
  stats: ConversationStats;
  tab: 'conv' | 'ep';
  type: ConvType;
  /** Dragged column widths by table ('conv:tcp', 'ep:ip', …), kept by the panel while it is open. */
  widths: ColumnWidths;
  setWidths(update: (w: ColumnWidths) => ColumnWidths): void;
}

function ConvTables({ stats, tab, type, widths, setWidths }: ConvTablesProps) {
  const applyFilter = useApp((s) => s.applyFilter);
  const setFilterText = useApp((s) => s.setFilterText);
  const validate = useApp((s) => s.validate);
  const followStream = useApp((s) => s.followStream);
  const [convSort, setConvSort] = useState<SortState>(DEFAULT_SORT);
  const [epSort, setEpSort] = useState<SortState>(DEFAULT_SORT);
  const [selected, setSelected] = useState<string | null>(null);
  const [menu, setMenu] = useState<Menu | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);

  const convCols = useMemo(() => columnsFor(CONV_COLUMNS, type), [type]);
  const epCols = useMemo(() => columnsFor(EP_COLUMNS, type), [type]);
  const convs = useMemo(() => sortRows(stats.conversations, convCols, convSort), [stats, convCols, convSort]);
  const eps = useMemo(() => sortRows(stats.endpoints, epCols, epSort), [stats, epCols, epSort]);
  const convDefaults = useMemo(() => widthsOf(convCols, stats.conversations), [convCols, stats]);
  const epDefaults = useMemo(() => widthsOf(epCols, stats.endpoints), [epCols, stats]);
  // Widths are kept per table (conversations or endpoints, of this type); a dragged width wins over the default.
  const convTable = `conv:${type}`;
  const epTable = `ep:${type}`;
  const convWidths = convCols.map((c, i) => widths[convTable]?.[c.key] ?? convDefaults[i]);
  const epWidths = epCols.map((c, i) => widths[epTable]?.[c.key] ?? epDefaults[i]);
  const onWidth = (table: string) => (col: string, w: number | undefined) =>
    setWidths((all) => withWidth(all, table, col, w));

  const prepare = (f: string) => {
    setFilterText(f);
    void validate(f);
  };
  const selConv = tab === 'conv' ? convs.find((c) => convKey(c) === selected) : undefined;
  const selEp = tab === 'ep' ? eps.find((e) => epKey(e) === selected) : undefined;
  const filter = selConv ? conversationFilter(selConv) : selEp ? endpointFilter(selEp) : undefined;
  const canFollow = selConv !== undefined && hasPorts(type) && selConv.stream !== undefined;
  const follow = (c: Conversation) => {
    if (c.stream !== undefined && (c.type === 'tcp' || c.type === 'udp')) followStream(c.type, c.stream);
  };

  const convMenu = (c: Conversation, e: ReactMouseEvent) => {
    const items: [string, () => void][] = [];
    for (const kind of Object.keys(CONV_FILTER_LABELS) as ConvFilterKind[]) {
      const f = conversationFilter(c, kind);
      if (f) items.push([`Apply as Filter: ${CONV_FILTER_LABELS[kind]}`, () => void applyFilter(f)]);
    }
    const f = conversationFilter(c);
    if (f) items.push(['Prepare as Filter', () => prepare(f)]);
    if (c.stream !== undefined && hasPorts(c.type))
      items.push([`Follow ${c.type.toUpperCase()} Stream`, () => follow(c)]);
    setMenu({ x: e.clientX, y: e.clientY, items });
  };
  const epMenu = (ep: Endpoint, e: ReactMouseEvent) => {
    const f = endpointFilter(ep);
    setMenu({
      x: e.clientX,
      y: e.clientY,
      items: [
        ['Apply as Filter', () => void applyFilter(f)],
        ['Prepare as Filter', () => prepare(f)],
      ],
    });
  };

  const noun = tab === 'conv' ? 'conversation' : 'endpoint';
  const count = tab === 'conv' ? convs.length : eps.length;
  return (
    <>
      <div className="row st-actions">
        <span className="muted" data-testid="stats-count">
          {count.toLocaleString('en-US')} {noun}
          {count === 1 ? '' : 's'}
        </span>
        <span className="spacer" />
        <CopyButton text={() => (tab === 'conv' ? tableCsv(convCols, convs) : tableCsv(epCols, eps))} />
        <button
          className="btn small"
          disabled={!filter}
          title={filter ? `Apply: ${filter}` : `Select a ${noun} first`}
          data-testid="stats-apply"
          onClick={() => filter && void applyFilter(filter)}
        >
          Apply as Filter
        </button>
        <button
          className="btn small"
          disabled={!filter}
          title={filter ? `Put ${filter} in the filter bar` : `Select a ${noun} first`}
          data-testid="stats-prepare"
          onClick={() => filter && prepare(filter)}
        >
          Prepare as Filter
        </button>
        {tab === 'conv' && hasPorts(type) && (
          <button
            className="btn small"
            disabled={!canFollow}
            data-testid="stats-follow"
            onClick={() => selConv && follow(selConv)}
          >
            Follow Stream…
          </button>
        )}
      </div>
      {tab === 'conv' ? (
        <StatTable
          rows={convs}
          cols={convCols}
          widths={convWidths}
          onWidth={onWidth(convTable)}
          sort={convSort}
          onSort={(c) => setConvSort(nextSort(convSort, c))}
          rowKey={convKey}
          selected={selected}
          onSelect={setSelected}
          onActivate={(c) => {
            const f = conversationFilter(c);
            if (f) void applyFilter(f);
          }}
          onMenu={convMenu}
          testid="conv-table"
          label={`${type} conversations`}
        />
      ) : (
        <StatTable
          rows={eps}
          cols={epCols}
          widths={epWidths}
          onWidth={onWidth(epTable)}
          sort={epSort}
          onSort={(c) => setEpSort(nextSort(epSort, c))}
          rowKey={epKey}
          selected={selected}
          onSelect={setSelected}
          onActivate={(ep) => void applyFilter(endpointFilter(ep))}
          onMenu={epMenu}
          testid="ep-table"
          label={`${type} endpoints`}
        />
      )}
      {count === 0 && <p className="muted">No {type.toUpperCase()} traffic in this capture.</p>}
      {menu && <ContextMenu menu={menu} close={closeMenu} />}
    </>
  );
}

const PHS_TEMPLATE = 'minmax(170px, 1fr) 124px 72px 112px 92px 96px 86px';

function PhsTable({ root }: { root: PhsNode }) {
  const applyFilter = useApp((s) => s.applyFilter);
  const setFilterText = useApp((s) => s.setFilterText);
  const validate = useApp((s) => s.validate);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const [menu, setMenu] = useState<Menu | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const rows = useMemo(() => phsRows(root, collapsed), [root, collapsed]);
  const sel = rows.find((r) => r.key === selected);

  const toggle = (r: PhsRow) => {
    if (!r.hasChildren) return;
    const s = new Set(collapsed);
    if (s.has(r.key)) s.delete(r.key);
    else s.add(r.key);
    setCollapsed(s);
  };
  const prepare = (f: string) => {
    setFilterText(f);
    void validate(f);
  };
  const bar = (pct: number) => ({
    backgroundImage: `linear-gradient(to right, var(--bar) ${pct.toFixed(2)}%, transparent ${pct.toFixed(2)}%)`,
  });

  return (
    <>
      <div className="row st-actions">
        <button className="btn small" onClick={() => setCollapsed(new Set())} data-testid="phs-expand">
          Expand all
        </button>
        <button
          className="btn small"
          onClick={() => setCollapsed(new Set(phsParents(root)))}
          data-testid="phs-collapse"
        >
          Collapse all
        </button>
        <span className="spacer" />
        <CopyButton text={() => phsCsv(phsRows(root))} />
        <button
          className="btn small"
          disabled={!sel}
          title={sel ? `Apply: ${phsFilter(sel)}` : 'Select a protocol first'}
          data-testid="stats-apply"
          onClick={() => sel && void applyFilter(phsFilter(sel))}
        >
          Apply as Filter
        </button>
        <button
          className="btn small"
          disabled={!sel}
          data-testid="stats-prepare"
          onClick={() => sel && prepare(phsFilter(sel))}
        >
          Prepare as Filter
        </button>
      </div>
      <div className="st-body phs" role="treegrid" aria-label="Protocol hierarchy" data-testid="phs-table">
        <div className="st-header" role="row" style={{ gridTemplateColumns: PHS_TEMPLATE }}>
          <span role="columnheader">Protocol</span>
          <span role="columnheader" className="num">
            Percent Packets
          </span>
          <span role="columnheader" className="num">
            Packets
          </span>
          <span role="columnheader" className="num">
            Percent Bytes
          </span>
          <span role="columnheader" className="num">
            Bytes
          </span>
          <span role="columnheader" className="num" title="Packets in which this is the last protocol">
            End Packets
          </span>
          <span
            role="columnheader"
            className="num"
            title="Bytes of packets in which this is the last protocol"
          >
            End Bytes
          </span>
        </div>
        {rows.map((r, i) => (
          <div
            key={r.key}
            role="row"
            aria-level={r.depth + 1}
            aria-expanded={r.hasChildren ? r.open : undefined}
            aria-selected={r.key === selected}
            data-testid="phs-row"
            data-key={r.key}
            data-name={r.name}
            className={'st-row static' + (r.key === selected ? ' selected' : '') + (i % 2 ? ' odd' : '')}
            style={{ gridTemplateColumns: PHS_TEMPLATE }}
            onMouseDown={() => setSelected(r.key)}
            onDoubleClick={() => void applyFilter(phsFilter(r))}
            onContextMenu={(e) => {
              e.preventDefault();
              setSelected(r.key);
              const f = phsFilter(r);
              setMenu({
                x: e.clientX,
                y: e.clientY,
                items: [
                  [`Apply as Filter: ${f}`, () => void applyFilter(f)],
                  ['Prepare as Filter', () => prepare(f)],
                ],
              });
            }}
          >
            <span style={{ paddingLeft: 6 + r.depth * 16 }} data-col="name" title={r.name}>
              <i
                className="twisty"
                onMouseDown={(e) => e.stopPropagation()}
                onClick={() => toggle(r)}
                data-testid={r.hasChildren ? 'phs-twisty' : undefined}
              >
                {r.hasChildren ? (r.open ? '▾' : '▸') : ''}
              </i>
              {r.name}
            </span>
            <span className="num pct" style={bar(r.pctFrames)} data-col="pctFrames">
              {pctText(r.pctFrames)}
            </span>
            <span className="num" data-col="frames">
              {r.frames.toLocaleString('en-US')}
            </span>
            <span className="num pct" style={bar(r.pctBytes)} data-col="pctBytes">
              {pctText(r.pctBytes)}
            </span>
            <span className="num" data-col="bytes">
              {r.bytes.toLocaleString('en-US')}
            </span>
            <span className="num" data-col="endFrames">
              {r.endFrames.toLocaleString('en-US')}
            </span>
            <span className="num" data-col="endBytes">
              {r.endBytes.toLocaleString('en-US')}
            </span>
          </div>
        ))}
      </div>
      {rows.length === 0 && <p className="muted">No packets.</p>}
      {menu && <ContextMenu menu={menu} close={closeMenu} />}
    </>
  );
}

interface ListTableProps<T> {
  rows: readonly T[];
  cols: Column<T>[];
  initialSort: SortState;
  rowKey(row: T): string;
  /** The display filter for a row's packets. */
  filterOf(row: T): string;
  /** The packets a row can go to (its first for the button and double-click); none: the button is off. */
  packetsOf(row: T): readonly number[];
  /** What a double-click does: apply the row's filter, or go to its first packet. */
  activate: 'filter' | 'packet';
  /** The line above the table (how many, of what). */
  countText: string;
  /** Test ids: `${testId}-count`, `-apply`, `-goto`, `-table`. */
  testId: string;
  label: string;
  /** The Go to Packet button's title for a selected row that goes nowhere. */
  noPacket: string;
  rowClass?(row: T): string;
}

/**
 * A whole-capture list (resolved addresses, expert information): its count, Copy as CSV, and for the selected
 * row Apply as Filter and Go to Packet; sortable, resizable columns, and a menu to filter on a row, prepare its
 * filter or go to its packets.
 */
function ListTable<T>(p: ListTableProps<T>) {
  const applyFilter = useApp((s) => s.applyFilter);
  const setFilterText = useApp((s) => s.setFilterText);
  const validate = useApp((s) => s.validate);
  const goTo = useApp((s) => s.goTo);
  const [sort, setSort] = useState<SortState>(p.initialSort);
  const [selected, setSelected] = useState<string | null>(null);
  const [widths, setWidths] = useState<Record<string, number>>({});
  const [menu, setMenu] = useState<Menu | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const { rows: all, cols } = p;
  const rows = useMemo(() => sortRows(all, cols, sort), [all, cols, sort]);
  const defaults = useMemo(() => widthsOf(cols, [...all]), [all, cols]);
  const sel = rows.find((r) => p.rowKey(r) === selected);
  const first = sel ? p.packetsOf(sel)[0] : undefined;
  const menuFor = (r: T, e: ReactMouseEvent) => {
    const f = p.filterOf(r);
    const items: [string, () => void][] = [
      [`Apply as Filter: ${f}`, () => void applyFilter(f)],
      [
        'Prepare as Filter',
        () => {
          setFilterText(f);
          void validate(f);
        },
      ],
    ];
    for (const no of p.packetsOf(r).slice(0, 8)) items.push([`Go to Packet ${no}`, () => void goTo(no)]);
    setMenu({ x: e.clientX, y: e.clientY, items });
  };
  return (
    <>
      <div className="row st-actions">
        <span className="muted" data-testid={`${p.testId}-count`}>
          {p.countText}
        </span>
        <span className="spacer" />
        <CopyButton text={() => tableCsv(cols, rows)} />
        <button
          className="btn small"
          disabled={!sel}
          title={sel ? `Apply: ${p.filterOf(sel)}` : 'Select a row first'}
          data-testid={`${p.testId}-apply`}
          onClick={() => sel && void applyFilter(p.filterOf(sel))}
        >
          Apply as Filter
        </button>
        <button
          className="btn small"
          disabled={first === undefined}
          title={first !== undefined ? `Go to packet ${first}` : sel ? p.noPacket : 'Select a row first'}
          data-testid={`${p.testId}-goto`}
          onClick={() => first !== undefined && void goTo(first)}
        >
          Go to Packet
        </button>
      </div>
      <StatTable
        rows={rows}
        cols={cols}
        widths={cols.map((c, i) => widths[c.key] ?? defaults[i])}
        onWidth={(col, w) =>
          setWidths((cur) => {
            const next = { ...cur };
            if (w === undefined) delete next[col];
            else next[col] = w;
            return next;
          })
        }
        sort={sort}
        onSort={(c) => setSort((s) => nextSort(s, c))}
        rowKey={p.rowKey}
        selected={selected}
        onSelect={setSelected}
        onActivate={(r) => {
          const no = p.packetsOf(r)[0];
          if (p.activate === 'filter') void applyFilter(p.filterOf(r));
          else if (no !== undefined) void goTo(no);
        }}
        onMenu={menuFor}
        testid={`${p.testId}-table`}
        label={p.label}
        rowClass={p.rowClass}
      />
      {menu && <ContextMenu menu={menu} close={closeMenu} />}
    </>
  );
}

/**
 * Statistics › Resolved Addresses: the names the capture itself gives addresses (DNS answers, pcapng name
 * records), each with the packet that named it. Double-click filters on the address.
 */
function HostsTable({ hosts }: { hosts: ResolvedHost[] }) {
  return (
    <>
      <ListTable
        rows={hosts}
        cols={HOST_COLUMNS}
        initialSort={{ key: 'frame', dir: 1 }}
        rowKey={(h) => h.address}
        filterOf={hostFilter}
        packetsOf={(h) => (h.frame === undefined ? [] : [h.frame])}
        activate="filter"
        countText={`${hosts.length.toLocaleString('en-US')} address${hosts.length === 1 ? '' : 'es'} named by the capture`}
        testId="hosts"
        label="Resolved addresses"
        noPacket="Named by the capture file's name records, not by a packet"
      />
      {hosts.length === 0 && (
        <p className="muted" data-testid="hosts-none">
          No names in this capture: no DNS, mDNS or LLMNR answer with an address, and no name records in the
          file.
        </p>
      )}
    </>
  );
}

const SEVERITY_NOUNS = [
  ['error', 'error'],
  ['warn', 'warning'],
  ['note', 'note'],
  ['chat', 'chat'],
  ['comment', 'comment'],
] as const;

/**
 * Analyze › Expert Information: the capture's expert items counted, errors first, coloured by severity.
 * Double-click goes to an entry's first packet; the menu filters on it or goes to any of its first packets.
 */
function ExpertTable({ entries }: { entries: ExpertEntry[] }) {
  const totals = new Map<string, number>();
  for (const e of entries) totals.set(e.severity, (totals.get(e.severity) ?? 0) + e.count);
  const count = SEVERITY_NOUNS.filter(([s]) => totals.get(s))
    .map(([s, noun]) => {
      const n = totals.get(s) ?? 0;
      return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
    })
    .join(' · ');
  return (
    <ListTable
      rows={entries}
      cols={EXPERT_COLUMNS}
      initialSort={{ key: 'severity', dir: 1 }}
      rowKey={expertKey}
      filterOf={expertFilter}
      packetsOf={(e) => e.frames}
      activate="packet"
      countText={count || 'No expert information'}
      testId="expert"
      label="Expert information"
      noPacket="No packet"
      rowClass={(e) => `sev-${e.severity}`}
    />
  );
}

/**
 * Statistics › TLS Handshakes: one row per handshake, with the fingerprints and certificate an investigator
 * checks. Double-click goes to the ClientHello; the menu filters on the session.
 */
function TlsTable({ handshakes }: { handshakes: TlsHandshake[] }) {
  return (
    <>
      <ListTable
        rows={handshakes}
        cols={TLS_COLUMNS}
        initialSort={{ key: 'frame', dir: 1 }}
        rowKey={(h) => `${h.filter}\u0000${h.frame}`}
        filterOf={(h) => h.filter}
        packetsOf={(h) => [h.frame]}
        activate="packet"
        countText={`${handshakes.length.toLocaleString('en-US')} TLS handshake${handshakes.length === 1 ? '' : 's'}`}
        testId="tls"
        label="TLS handshakes"
        noPacket="No packet"
      />
      {handshakes.length === 0 && (
        <p className="muted" data-testid="tls-none">
          No TLS handshake in this capture.
        </p>
      )}
    </>
  );
}

export function StatisticsPanel() {
  const api = useApp((s) => s.api);
  const info = useApp((s) => s.info);
  const appliedFilter = useApp((s) => s.appliedFilter);
  const [tab, setTab] = useState<Tab>('conv');
  const [type, setType] = useState<ConvType>('tcp');
  const [limit, setLimit] = useState(false);
  const [widths, setWidths] = useState<ColumnWidths>({});

  // Counted again for another capture (openId), when the capture grows (packets), and — limited to the display
  // filter — when another filter is applied.
  const cap = info ? String(info.openId ?? info.path) : null;
  const packets = info?.packets ?? 0;
  const whole = tab === 'hosts' || tab === 'expert' || tab === 'tls';
  const what = tab === 'phs' || whole ? tab : type;
  // Resolved addresses and expert information are the whole capture's (a name learned stays learned).
  const filter = limit && !whole ? appliedFilter : '';
  const key = cap === null ? null : [cap, what, filter].join('\u0000');
  const load = useCallback(
    (k: string): Promise<ConversationStats | PhsNode | ResolvedHost[] | ExpertEntry[] | TlsHandshake[]> => {
      const [, w, f] = k.split('\u0000');
      const displayed = f !== '';
      if (w === 'hosts') return api.call('hosts', {});
      if (w === 'expert') return api.call('expert', {});
      if (w === 'tls') return api.call('tls', {});
      return w === 'phs'
        ? api.call('phs', displayed ? { displayed } : {})
        : api.call('conversations', { type: w as ConvType, ...(displayed ? { displayed } : {}) });
    },
    [api],
  );
  const { data, error, loading } = useLatest(key, packets, load);
  const stats = data && !Array.isArray(data) && 'conversations' in data && data.type === type ? data : null;
  const root = data && !Array.isArray(data) && 'children' in data ? data : null;
  const hosts = tab === 'hosts' && Array.isArray(data) ? (data as ResolvedHost[]) : null;
  const expert = tab === 'expert' && Array.isArray(data) ? (data as ExpertEntry[]) : null;
  const tls = tab === 'tls' && Array.isArray(data) ? (data as TlsHandshake[]) : null;
  // Each type's count, from the last answer for this capture and filter (all types are counted together).
  const [counts, setCounts] = useState<{ key: string; counts: NonNullable<ConversationStats['counts']> }>();
  const countsKey = cap === null ? '' : [cap, filter, packets].join('\u0000');
  useEffect(() => {
    if (data && !Array.isArray(data) && 'conversations' in data && data.counts)
      setCounts({ key: countsKey, counts: data.counts });
  }, [data, countsKey]);
  const countOf = (t: ConvType): number | undefined =>
    counts?.key === countsKey ? counts.counts[t]?.[tab === 'ep' ? 'endpoints' : 'conversations'] : undefined;

  return (
    <section className="panel stats-panel" data-testid="statistics-panel">
      <h2>Statistics</h2>
      <Tabs tabs={TABS} value={tab} onChange={setTab} testId="stats-tab" />
      <div className="st-types">
        {(tab === 'conv' || tab === 'ep') && (
          <span className="st-type-group" role="radiogroup" aria-label="Table type">
            {CONV_TYPES.map(({ type: t, label }) => (
              <button
                key={t}
                role="radio"
                aria-checked={type === t}
                className={'btn small' + (type === t ? ' active' : '')}
                data-testid={`stats-type-${t}`}
                onClick={() => setType(t)}
              >
                {label}
                {countOf(t) !== undefined && (
                  <span className="st-count" data-testid={`stats-count-${t}`}>
                    {' · '}
                    {countOf(t)?.toLocaleString('en-US')}
                  </span>
                )}
              </button>
            ))}
          </span>
        )}
        <span className="spacer" />
        {!whole && (
          <label
            className="st-limit"
            title={
              appliedFilter
                ? `Count only the packets shown by: ${appliedFilter}`
                : 'Count only the displayed packets (no display filter is applied now)'
            }
          >
            <input
              type="checkbox"
              checked={limit}
              onChange={(e) => setLimit(e.target.checked)}
              data-testid="stats-limit"
            />{' '}
            Limit to display filter
          </label>
        )}
      </div>
      {filter && (
        <p className="muted st-filter" data-testid="stats-filter">
          Display filter: <code>{filter}</code>
        </p>
      )}
      {!info && <p className="muted">Open a capture to see its statistics.</p>}
      {error && <p className="error">{error}</p>}
      {loading && (
        <p className="muted st-loading" data-testid="stats-loading">
          {data ? 'Updating…' : 'Counting…'}
        </p>
      )}
      {(tab === 'conv' || tab === 'ep') && stats && (
        <ConvTables
          key={`${cap}\u0000${type}`}
          stats={stats}
          tab={tab}
          type={type}
          widths={widths}
          setWidths={setWidths}
        />
      )}
      {tab === 'phs' && root && <PhsTable key={cap ?? ''} root={root} />}
      {hosts && <HostsTable key={cap ?? ''} hosts={hosts} />}
      {tls && <TlsTable key={cap ?? ''} handshakes={tls} />}
      {expert && <ExpertTable key={cap ?? ''} entries={expert} />}
    </section>
  );
}
