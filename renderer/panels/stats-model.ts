/**
 * Pure helpers of the Statistics panel: Wireshark's conversation/endpoint filters, table columns and sorting,
 * and the protocol hierarchy flattened into indented rows with percentages. No React here (unit-tested alone).
 */
import type {
  Conversation,
  ConvType,
  Endpoint,
  ExpertEntry,
  PhsNode,
  ResolvedHost,
  TlsHandshake,
} from '../../core/api/types.js';

export const CONV_TYPES: { type: ConvType; label: string }[] = [
  { type: 'eth', label: 'Ethernet' },
  { type: 'ip', label: 'IPv4' },
  { type: 'ipv6', label: 'IPv6' },
  { type: 'tcp', label: 'TCP' },
  { type: 'udp', label: 'UDP' },
];

export const hasPorts = (type: ConvType): boolean => type === 'tcp' || type === 'udp';

// ── filters ─────────────────────────────────────────────────────────────────────────────────────────────

/** The address field of a table type; tcp/udp addresses are IPv4 or IPv6 by their spelling. */
function addrField(type: ConvType, address: string): string {
  if (type === 'eth') return 'eth.addr';
  if (type === 'ipv6') return 'ipv6.addr';
  if (type === 'ip') return 'ip.addr';
  return address.includes(':') ? 'ipv6.addr' : 'ip.addr';
}

const dirField = (field: string, dir: 'src' | 'dst'): string => field.replace(/addr$/, dir);

export type ConvFilterKind = 'stream' | 'ab' | 'a-to-b' | 'b-to-a' | 'a-any' | 'b-any';

export const CONV_FILTER_LABELS: Record<ConvFilterKind, string> = {
  stream: 'This stream',
  ab: 'A ↔ B',
  'a-to-b': 'A → B',
  'b-to-a': 'B → A',
  'a-any': 'A ↔ Any',
  'b-any': 'B ↔ Any',
};

/**
 * Wireshark's conversation filters ("Apply as Filter" in Statistics › Conversations). The default (no kind) is
 * the stream for tcp/udp rows that have one, else A ↔ B. Undefined when the kind does not apply to the row.
 */
export function conversationFilter(c: Conversation, kind?: ConvFilterKind): string | undefined {
  const k = kind ?? (hasPorts(c.type) && c.stream !== undefined ? 'stream' : 'ab');
  const ports = hasPorts(c.type) && c.portA !== undefined && c.portB !== undefined;
  const fa = addrField(c.type, c.a);
  const fb = addrField(c.type, c.b);
  const end = (field: string, addr: string, port: number | undefined, dir?: 'src' | 'dst'): string => {
    const f = dir ? dirField(field, dir) : field;
    const p = dir ? `${c.type}.${dir}port` : `${c.type}.port`;
    return ports && port !== undefined ? `${f}==${addr} && ${p}==${port}` : `${f}==${addr}`;
  };
  switch (k) {
    case 'stream':
      return hasPorts(c.type) && c.stream !== undefined ? `${c.type}.stream eq ${c.stream}` : undefined;
    case 'ab':
      return `${end(fa, c.a, c.portA)} && ${end(fb, c.b, c.portB)}`;
    case 'a-to-b':
      return `${end(fa, c.a, c.portA, 'src')} && ${end(fb, c.b, c.portB, 'dst')}`;
    case 'b-to-a':
      return `${end(fb, c.b, c.portB, 'src')} && ${end(fa, c.a, c.portA, 'dst')}`;
    case 'a-any':
      return end(fa, c.a, c.portA);
    case 'b-any':
      return end(fb, c.b, c.portB);
  }
}

export function endpointFilter(e: Endpoint): string {
  const f = `${addrField(e.type, e.address)}==${e.address}`;
  return hasPorts(e.type) && e.port !== undefined ? `${f} && ${e.type}.port==${e.port}` : f;
}

/** The filter for a resolved address's packets: ip.addr or ipv6.addr. */
export function hostFilter(h: ResolvedHost): string {
  return `${h.address.includes(':') ? 'ipv6' : 'ip'}.addr==${h.address}`;
}

/** An address that sorts as a number: IPv4 octets (and IPv6 groups) padded, IPv4 before IPv6. */
function addressKey(a: string): string {
  if (!a.includes(':'))
    return `4${a
      .split('.')
      .map((o) => o.padStart(3, '0'))
      .join('.')}`;
  return `6${a}`;
}

export const HOST_COLUMNS: Column<ResolvedHost>[] = [
  {
    key: 'address',
    title: 'Address',
    width: 'addr',
    num: false,
    value: (h) => addressKey(h.address),
    text: (h) => h.address,
  },
  {
    key: 'name',
    title: 'Name',
    width: 'addr',
    num: false,
    value: (h) => h.name.toLowerCase(),
    text: (h) => h.name,
  },
  {
    key: 'frame',
    title: 'Named in',
    width: 'addr',
    num: false,
    // Packets in order; the capture file's own name records before them.
    value: (h) => h.frame ?? 0,
    text: (h) => (h.frame === undefined ? 'capture file (name records)' : `packet ${h.frame}`),
  },
];

const SEVERITY_ORDER = { error: 0, warn: 1, note: 2, chat: 3, comment: 4 } as const;
const SEVERITY_TEXT = {
  error: 'Error',
  warn: 'Warning',
  note: 'Note',
  chat: 'Chat',
  comment: 'Comment',
} as const;
export const expertKey = (e: ExpertEntry): string =>
  `${e.severity}\u0000${e.group}\u0000${e.protocol}\u0000${e.summary}`;

/** A display filter for an expert entry's packets: the message (a packet comment: the comment). */
export function expertFilter(e: ExpertEntry): string {
  const quoted = `"${e.summary
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')}"`;
  return e.severity === 'comment' && e.protocol === 'Frame'
    ? `frame.comment == ${quoted}`
    : `_ws.expert.message == ${quoted}`;
}

export const EXPERT_COLUMNS: Column<ExpertEntry>[] = [
  {
    key: 'severity',
    title: 'Severity',
    width: 88,
    num: false,
    value: (e) => SEVERITY_ORDER[e.severity],
    text: (e) => SEVERITY_TEXT[e.severity],
  },
  {
    key: 'summary',
    title: 'Summary',
    width: 360,
    num: false,
    value: (e) => e.summary,
    text: (e) => e.summary,
  },
  {
    key: 'group',
    title: 'Group',
    width: 88,
    num: false,
    value: (e) => e.group,
    text: (e) => `${e.group[0].toUpperCase()}${e.group.slice(1)}`,
  },
  {
    key: 'protocol',
    title: 'Protocol',
    width: 80,
    num: false,
    value: (e) => e.protocol,
    text: (e) => e.protocol,
  },
  {
    key: 'count',
    title: 'Count',
    width: 60,
    num: true,
    value: (e) => e.count,
    text: (e) => e.count.toLocaleString('en-US'),
  },
  {
    key: 'first',
    title: 'First packet',
    width: 96,
    num: true,
    value: (e) => e.frames[0] ?? 0,
    text: (e) => String(e.frames[0] ?? ''),
  },
];

// ── columns and sorting ─────────────────────────────────────────────────────────────────────────────────

/** "10.0.0.1:443" / "[2001:db8::1]:443" sorted by address, then port. */
function endpointKey(e: string): string {
  const m = /^(?:\[(.*)\]|([\d.]+)):(\d+)$/.exec(e);
  return m ? `${addressKey(m[1] ?? m[2])}:${m[3].padStart(5, '0')}` : e;
}

/** A text column of a TLS handshake (sorted as text, sized from the content). */
const tlsText = (key: keyof TlsHandshake & string, title: string): Column<TlsHandshake> => ({
  key,
  title,
  width: 'addr',
  num: false,
  value: (h) => String(h[key]),
  text: (h) => String(h[key]),
});

/** Statistics › TLS Handshakes: the ends, what the client asked for, what the server chose and sent. */
export const TLS_COLUMNS: Column<TlsHandshake>[] = [
  {
    key: 'frame',
    title: 'Packet',
    width: 70,
    num: true,
    value: (h) => h.frame,
    text: (h) => String(h.frame),
  },
  { ...tlsText('client', 'Client'), value: (h) => endpointKey(h.client) },
  { ...tlsText('server', 'Server'), value: (h) => endpointKey(h.server) },
  tlsText('sni', 'Server Name'),
  tlsText('version', 'Version'),
  tlsText('cipherSuite', 'Cipher Suite'),
  tlsText('ja3', 'JA3'),
  tlsText('ja3s', 'JA3S'),
  tlsText('subject', 'Certificate Subject'),
  tlsText('issuer', 'Issuer'),
  tlsText('notAfter', 'Valid Until'),
  tlsText('alpn', 'ALPN'),
];

export interface Column<T> {
  key: string;
  title: string;
  /** Width in px; 'addr' columns are sized from their content. */
  width: number | 'addr';
  num: boolean;
  value(row: T): number | string;
  text(row: T): string;
  /** Only for tcp/udp tables. */
  ports?: boolean;
}

const int = (n: number): string => n.toLocaleString('en-US');
const opt = (n: number | undefined): string => (n === undefined ? '' : String(n));

export const convPackets = (c: Conversation): number => c.framesAB + c.framesBA;
export const convBytes = (c: Conversation): number => c.bytesAB + c.bytesBA;

export const CONV_COLUMNS: Column<Conversation>[] = [
  {
    key: 'stream',
    title: 'Stream',
    width: 66,
    num: true,
    ports: true,
    value: (c) => c.stream ?? -1,
    text: (c) => opt(c.stream),
  },
  { key: 'a', title: 'Address A', width: 'addr', num: false, value: (c) => c.a, text: (c) => c.a },
  {
    key: 'portA',
    title: 'Port A',
    width: 72,
    num: true,
    ports: true,
    value: (c) => c.portA ?? -1,
    text: (c) => opt(c.portA),
  },
  { key: 'b', title: 'Address B', width: 'addr', num: false, value: (c) => c.b, text: (c) => c.b },
  {
    key: 'portB',
    title: 'Port B',
    width: 72,
    num: true,
    ports: true,
    value: (c) => c.portB ?? -1,
    text: (c) => opt(c.portB),
  },
  {
    key: 'packets',
    title: 'Packets',
    width: 78,
    num: true,
    value: convPackets,
    text: (c) => int(convPackets(c)),
  },
  { key: 'bytes', title: 'Bytes', width: 100, num: true, value: convBytes, text: (c) => int(convBytes(c)) },
  {
    key: 'framesAB',
    title: 'Packets A → B',
    width: 120,
    num: true,
    value: (c) => c.framesAB,
    text: (c) => int(c.framesAB),
  },
  {
    key: 'bytesAB',
    title: 'Bytes A → B',
    width: 112,
    num: true,
    value: (c) => c.bytesAB,
    text: (c) => int(c.bytesAB),
  },
  {
    key: 'framesBA',
    title: 'Packets B → A',
    width: 120,
    num: true,
    value: (c) => c.framesBA,
    text: (c) => int(c.framesBA),
  },
  {
    key: 'bytesBA',
    title: 'Bytes B → A',
    width: 112,
    num: true,
    value: (c) => c.bytesBA,
    text: (c) => int(c.bytesBA),
  },
  {
    key: 'start',
    title: 'Rel Start',
    width: 96,
    num: true,
    value: (c) => c.start,
    text: (c) => c.start.toFixed(6),
  },
  {
    key: 'duration',
    title: 'Duration',
    width: 84,
    num: true,
    value: (c) => c.duration,
    text: (c) => c.duration.toFixed(4),
  },
];

export const epPackets = (e: Endpoint): number => e.framesTx + e.framesRx;
export const epBytes = (e: Endpoint): number => e.bytesTx + e.bytesRx;

export const EP_COLUMNS: Column<Endpoint>[] = [
  {
    key: 'address',
    title: 'Address',
    width: 'addr',
    num: false,
    value: (e) => e.address,
    text: (e) => e.address,
  },
  {
    key: 'port',
    title: 'Port',
    width: 72,
    num: true,
    ports: true,
    value: (e) => e.port ?? -1,
    text: (e) => opt(e.port),
  },
  {
    key: 'packets',
    title: 'Packets',
    width: 78,
    num: true,
    value: epPackets,
    text: (e) => int(epPackets(e)),
  },
  { key: 'bytes', title: 'Bytes', width: 100, num: true, value: epBytes, text: (e) => int(epBytes(e)) },
  {
    key: 'framesTx',
    title: 'Tx Packets',
    width: 96,
    num: true,
    value: (e) => e.framesTx,
    text: (e) => int(e.framesTx),
  },
  {
    key: 'bytesTx',
    title: 'Tx Bytes',
    width: 100,
    num: true,
    value: (e) => e.bytesTx,
    text: (e) => int(e.bytesTx),
  },
  {
    key: 'framesRx',
    title: 'Rx Packets',
    width: 96,
    num: true,
    value: (e) => e.framesRx,
    text: (e) => int(e.framesRx),
  },
  {
    key: 'bytesRx',
    title: 'Rx Bytes',
    width: 100,
    num: true,
    value: (e) => e.bytesRx,
    text: (e) => int(e.bytesRx),
  },
];

export function columnsFor<T>(cols: Column<T>[], type: ConvType): Column<T>[] {
  return cols.filter((c) => !c.ports || hasPorts(type));
}

export interface SortState {
  key: string;
  dir: 1 | -1;
}

export const DEFAULT_SORT: SortState = { key: 'bytes', dir: -1 };

/** Clicking a header: the same column flips direction; a new one starts descending for numbers (largest first). */
export function nextSort<T>(cur: SortState, col: Column<T>): SortState {
  if (cur.key === col.key) return { key: col.key, dir: cur.dir === 1 ? -1 : 1 };
  return { key: col.key, dir: col.num ? -1 : 1 };
}

// Numeric collation orders "10.0.0.9" before "10.0.0.10" and ports inside addresses naturally.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** A sorted copy; ties keep their original (first seen) order. */
export function sortRows<T>(rows: readonly T[], cols: Column<T>[], sort: SortState): T[] {
  const col = cols.find((c) => c.key === sort.key);
  if (!col) return [...rows];
  const keyed = rows.map((r, i) => ({ r, i, v: col.value(r) }));
  keyed.sort((x, y) => {
    const c =
      typeof x.v === 'number' && typeof y.v === 'number'
        ? x.v - y.v
        : collator.compare(String(x.v), String(y.v));
    return c * sort.dir || x.i - y.i;
  });
  return keyed.map((k) => k.r);
}

/** Pixel width of an address column: enough for its longest address in 12px monospace, within bounds. */
export function addrWidth(texts: Iterable<string>, title: string): number {
  let n = title.length;
  for (const t of texts) if (t.length > n) n = t.length;
  return Math.round(Math.min(300, Math.max(90, n * 7.3 + 16)));
}

/** Column widths the user dragged, by table ('conv:tcp', 'ep:udp', …) then column key. */
export type ColumnWidths = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** `all` with one column's dragged width set, or (undefined) dropped so the column has its default again. */
export function withWidth(
  all: ColumnWidths,
  table: string,
  col: string,
  width: number | undefined,
): ColumnWidths {
  const { [col]: _old, ...rest } = all[table] ?? {};
  return { ...all, [table]: width === undefined ? rest : { ...rest, [col]: width } };
}

// ── protocol hierarchy ──────────────────────────────────────────────────────────────────────────────────

export interface PhsRow {
  /** Path of names from the top, '/'-joined: unique, stable across refreshes. */
  key: string;
  name: string;
  depth: number;
  frames: number;
  bytes: number;
  pctFrames: number;
  pctBytes: number;
  /** Frames/bytes for which this protocol is the last one (Wireshark's End Packets / End Bytes). */
  endFrames: number;
  endBytes: number;
  hasChildren: boolean;
  open: boolean;
}

/** All frames and bytes: the root's own counts, or (a root that does not count) the sum of the top protocols. */
export function phsTotals(root: PhsNode): { frames: number; bytes: number } {
  if (root.frames > 0) return { frames: root.frames, bytes: root.bytes };
  let frames = 0;
  let bytes = 0;
  for (const c of root.children) {
    frames += c.frames;
    bytes += c.bytes;
  }
  return { frames, bytes };
}

/** The tree as visible rows (children of collapsed nodes left out), percentages of all frames and bytes. */
export function phsRows(root: PhsNode, collapsed: ReadonlySet<string> = new Set()): PhsRow[] {
  const total = phsTotals(root);
  const out: PhsRow[] = [];
  const pct = (n: number, of: number): number => (of > 0 ? (100 * n) / of : 0);
  const walk = (nodes: PhsNode[], depth: number, prefix: string) => {
    for (const n of nodes) {
      const key = prefix ? `${prefix}/${n.name}` : n.name;
      let cf = 0;
      let cb = 0;
      for (const c of n.children) {
        cf += c.frames;
        cb += c.bytes;
      }
      const open = !collapsed.has(key);
      out.push({
        key,
        name: n.name,
        depth,
        frames: n.frames,
        bytes: n.bytes,
        pctFrames: pct(n.frames, total.frames),
        pctBytes: pct(n.bytes, total.bytes),
        endFrames: Math.max(0, n.frames - cf),
        endBytes: Math.max(0, n.bytes - cb),
        hasChildren: n.children.length > 0,
        open,
      });
      if (open) walk(n.children, depth + 1, key);
    }
  };
  walk(root.children, 0, '');
  return out;
}

/** Keys of every node that has children (for "collapse all"). */
export function phsParents(root: PhsNode): string[] {
  const out: string[] = [];
  const walk = (nodes: PhsNode[], prefix: string) => {
    for (const n of nodes) {
      const key = prefix ? `${prefix}/${n.name}` : n.name;
      if (n.children.length) {
        out.push(key);
        walk(n.children, key);
      }
    }
  };
  walk(root.children, '');
  return out;
}

export const pctText = (p: number): string => `${p.toFixed(2)}%`;

/** The display filter for a protocol row: its name (Wireshark's "Apply as Filter › Selected"). */
export const phsFilter = (row: Pick<PhsRow, 'name'>): string => row.name;

// ── copy ────────────────────────────────────────────────────────────────────────────────────────────────

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** A table as CSV (RFC 4180, CRLF), in the order shown; numbers without thousands separators. */
export function tableCsv<T>(cols: Column<T>[], rows: readonly T[]): string {
  const lines = [cols.map((c) => csvCell(c.title)).join(',')];
  for (const r of rows)
    lines.push(cols.map((c) => csvCell(c.num ? c.text(r).replace(/,/g, '') : c.text(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The protocol hierarchy as CSV; the protocol indented two spaces per level, as tshark prints it. */
export function phsCsv(rows: readonly PhsRow[]): string {
  const lines = ['Protocol,Percent Packets,Packets,Percent Bytes,Bytes,End Packets,End Bytes'];
  for (const r of rows)
    lines.push(
      [
        csvCell(`${'  '.repeat(r.depth)}${r.name}`),
        r.pctFrames.toFixed(2),
        r.frames,
        r.pctBytes.toFixed(2),
        r.bytes,
        r.endFrames,
        r.endBytes,
      ].join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}
