/**
 * The dissection engine: protocol definitions, dissector tables (handoff by key, e.g. "tcp.port" → http),
 * heuristics, the tree builder and expert info. Dissectors never call each other by name: they hand off
 * through tables. A BoundsError thrown while a dissector reads becomes a "Malformed Packet" item (or
 * "Packet size limited during capture" when the frame was cut by the snaplen) and dissection of the packet
 * stops there, as in Wireshark; the rest of the capture is unaffected.
 */
import { BoundsError, ByteView, ContainedBoundsError, resized } from '../bytes/byteview.js';
import { bitFieldText, formatValue, hexPreview, missingBytes } from '../fields/format.js';
import { displayText } from '../fields/text.js';
import { none, proto, registry, type FieldDef, type FieldValue } from '../fields/registry.js';
import type {
  Columns,
  DataSource,
  Dissection,
  Expert,
  ExpertSeverity,
  FrameMeta,
  Item,
  ItemSelection,
  PacketInfo,
} from './types.js';

export type DissectResult = void | boolean;

const CONTAINED = 'length of contained item exceeds length of containing item';

export interface ProtocolSpec {
  /** Filter name, e.g. "tcp". */
  abbrev: string;
  /** Long name, e.g. "Transmission Control Protocol". */
  name: string;
  /** Register in dissector tables: { "ip.proto": 6 } or { "tcp.port": [80, 8080] }. */
  registerIn?: Record<string, number | string | readonly (number | string)[]>;
  /** Try as a heuristic dissector on these tables (e.g. ["tcp"]); must return false when not its data. */
  heuristicIn?: readonly string[];
  /**
   * Other protocols whose fields this layer adds (SSDP adds http.*, LLMNR dns.*). A field otherwise only ever
   * appears in a frame that has its own protocol's layer: filters rely on it to skip frames (fieldOwners).
   */
  fieldsOf?: readonly string[];
  dissect(ctx: DissectCtx): DissectResult;
}

export interface Protocol extends ProtocolSpec {
  field: FieldDef;
}

const protocols = new Map<string, Protocol>();
const tables = new Map<string, Map<string | number, Protocol>>();
const heuristics = new Map<string, Protocol[]>();

export function defineProtocol(spec: ProtocolSpec): Protocol {
  // Every protocol object has the same shape (the optional properties always present): the engine's calls of
  // p.dissect then stay monomorphic instead of a lookup per layer.
  const p: Protocol = {
    abbrev: spec.abbrev,
    name: spec.name,
    registerIn: spec.registerIn,
    heuristicIn: spec.heuristicIn,
    fieldsOf: spec.fieldsOf,
    dissect: spec.dissect,
    field: proto(spec.abbrev, spec.name),
  };
  protocols.set(spec.abbrev, p);
  for (const [table, keys] of Object.entries(spec.registerIn ?? {})) {
    const list = Array.isArray(keys) ? keys : [keys];
    for (const k of list) registerInTable(table, k as string | number, p);
  }
  for (const table of spec.heuristicIn ?? []) {
    const list = heuristics.get(table) ?? [];
    list.push(p);
    heuristics.set(table, list);
  }
  return p;
}

export function registerInTable(table: string, key: string | number, p: Protocol): void {
  let t = tables.get(table);
  if (!t) tables.set(table, (t = new Map()));
  t.set(key, p);
}

export function lookupTable(table: string, key: string | number): Protocol | undefined {
  return tables.get(table)?.get(key);
}

/**
 * Whether `p`, registered in `table`, is also a heuristic there: refusing data on its registered key (QUIC on
 * UDP port 443 given Google QUIC) then leaves no layer behind, as a rejected heuristic attempt does.
 */
function declinesOn(p: Protocol, table: string): boolean {
  return p.heuristicIn !== undefined && p.heuristicIn.includes(table);
}

export function getHeuristics(table: string): readonly Protocol[] {
  return heuristics.get(table) ?? [];
}

export function getProtocol(abbrev: string): Protocol | undefined {
  return protocols.get(abbrev);
}

export function allProtocols(): Protocol[] {
  return [...protocols.values()];
}

const markers = new Set<number>();
const within = new Map<number, number[]>();

/**
 * Marker fields: flags saying what kind of message a layer carries (http.request, http.response; always true,
 * covering no bytes). Every pass records them whatever its selection — a few booleans — so what the first pass
 * saw of a frame (the frame summary) tells a request from a response.
 */
export function declareMarkers(fields: readonly FieldDef[]): void {
  for (const f of fields) markers.add(f.id);
}

export function isMarker(field: FieldDef): boolean {
  return markers.has(field.id);
}

/**
 * Declares that `fields` only ever appear in a frame that also has one of `owners` (markers or protocols):
 * http.request.method comes with http.request (or http.notification). Sharper than the protocol owner.
 */
export function declareWithin(owners: readonly FieldDef[], fields: readonly FieldDef[]): void {
  for (const f of fields)
    within.set(
      f.id,
      owners.map((o) => o.id),
    );
}

let owners: Map<string, number[]> | undefined;
/**
 * The layers a frame has whenever it has an item of `field`: ids of protocol (or marker) fields, one of which is
 * then always among the frame's items. A protocol's own field is its own owner; `tcp.port` is owned by tcp,
 * `dns.qry.name` by dns (and mdns, llmnr, which declare they add dns fields); declareWithin sharpens it.
 * Undefined for fields of no dissector's (frame.*, _ws.*, data.*): they give no condition. The corpus test
 * "frame summary" checks the claim on every frame.
 */
export function fieldOwners(field: FieldDef): readonly number[] | undefined {
  const declared = within.get(field.id);
  if (declared) return declared;
  if (!owners) {
    owners = new Map();
    for (const p of protocols.values()) owners.set(p.abbrev, [p.field.id]);
    for (const p of protocols.values())
      for (const other of p.fieldsOf ?? []) owners.get(other)?.push(p.field.id);
  }
  return owners.get(field.kind === 'protocol' ? field.abbrev : field.abbrev.split('.')[0]);
}

// Wireshark's internal fields.
export const wsText = none('_ws.text', 'Text item');
export const wsMalformed = proto('_ws.malformed', 'Malformed Packet');
export const wsShort = proto('_ws.short', 'Packet size limited during capture');
export const wsExpert = proto('_ws.expert', 'Expert Info');
const wsExpertMessage = registry.register('_ws.expert.message', 'Message', 'string');
const wsExpertSeverity = registry.register('_ws.expert.severity', 'Severity level', 'uint', {
  bits: 32,
  base: 'none',
  strings: {
    0x00100000: 'Comment',
    0x00200000: 'Chat',
    0x00400000: 'Note',
    0x00600000: 'Warning',
    0x00800000: 'Error',
  },
});
const wsExpertGroup = registry.register('_ws.expert.group', 'Group', 'uint', {
  bits: 32,
  base: 'none',
  strings: {
    0x01000000: 'Checksum',
    0x02000000: 'Sequence',
    0x03000000: 'Response',
    0x04000000: 'Request',
    0x05000000: 'Undecoded',
    0x06000000: 'Reassemble',
    0x07000000: 'Malformed',
    0x08000000: 'Debug',
    0x09000000: 'Protocol',
    0x0a000000: 'Security',
    0x0b000000: 'Comment',
    0x0c000000: 'Decryption',
    0x0d000000: 'Assumption',
    0x0e000000: 'Deprecated',
  },
});
/** tshark's severity names in an expert line ("Warning", not "Warn"). */
const SEVERITY_NAME: Record<ExpertSeverity, string> = {
  comment: 'Comment',
  chat: 'Chat',
  note: 'Note',
  warn: 'Warning',
  error: 'Error',
};
export const dataProto = proto('data', 'Data');
const dataData = registry.register('data.data', 'Data', 'bytes');
const dataLen = registry.register('data.len', 'Length', 'uint', { bits: 32 });

const SEVERITY_CODE: Record<ExpertSeverity, number> = {
  comment: 0x00100000,
  chat: 0x00200000,
  note: 0x00400000,
  warn: 0x00600000,
  error: 0x00800000,
};
const GROUP_CODE: Record<string, number> = {
  checksum: 0x01000000,
  sequence: 0x02000000,
  response: 0x03000000,
  request: 0x04000000,
  undecoded: 0x05000000,
  reassemble: 0x06000000,
  malformed: 0x07000000,
  debug: 0x08000000,
  protocol: 0x09000000,
  security: 0x0a000000,
  comment: 0x0b000000,
  decryption: 0x0c000000,
  assumption: 0x0d000000,
  deprecated: 0x0e000000,
};

/**
 * State that lives for the whole capture (TCP streams, HTTP request/response pairing, …), built in one
 * in-order pass (visited = false) and read back when a packet is re-dissected on demand (visited = true).
 */
export class CaptureState {
  private readonly global = new Map<string, unknown>();
  /** Per-frame data by key (e.g. one TCP record per frame), indexed by frame number. */
  private readonly perFrame = new Map<string, FrameTable>();
  /** Timestamp of the first frame (frame.time_relative reference). */
  timeRef?: { s: number; ns: number };
  /** Timestamp of the frame before `n` (frame.time_delta), when known. */
  prevTime?: (n: number) => { s: number; ns: number } | undefined;
  /**
   * For a one-shot pass that displays only some frames (`list -V -Y`): the timestamp of the last frame displayed
   * so far, null before the first. Unset, every frame counts as displayed.
   */
  displayedBefore?: { s: number; ns: number } | null;
  /** Random access to another frame's bytes (for reassembly re-reads); set by the session. */
  readFrame?: (n: number) => Uint8Array;
  /**
   * The TLS key log the capture carries (pcapng Decryption Secrets Blocks), read when a dissector first asks
   * (QUIC decrypts Handshake and 1-RTT packets with it); set by the session.
   */
  keyLog?: () => string;

  /** Protocol-global state, created on first use. */
  get<T>(key: string, init: () => T): T {
    let v = this.global.get(key) as T | undefined;
    if (v === undefined) {
      v = init();
      this.global.set(key, v);
    }
    return v;
  }

  setFrame(key: string, frame: number, value: unknown): void {
    let t = this.perFrame.get(key);
    if (!t) this.perFrame.set(key, (t = new FrameTable()));
    t.set(frame, value);
  }

  getFrame<T>(key: string, frame: number): T | undefined {
    return this.perFrame.get(key)?.get(frame) as T | undefined;
  }

  /**
   * The `index`-th of frame `frame`'s values under `key`: what the first pass kept of one of several calls in a
   * frame (records, header blocks), numbered with DissectCtx.callIndex.
   */
  getFrameItem<T>(key: string, frame: number, index: number): T | undefined {
    return this.getFrame<T[]>(key, frame)?.[index];
  }

  setFrameItem(key: string, frame: number, index: number, value: unknown): void {
    let list = this.getFrame<unknown[]>(key, frame);
    if (!list) this.setFrame(key, frame, (list = []));
    list[index] = value;
  }
}

/**
 * Values by frame number (or another increasing key, such as HTTP's frame × 64 + message). The first pass sets
 * them in frame order, so a table is two columns appended to: the keys (a Float64Array: frame × 64 passes 2³²
 * on a big capture; binary search finds one) and the values (a packed array), 16 bytes per value whatever the
 * frames between. An array indexed by frame costs 8 bytes per frame of the capture, and once under about one
 * frame in 18 has a value V8 turns it into a hash table (each store a hash insertion, the whole table rehashed
 * as it grows). The rare key set out of order (a DNS query's response frame, set when the response comes) goes
 * to a Map.
 */
class FrameTable {
  private keys = new Float64Array(256);
  private readonly vals: unknown[] = [];
  private late: Map<number, unknown> | undefined;

  set(key: number, value: unknown): void {
    const n = this.vals.length;
    if (n === 0 || key > this.keys[n - 1]) {
      if (n === this.keys.length) this.keys = resized(this.keys, n * 2);
      this.keys[n] = key;
      this.vals.push(value);
      return;
    }
    const i = this.find(key);
    if (i >= 0) this.vals[i] = value;
    else (this.late ??= new Map()).set(key, value);
  }

  get(key: number): unknown {
    const i = this.find(key);
    return i >= 0 ? this.vals[i] : this.late?.get(key);
  }

  /** Index of `key` among the appended keys, or -1. */
  private find(key: number): number {
    const k = this.keys;
    let lo = 0;
    let hi = this.vals.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = k[mid];
      if (v === key) return mid;
      if (v < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/** A label, or a function computing it only when the item is really recorded (keeps list/filter passes cheap). */
export type Label = string | (() => string);

interface AddOptions {
  parent?: Item;
  label?: Label;
  generated?: boolean;
  hidden?: boolean;
}

/** wantsAny answers per selection and field group (both live as long as a filter / a module). */
const anyCache = new WeakMap<ReadonlySet<number>, WeakMap<readonly FieldDef[], boolean>>();
const anyColumns = new WeakMap<readonly FieldDef[], boolean>();
const onlyCache = new WeakMap<ReadonlySet<number>, WeakMap<ReadonlySet<number>, boolean>>();

/**
 * Fields that only the link, network and transport layers add, never a dissector of TCP or UDP payload (no
 * protocol here carries IP or Ethernet over TCP/UDP; one that did — VXLAN, Teredo — must take its inner fields
 * out of this list). TCP's reassembly fields are not in it: they are added while the payload is dissected.
 */
const LOWER_LAYER_PREFIXES = ['eth', 'vlan', 'sll', 'null', 'fr', 'ip', 'ipv6', 'udp'];
const TCP_HEADER_FIELDS = new Set([
  'tcp',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.port',
  'tcp.stream',
  'tcp.len',
  'tcp.seq',
  'tcp.seq_raw',
  'tcp.nxtseq',
  'tcp.ack',
  'tcp.ack_raw',
  'tcp.hdr_len',
  'tcp.flags',
  'tcp.flags.res',
  'tcp.flags.ae',
  'tcp.flags.ns',
  'tcp.flags.cwr',
  'tcp.flags.ece',
  'tcp.flags.urg',
  'tcp.flags.ack',
  'tcp.flags.push',
  'tcp.flags.reset',
  'tcp.flags.syn',
  'tcp.flags.fin',
  'tcp.flags.str',
  'tcp.window_size_value',
  'tcp.window_size',
  'tcp.window_size_scalefactor',
  'tcp.checksum',
  'tcp.checksum.status',
  'tcp.urgent_pointer',
]);
/** The layers of a datagram quoted by an ICMP error that sit in the ICMP tree (see DissectCtx.nestHeaders). */
const QUOTED_HEADERS = new Set(['ip', 'ipv6', 'udp', 'tcp', 'icmp', 'icmpv6']);
const FRAME_FIELDS_EXCLUDED = new Set(['frame.protocols', 'frame.coloring_rule.name']);
let lowerIds: Set<number> | undefined;
export function lowerLayerIds(): ReadonlySet<number> {
  if (lowerIds) return lowerIds;
  const ids = new Set<number>();
  for (const def of registry.all()) {
    const a = def.abbrev;
    const top = a.split('.')[0];
    if (
      LOWER_LAYER_PREFIXES.includes(top) ||
      TCP_HEADER_FIELDS.has(a) ||
      (top === 'frame' && !FRAME_FIELDS_EXCLUDED.has(a))
    )
      ids.add(def.id);
  }
  return (lowerIds = ids);
}

/** Shared sink for items a selective dissection does not record; dissectors may still use it as a parent. */
function makeDummy(): Item {
  return { field: wsText, value: null, src: 0, off: 0, len: 0 };
}

export interface TreeMark {
  items: number;
  tree: number;
  layers: number;
  sources: number;
}

class Builder {
  readonly sources: DataSource[];
  readonly tree: Item[] = [];
  readonly byField = new Map<number, Item[]>();
  readonly layers: string[] = [];
  readonly columns: Columns = { source: '', destination: '', protocol: '', info: '' };
  malformed = false;
  readonly dummy = makeDummy();
  /** Every recorded item in order (for rollback). */
  readonly recorded: Item[] = [];
  /** Indices in `layers` of layers nested in another layer's tree (made when the first one is). */
  nested: number[] | undefined;
  /** Where network and transport layers go while a quoted datagram is dissected (DissectCtx.nestHeaders). */
  nestUnder: Item | undefined;

  /** selection === 'all'. */
  readonly full: boolean;

  constructor(
    frameBytes: Uint8Array,
    readonly selection: ItemSelection,
    /** False when the caller reads no column (filter passes). */
    readonly columnsWanted: boolean,
    // What every context of the packet shares (kept here: a context is created per layer).
    readonly frame: FrameMeta,
    readonly pinfo: PacketInfo,
    readonly state: CaptureState,
    readonly visited: boolean,
  ) {
    this.sources = [{ name: 'Frame', bytes: frameBytes }];
    this.full = selection === 'all';
  }

  wants(field: FieldDef): boolean {
    const sel = this.selection;
    if (sel === 'all' || field.kind === 'protocol' || markers.has(field.id)) return true;
    if (sel === 'columns') return false;
    return sel.has(field.id);
  }

  /**
   * Whether dissection may stop at a transport header: on a re-dissection for a caller that reads no column and
   * records nothing but fields no payload dissector adds (LOWER_LAYER_FIELDS).
   */
  payloadNeeded(visited: boolean): boolean {
    const sel = this.selection;
    if (!visited || this.columnsWanted || typeof sel === 'string') return true;
    return !this.recordsOnly(lowerLayerIds());
  }

  /** Whether the selection records nothing but fields in `allowed` (and protocol items in it). */
  recordsOnly(allowed: ReadonlySet<number>): boolean {
    const sel = this.selection;
    if (typeof sel === 'string') return sel === 'columns';
    let bySel = onlyCache.get(sel);
    if (!bySel) onlyCache.set(sel, (bySel = new WeakMap()));
    let r = bySel.get(allowed);
    if (r === undefined) {
      r = true;
      for (const id of sel) if (!allowed.has(id)) r = false;
      bySel.set(allowed, r);
    }
    return r;
  }

  /** wants() of at least one of `fields`, cached per selection and group. */
  wantsAny(fields: readonly FieldDef[]): boolean {
    const sel = this.selection;
    if (sel === 'all') return true;
    let bySel = sel === 'columns' ? anyColumns : anyCache.get(sel);
    if (!bySel) anyCache.set(sel as ReadonlySet<number>, (bySel = new WeakMap()));
    let r = bySel.get(fields);
    if (r === undefined) {
      r = fields.some((f) => this.wants(f));
      bySel.set(fields, r);
    }
    return r;
  }

  record(item: Item, parent: Item | undefined): Item {
    if (!this.wants(item.field)) return this.dummy;
    if (parent && parent !== this.dummy) {
      item.parent = parent;
      (parent.children ??= []).push(item);
    } else {
      this.tree.push(item);
    }
    const list = this.byField.get(item.field.id);
    // A new list as a one-element literal: most fields have one item per frame, and an empty array's first push
    // allocates room for 17.
    if (list) list.push(item);
    else this.byField.set(item.field.id, [item]);
    this.recorded.push(item);
    return item;
  }

  mark(): TreeMark {
    return {
      items: this.recorded.length,
      tree: this.tree.length,
      layers: this.layers.length,
      sources: this.sources.length,
    };
  }

  /** Removes everything recorded after `m` (items, layers, data sources); columns are left as they are. */
  rollback(m: TreeMark): void {
    while (this.recorded.length > m.items) {
      const it = this.recorded.pop() as Item;
      this.byField.get(it.field.id)?.pop();
      if (it.parent) it.parent.children?.pop();
    }
    this.tree.length = m.tree;
    this.truncateLayers(m.layers);
    this.sources.length = m.sources;
  }

  isDummy(item: Item): boolean {
    return item === this.dummy;
  }

  /** Adds a layer name; `nested` when its item sits in another layer's tree (not at the top level). */
  pushLayer(name: string, nested: boolean): void {
    if (nested) (this.nested ??= []).push(this.layers.length);
    this.layers.push(name);
  }

  truncateLayers(n: number): void {
    this.layers.length = n;
    const nested = this.nested;
    while (nested?.length && nested[nested.length - 1] >= n) nested.pop();
  }
}

export class DissectCtx {
  /** The bytes handed to this dissector (offset 0 = its first byte). */
  readonly view: ByteView;
  /** The item of this layer's protocol; add() puts items under it unless told otherwise. */
  readonly top: Item;

  constructor(
    private readonly b: Builder,
    view: ByteView,
    /** Source index and absolute offset of view[0] in that source. */
    readonly src: number,
    readonly base: number,
    top: Item,
  ) {
    this.view = view;
    this.top = top;
  }

  get frame(): FrameMeta {
    return this.b.frame;
  }

  get pinfo(): PacketInfo {
    return this.b.pinfo;
  }

  get state(): CaptureState {
    return this.b.state;
  }

  /** False during the first in-order pass; true when re-dissecting on demand. */
  get visited(): boolean {
    return this.b.visited;
  }

  get columns(): Columns {
    return this.b.columns;
  }

  /** The captured bytes of the whole frame (data source 0). */
  get frameBytes(): Uint8Array {
    return this.b.sources[0].bytes;
  }

  /** Whether items of this field are being recorded (lets dissectors skip expensive work). */
  /** This call's place (0, 1, …) among the frame's calls counted under `key`: alike on every pass. */
  callIndex(key: string): number {
    const k = (this.pinfo.data.get(key) as number | undefined) ?? 0;
    this.pinfo.data.set(key, k + 1);
    return k;
  }

  wants(field: FieldDef): boolean {
    return this.b.wants(field);
  }

  /**
   * Whether any of `fields` is being recorded: lets a dissector skip a whole block of items (and the option
   * objects and values it would build for them) in the list and filter passes. Keep the group array in a
   * module constant: the answer is cached per selection and group.
   */
  wantsAny(fields: readonly FieldDef[]): boolean {
    return this.b.wantsAny(fields);
  }

  /**
   * Whether this pass builds the columns and nothing else (the packet list; tshark's listing of rows, for which
   * Wireshark builds no tree at all).
   */
  get listOnly(): boolean {
    return this.b.selection === 'columns';
  }

  /** Whether the caller reads the columns (false in filter passes: Info text need not be built). */
  get columnsWanted(): boolean {
    return this.b.columnsWanted;
  }

  /**
   * False when a transport dissector may skip its payload: a re-dissection for a filter that reads nothing a
   * payload dissector adds (nor the columns). The first pass always dissects everything (it builds the state).
   */
  get payloadNeeded(): boolean {
    return this.b.payloadNeeded(this.visited);
  }

  /**
   * Whether a re-dissection for a filter records nothing but fields in `allowed` (a module-constant set: the
   * answer is cached per selection and set), so work that only adds other items may be skipped: e.g. HTTP
   * decoding a body for a filter that reads request methods. Never on the first pass or when columns are read.
   */
  onlyNeeds(allowed: ReadonlySet<number>): boolean {
    return this.visited && !this.b.columnsWanted && this.b.recordsOnly(allowed);
  }

  /** Whether the full tree is being built (labels and text items are worth computing). */
  get fullTree(): boolean {
    return this.b.full;
  }

  /** Adds an item for `field` covering view[off, off+len). */
  add(field: FieldDef, off: number, len: number, value: FieldValue = null, opts?: AddOptions): Item {
    if (!this.b.wants(field)) return this.b.dummy; // selective dissection: no allocation for unwanted items
    const item: Item = { field, value, src: this.src, off: this.base + off, len };
    if (opts === undefined) return this.b.record(item, this.top);
    const label = opts.label;
    // A computed label is only read in the full tree (protocol items are recorded in every selection).
    if (label !== undefined && (typeof label !== 'function' || this.fullTree))
      item.label = typeof label === 'function' ? label() : label;
    if (opts.generated) item.generated = true;
    if (opts.hidden) item.hidden = true;
    return this.b.record(item, opts.parent ?? this.top);
  }

  /**
   * Adds an item at the top level of the tree, between layers but not a layer itself (frame.protocols does not
   * list it): Wireshark's "[N Reassembled TCP Segments (…)]" line before the protocol the segments carried.
   */
  topItem(
    field: FieldDef,
    value: FieldValue,
    opts: { label?: Label; generated?: boolean; hidden?: boolean } = {},
    at?: number,
  ): Item {
    if (!this.b.wants(field)) return this.b.dummy;
    const item: Item = { field, value, src: this.src, off: this.base, len: 0 };
    if (opts.label !== undefined && (typeof opts.label !== 'function' || this.fullTree))
      item.label = typeof opts.label === 'function' ? opts.label() : opts.label;
    if (opts.generated) item.generated = true;
    if (opts.hidden) item.hidden = true;
    const tree = this.b.tree;
    this.b.record(item, undefined);
    // At position `at` of the top level (a treeLength() taken earlier): before layers added since.
    if (at !== undefined && at < tree.length - 1) tree.splice(at, 0, tree.pop() as Item);
    return item;
  }

  /** How many items the top level of the tree has now (a position for topItem). */
  treeLength(): number {
    return this.b.tree.length;
  }

  /** A text-only tree line (not filterable), e.g. a header line. */
  text(label: string, off: number, len: number, parent?: Item): Item {
    if (!this.fullTree)
      return this.b.record({ field: wsText, value: null, src: 0, off: 0, len: 0 }, undefined);
    return this.add(wsText, off, len, null, { label, parent });
  }

  /** Sets an item's label after the fact (e.g. a protocol summary line). */
  setLabel(item: Item, label: Label): void {
    // Protocol summary lines are only read in the full tree.
    if (this.b.isDummy(item) || (typeof label === 'function' && !this.fullTree)) return;
    item.label = typeof label === 'function' ? label() : label;
  }

  /** Sets the length of an item once known (e.g. a protocol item whose header length is parsed later). */
  setLength(item: Item, len: number): void {
    if (!this.b.isDummy(item)) item.len = len;
  }

  /** Attaches expert info to `item` (or to this layer) and records an _ws.expert entry. */
  expert(item: Item | undefined, severity: ExpertSeverity, group: string, message: string): void {
    const target = item ?? this.top;
    const dummy = this.b.isDummy(target);
    // The list records no expert items (they matter to filters and the tree only).
    if (dummy && this.b.selection === 'columns') return;
    const expert: Expert = { severity, group, message };
    if (!dummy) target.expert = expert;
    const e = this.add(wsExpert, target.off - this.base, target.len, null, {
      parent: target,
      label: () =>
        `[Expert Info (${SEVERITY_NAME[severity]}/${group[0].toUpperCase()}${group.slice(1)}): ${message}]`,
      generated: true,
    });
    this.add(wsExpertMessage, 0, 0, message, {
      parent: e,
      generated: true,
      hidden: !this.fullTree,
      label: () => `[${message}]`,
    });
    this.add(wsExpertSeverity, 0, 0, SEVERITY_CODE[severity], { parent: e, generated: true });
    this.add(wsExpertGroup, 0, 0, GROUP_CODE[group] ?? 0, { parent: e, generated: true });
  }

  /** Adds a data source (reassembled or decoded bytes) and returns a context over it under the same layer. */
  withSource(name: string, bytes: Uint8Array): DissectCtx {
    this.b.sources.push({ name, bytes });
    const src = this.b.sources.length - 1;
    return this.derive(new ByteView(bytes), src, 0, this.top);
  }

  /** A context sharing this packet's builder and state, over another view / source / parent item. */
  private derive(view: ByteView, src: number, base: number, top: Item): DissectCtx {
    return new DissectCtx(this.b, view, src, base, top);
  }

  /** A context over view[off, off+len) of the same source (same layer). */
  sub(off: number, len = this.view.length - off): DissectCtx {
    return this.derive(this.view.sub(off, len), this.src, this.base + off, this.top);
  }

  /**
   * Hands view[off, off+len) to the protocol registered in `table` under the (first matching) key, then to the
   * table's heuristics; with no taker the bytes become a "Data" item. Returns the protocol that took it.
   */
  handoff(
    table: string,
    keys: number | string | readonly (number | string | undefined)[],
    off: number,
    len?: number,
  ): Protocol | undefined {
    const length = len ?? this.view.length - off;
    if (length <= 0) return undefined;
    if (typeof keys !== 'object') {
      // One key (most callers: an ethertype, an IP protocol), without an array per packet.
      const p = lookupTable(table, keys);
      if (p && this.call(p, off, length, declinesOn(p, table)) !== false) return p;
    } else
      for (const k of keys) {
        if (k === undefined) continue;
        const p = lookupTable(table, k);
        if (p && this.call(p, off, length, declinesOn(p, table)) !== false) return p;
      }
    const heur = heuristics.get(table);
    if (heur) for (const p of heur) if (this.call(p, off, length, true) !== false) return p;
    this.data(off, length);
    return undefined;
  }

  /**
   * Adds a "Data (N bytes)" layer: at the top level, or under `parent` (ICMP's echo data sits in its tree, and
   * is a layer of frame.protocols all the same).
   */
  data(off: number, len = this.view.length - off, parent?: Item): void {
    if (len <= 0) return;
    const ctx = this.layer(dataProto, off, len, parent);
    ctx.setLabel(ctx.top, () => `Data (${len} byte${len === 1 ? '' : 's'})`);
    // Its label is a bytes field's own ("Data: " and the first 36 bytes in hex, see itemLabel).
    if (ctx.wants(dataData)) ctx.add(dataData, 0, len, ctx.view.slice(0, len));
    ctx.add(dataLen, 0, 0, len, { generated: true, label: () => `[Length: ${len}]` });
    if (!this.columns.protocol) this.columns.protocol = 'Data';
  }

  /** Calls protocol `p` on view[off, off+len) as a new top-level layer. Malformed data becomes an item. */
  call(p: Protocol, off: number, len = this.view.length - off, heuristic = false): DissectResult {
    const avail = Math.max(0, Math.min(len, this.view.length - off));
    const ctx = this.layer(p.field, off, avail);
    const mark = this.b.tree.length;
    const layersMark = this.b.layers.length;
    // The columns as they were, for a heuristic's rollback (strings: saving them allocates nothing).
    const cols = this.b.columns;
    const { source, destination, protocol, info } = cols;
    try {
      const r = p.dissect(ctx);
      if (r === false && heuristic) {
        // Roll back a rejected heuristic attempt.
        this.b.tree.length = mark - 1;
        this.b.truncateLayers(layersMark - 1);
        const list = this.b.byField.get(p.field.id);
        if (list && list[list.length - 1] === ctx.top) list.pop();
        cols.source = source;
        cols.destination = destination;
        cols.protocol = protocol;
        cols.info = info;
        return false;
      }
      return r;
    } catch (e) {
      // Any failure inside a dissector stays inside this packet: bounds errors are malformed (or snaplen-cut)
      // data, anything else a dissector bug reported on the packet (Wireshark does the same), never a crash.
      const bug = !(e instanceof BoundsError);
      this.b.malformed = true;
      // An item longer than the data holding it (an 802.11 element past the frame body) is malformed whatever
      // the snaplen, and tshark says so in the Info column.
      const contained = e instanceof ContainedBoundsError;
      const cut = !bug && !contained && this.src === 0 && this.frame.capLen < this.frame.origLen;
      const name = (e instanceof BoundsError && e.part) || p.abbrev.toUpperCase();
      const f = cut ? wsShort : wsMalformed;
      const why = contained ? `: ${CONTAINED}` : '';
      const label = cut
        ? `[Packet size limited during capture: ${name} truncated]`
        : `[Malformed Packet: ${name}${why}]`;
      const item = this.b.record(
        { field: f, value: null, src: this.src, off: this.base + off, len: 0, label },
        undefined,
      );
      this.b.layers.push(f.abbrev);
      if (!cut) {
        const c = this.derive(this.view, this.src, this.base, item);
        c.expert(
          item,
          'error',
          'malformed',
          bug
            ? `Dissector bug, protocol ${name}: ${e instanceof Error ? e.message : String(e)}`
            : 'Malformed Packet (Exception occurred)',
        );
      }
      // tshark appends the tag to the Info text as it stands (no separator of its own).
      this.b.columns.info += cut ? '[Packet size limited during capture]' : `[Malformed Packet${why}]`;
      return undefined;
    }
  }

  private layer(field: FieldDef, off: number, len: number, parent = this.nestedParent(field)): DissectCtx {
    const top = this.b.record({ field, value: null, src: this.src, off: this.base + off, len }, parent);
    this.b.pushLayer(field.abbrev, parent !== undefined);
    return this.derive(this.view.sub(off, len), this.src, this.base + off, top);
  }

  /** A position in the tree to roll back to (e.g. when a sub-dissector asks for more data). */
  mark(): TreeMark {
    return this.b.mark();
  }

  rollback(m: TreeMark): void {
    this.b.rollback(m);
  }

  /**
   * Runs `fn` with the network and transport layers it adds inside `parent`'s tree: the datagram an ICMP error
   * quotes, whose IP and UDP/TCP headers Wireshark shows in the ICMP tree, while what they carry (DNS, data)
   * stays at the top level of the packet (and so in the protocol hierarchy, under the ICMP layer).
   */
  nestHeaders(parent: Item, fn: () => void): void {
    const b = this.b;
    const prev = b.nestUnder;
    b.nestUnder = b.isDummy(parent) ? undefined : parent;
    try {
      fn();
    } finally {
      b.nestUnder = prev;
    }
  }

  private nestedParent(field: FieldDef): Item | undefined {
    const under = this.b.nestUnder;
    return under && QUOTED_HEADERS.has(field.abbrev) ? under : undefined;
  }

  /**
   * Adds a protocol item over view[off, off+len) without calling a dissector (e.g. a media layer): at the top
   * level, or under `parent` (IPv6's extension headers). Either way it is a layer of frame.protocols.
   */
  layerItem(field: FieldDef, off: number, len: number, label?: string, parent?: Item): Item {
    const item: Item = { field, value: null, src: this.src, off: this.base + off, len };
    if (label !== undefined) item.label = label;
    this.b.pushLayer(field.abbrev, parent !== undefined);
    return this.b.record(item, parent);
  }

  /** Protocol stack so far (e.g. ['eth', 'ethertype', 'ip']). */
  get layers(): readonly string[] {
    return this.b.layers;
  }

  /** Adds a pseudo-layer name to frame.protocols without a tree item (Wireshark's "ethertype"). */
  addLayerName(name: string): void {
    this.b.layers.push(name);
  }
}

export interface DissectOptions {
  selection?: ItemSelection;
  /** False when the caller reads no column (filter passes); default true. */
  columns?: boolean;
  /** False during the first in-order pass; true when re-dissecting on demand. */
  visited?: boolean;
}

/** The dissector that starts every frame; installed by core/protocols/frame.ts. */
let frameDissector: ((ctx: DissectCtx) => void) | undefined;
export function setFrameDissector(fn: (ctx: DissectCtx) => void): void {
  frameDissector = fn;
}

/** Dissects one frame. Never throws for malformed data. */
export function dissectFrame(
  meta: FrameMeta,
  bytes: Uint8Array,
  state: CaptureState,
  opts: DissectOptions = {},
): Dissection {
  if (!frameDissector) throw new Error('no frame dissector: import core/protocols');
  const pinfo: PacketInfo = { data: new Map() };
  const b = new Builder(
    bytes,
    opts.selection ?? 'all',
    opts.columns ?? true,
    meta,
    pinfo,
    state,
    opts.visited ?? false,
  );
  const root = new DissectCtx(b, new ByteView(bytes), 0, 0, b.dummy);
  frameDissector(root);
  const cols = b.columns;
  cols.source = pinfo.netSrc ?? pinfo.dlSrc ?? cols.source;
  cols.destination = pinfo.netDst ?? pinfo.dlDst ?? cols.destination;
  return {
    frame: meta,
    sources: b.sources,
    tree: b.tree,
    columns: cols,
    byField: b.byField,
    layers: b.layers,
    malformed: b.malformed,
    ...(b.nested?.length ? { nestedLayers: b.nested } : {}),
  };
}

/** The text a tree line shows (control characters from the packet escaped: see displayText). */
export function itemLabel(item: Item): string {
  return displayText(rawLabel(item));
}

function rawLabel(item: Item): string {
  if (item.label !== undefined) return item.label;
  const f = item.field;
  if (f.kind === 'protocol') return f.name;
  if (f.kind === 'none') return f.name;
  const text =
    f.bitmask !== undefined && !item.generated && item.len > 0
      ? bitFieldText(f, item.value, item.len)
      : f.kind === 'bytes' && item.value instanceof Uint8Array
        ? `${f.name}: ${item.value.length ? hexPreview(item.value) : missingBytes(f)}`
        : truncatedLabel(f.name, formatValue(f, item.value));
  return item.generated ? `[${text}]` : text;
}

/**
 * "Name: value" as Wireshark's label_fill makes it: a label longer than its buffer (ITEM_LABEL_LENGTH, 239
 * bytes) says so after the name and keeps 238 bytes ("JA3 Fullstring [truncated]: 769,49172-…").
 */
function truncatedLabel(name: string, value: string): string {
  const text = `${name}: ${value}`;
  if (text.length < 240 && Buffer.byteLength(text) < 240) return text;
  const cut = Buffer.from(`${name} [truncated]: ${value}`, 'utf8').subarray(0, 238).toString('utf8');
  return cut.replace(/\uFFFD$/, '');
}

/** The bytes an item covers. */
export function itemBytes(d: Dissection, item: Item): Uint8Array {
  const src = d.sources[item.src]?.bytes;
  if (!src) return new Uint8Array(0);
  return src.subarray(item.off, Math.min(src.length, item.off + item.len));
}
