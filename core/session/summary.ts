/**
 * What the first pass learns about every frame, kept compactly (27 bytes a packet) so that display filters on
 * an open capture need not dissect every frame again:
 *
 * - the frame's protocol stack (which layers and markers, how many of each), as an id into a table of the
 *   distinct stacks a capture has (a few dozen), so a filter skips every frame that lacks a field it needs
 *   (`http.request.method` cannot be in a frame without an http.request or http.notification marker, nor
 *   `dns.qry.name` without a dns, mdns or llmnr layer: fieldOwners);
 * - for a frame with at most one Ethernet header, one IPv4 or IPv6 header and one TCP or UDP header, all read
 *   whole from the frame, its MAC and IP addresses and its ports, so a filter reading nothing but those and
 *   protocol names (`ip.addr == 10.0.0.0/8 && tcp.port == 443`, `eth.addr == 00:1b:54:47:49:44`,
 *   `ipv6.addr == fe80::/10`) is answered from here on a stand-in dissection that has exactly the items a real
 *   one would have for those fields (IPv6 addresses as ids into a table of the distinct ones seen);
 * - nothing more for the frame metadata (frame.len, frame.time_relative, …): the stand-in takes it from the
 *   capture's index.
 *
 * A frame is summarised when the first pass dissects it; the stacks are those of the first pass, which later
 * passes repeat (dissectors replay first-pass decisions). The corpus test "frame summary" checks every
 * stand-in item against a real dissection, and the filter-paths test every oracle filter's answer.
 */
import { fieldOwners, allProtocols, isMarker, wsMalformed, wsShort, dataProto } from '../dissect/engine.js';
import type { CaptureState } from '../dissect/engine.js';
import type { Columns, Dissection, FrameMeta, Item } from '../dissect/types.js';
import { registry, type FieldDef, type FieldValue } from '../fields/registry.js';
import { ipv4Text } from '../protocols/l3-ip.js';
import { formatIPv6 } from '../fields/format.js';
import { resized, u32At } from '../bytes/byteview.js';
import { tcpStreamOf } from '../protocols/l4-tcp.js';
import { FRAME_ITEMS, frameItemValues } from '../protocols/frame.js';

/** Frame flags. */
const SIMPLE = 1;

/** A filter's verdict on a frame from the summary alone: no, yes, or cannot tell (dissect the frame). */
export const Verdict = { No: 0, Yes: 1, Dissect: 2 } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** Fields a filter needs and a compiled test (CompiledFilter's shape). */
export interface SummaryFilter {
  fields: ReadonlySet<number>;
  needsAll: boolean;
  needsBytes?: boolean;
  requires?: readonly (readonly number[])[];
  match(d: Dissection): boolean;
}

const field = (abbrev: string): FieldDef => {
  const f = registry.get(abbrev);
  if (!f) throw new Error(`summary: no field ${abbrev}`);
  return f;
};

/** The header fields a stand-in dissection carries, with the protocol item they sit under. */
interface HeaderFields {
  eth: FieldDef;
  ethSrc: FieldDef;
  ethDst: FieldDef;
  ethAddr: FieldDef;
  ip: FieldDef;
  ipSrc: FieldDef;
  ipDst: FieldDef;
  ipAddr: FieldDef;
  ipSrcHost: FieldDef;
  ipDstHost: FieldDef;
  ipHost: FieldDef;
  ipv6: FieldDef;
  ipv6Src: FieldDef;
  ipv6Dst: FieldDef;
  ipv6Addr: FieldDef;
  ipv6SrcHost: FieldDef;
  ipv6DstHost: FieldDef;
  ipv6Host: FieldDef;
  tcp: FieldDef;
  tcpSrc: FieldDef;
  tcpDst: FieldDef;
  tcpPort: FieldDef;
  tcpStream: FieldDef;
  udp: FieldDef;
  udpSrc: FieldDef;
  udpDst: FieldDef;
  udpPort: FieldDef;
}

let hf: HeaderFields | undefined;
function headerFields(): HeaderFields {
  return (hf ??= {
    eth: field('eth'),
    ethSrc: field('eth.src'),
    ethDst: field('eth.dst'),
    ethAddr: field('eth.addr'),
    ip: field('ip'),
    ipSrc: field('ip.src'),
    ipDst: field('ip.dst'),
    ipAddr: field('ip.addr'),
    ipSrcHost: field('ip.src_host'),
    ipDstHost: field('ip.dst_host'),
    ipHost: field('ip.host'),
    ipv6: field('ipv6'),
    ipv6Src: field('ipv6.src'),
    ipv6Dst: field('ipv6.dst'),
    ipv6Addr: field('ipv6.addr'),
    ipv6SrcHost: field('ipv6.src_host'),
    ipv6DstHost: field('ipv6.dst_host'),
    ipv6Host: field('ipv6.host'),
    tcp: field('tcp'),
    tcpSrc: field('tcp.srcport'),
    tcpDst: field('tcp.dstport'),
    tcpPort: field('tcp.port'),
    tcpStream: field('tcp.stream'),
    udp: field('udp'),
    udpSrc: field('udp.srcport'),
    udpDst: field('udp.dstport'),
    udpPort: field('udp.port'),
  });
}

let layerIds: Set<number> | undefined;
/**
 * Fields whose items every pass records alike: the layers (dissectors, frame, data, malformed) and the markers
 * (http.request, http.response).
 */
function layerFieldIds(): Set<number> {
  if (layerIds) return layerIds;
  layerIds = new Set([wsMalformed.id, wsShort.id, dataProto.id, field('frame').id]);
  for (const p of allProtocols()) layerIds.add(p.field.id);
  for (const f of registry.all()) if (isMarker(f)) layerIds.add(f.id);
  return layerIds;
}

let frameIds: Set<number> | undefined;
/** The frame's metadata fields (frame.number, frame.len, frame.time_relative, …): from the index, any frame. */
function frameFieldIds(): Set<number> {
  return (frameIds ??= new Set(FRAME_ITEMS.map((f) => f.id)));
}

let providedIds: Set<number> | undefined;
/** Every field a stand-in dissection answers for. */
function providedFieldIds(): Set<number> {
  if (providedIds) return providedIds;
  const h = headerFields();
  providedIds = new Set([...layerFieldIds(), ...frameFieldIds()]);
  for (const f of Object.values(h)) providedIds.add(f.id);
  return providedIds;
}

/** The fields a stand-in dissection carries: layer protocols and the header fields (for tests). */
export function standInFields(): { layers: ReadonlySet<number>; provided: ReadonlySet<number> } {
  return { layers: layerFieldIds(), provided: providedFieldIds() };
}

const item = (f: FieldDef, parent?: Item): Item =>
  parent
    ? { field: f, value: null, src: 0, off: 0, len: 0, parent }
    : { field: f, value: null, src: 0, off: 0, len: 0 };

/** A network header's address items in a stand-in: source, destination, and the either-way pairs. */
interface NetworkItems {
  src: Item;
  dst: Item;
  addr: [Item, Item];
  srcHost: Item;
  dstHost: Item;
  host: [Item, Item];
}

/** One distinct protocol stack, with a stand-in dissection whose header items are refilled per frame. */
class Stack {
  /** Protocol field id → items of it in the frame. */
  readonly counts = new Map<number, number>();
  /** Header items of the stand-in (absent when the stack has no such layer or more than one). */
  ethSrc?: Item;
  ethDst?: Item;
  ethAddr?: [Item, Item];
  ip?: NetworkItems;
  /** The same for IPv6 (a stack has the one or the other). */
  ipv6?: NetworkItems;
  l4Src?: Item;
  l4Dst?: Item;
  l4Port?: [Item, Item];
  tcpStream?: Item;
  /** Frame metadata items (under the frame item) and their one-item lists, put in byField while present. */
  readonly frameItems = new Map<number, Item[]>();
  readonly standIn: Dissection;
  /** Whether a frame of this stack can be simple (one IPv4 and one transport header at most, not malformed). */
  readonly headerable: boolean;

  constructor(
    readonly id: number,
    /** Protocol field ids of the frame's layer items, in order. */
    readonly order: readonly number[],
  ) {
    const byField = new Map<number, Item[]>();
    const tree: Item[] = [];
    for (const fid of order) {
      this.counts.set(fid, (this.counts.get(fid) ?? 0) + 1);
      const f = registry.byIdOf(fid) as FieldDef;
      const it = item(f);
      if (isMarker(f)) it.value = true; // markers are flags that are always set
      tree.push(it);
      let list = byField.get(fid);
      if (!list) byField.set(fid, (list = []));
      list.push(it);
    }
    const h = headerFields();
    const one = (f: FieldDef) => this.counts.get(f.id) === 1;
    const none = (f: FieldDef) => !this.counts.has(f.id);
    this.headerable =
      !this.counts.has(wsMalformed.id) &&
      !this.counts.has(wsShort.id) &&
      (one(h.eth) || none(h.eth)) &&
      ((one(h.ip) && none(h.ipv6)) || (one(h.ipv6) && none(h.ip)) || (none(h.ip) && none(h.ipv6))) &&
      ((one(h.tcp) && none(h.udp)) || (one(h.udp) && none(h.tcp)) || (none(h.tcp) && none(h.udp)));
    const put = (f: FieldDef, parent: Item): Item => {
      const it = item(f, parent);
      let list = byField.get(f.id);
      if (!list) byField.set(f.id, (list = []));
      list.push(it);
      return it;
    };
    if (this.headerable && one(h.eth)) {
      // In the order the Ethernet dissector adds them: the destination's items, then the source's.
      const eth = (byField.get(h.eth.id) as Item[])[0];
      this.ethDst = put(h.ethDst, eth);
      const a0 = put(h.ethAddr, eth);
      this.ethSrc = put(h.ethSrc, eth);
      this.ethAddr = [a0, put(h.ethAddr, eth)];
    }
    // In the order the IPv4 and IPv6 dissectors add them.
    const network = (
      top: FieldDef,
      [src, addr, srcHost, host, dst, dstHost]: readonly FieldDef[],
    ): NetworkItems => {
      const ip = (byField.get(top.id) as Item[])[0];
      const s = [put(src, ip), put(addr, ip), put(srcHost, ip), put(host, ip)];
      const d = [put(dst, ip), put(addr, ip), put(dstHost, ip), put(host, ip)];
      return { src: s[0], dst: d[0], addr: [s[1], d[1]], srcHost: s[2], dstHost: d[2], host: [s[3], d[3]] };
    };
    if (this.headerable && one(h.ip))
      this.ip = network(h.ip, [h.ipSrc, h.ipAddr, h.ipSrcHost, h.ipHost, h.ipDst, h.ipDstHost]);
    if (this.headerable && one(h.ipv6))
      this.ipv6 = network(h.ipv6, [
        h.ipv6Src,
        h.ipv6Addr,
        h.ipv6SrcHost,
        h.ipv6Host,
        h.ipv6Dst,
        h.ipv6DstHost,
      ]);
    const l4 = this.headerable ? (one(h.tcp) ? h.tcp : one(h.udp) ? h.udp : undefined) : undefined;
    if (l4) {
      const top = (byField.get(l4.id) as Item[])[0];
      const tcp = l4 === h.tcp;
      this.l4Src = put(tcp ? h.tcpSrc : h.udpSrc, top);
      this.l4Dst = put(tcp ? h.tcpDst : h.udpDst, top);
      this.l4Port = [put(tcp ? h.tcpPort : h.udpPort, top), put(tcp ? h.tcpPort : h.udpPort, top)];
      if (tcp) this.tcpStream = put(h.tcpStream, top);
    }
    const frameTop = byField.get(field('frame').id)?.[0];
    if (frameTop) for (const f of FRAME_ITEMS) this.frameItems.set(f.id, [item(f, frameTop)]);
    const columns: Columns = { source: '', destination: '', protocol: '', info: '' };
    const frame: FrameMeta = {
      number: 0,
      tsSec: 0,
      tsNsec: 0,
      capLen: 0,
      origLen: 0,
      linkType: 1,
      interfaceId: 0,
    };
    this.standIn = { frame, sources: [], tree, columns, byField, layers: [], malformed: false };
  }

  has(fid: number): boolean {
    return this.counts.has(fid);
  }
}

/** How one filter uses the summary: per stack, whether frames may match and whether the stand-in answers. */
class Plan {
  /** Per stack id: 0 unknown yet, 1 cannot match, 2 may match (dissect), 3 may match (stand-in answers). */
  private readonly perStack: number[] = [];
  private readonly clauses: number[][];
  /** The filter reads only fields a stand-in carries (and no raw bytes). */
  private readonly standIn: boolean;
  /** ... and some of them are IPv4/TCP/UDP header fields: only a simple frame's stand-in answers. */
  private readonly headers: boolean;
  readonly wantsFrame: boolean;
  readonly wantsHosts: boolean;
  readonly wantsStream: boolean;

  constructor(readonly filter: SummaryFilter) {
    const provided = providedFieldIds();
    const layers = layerFieldIds();
    let standIn = !filter.needsAll && !filter.needsBytes;
    const frame = frameFieldIds();
    let headers = false;
    let wantsFrame = false;
    for (const id of filter.fields) {
      if (!provided.has(id)) standIn = false;
      else if (frame.has(id)) wantsFrame = true;
      else if (!layers.has(id)) headers = true;
    }
    this.standIn = standIn;
    this.headers = headers;
    this.wantsFrame = wantsFrame;
    const h = headerFields();
    this.wantsHosts = [h.ipSrcHost, h.ipDstHost, h.ipHost].some((f) => filter.fields.has(f.id));
    this.wantsStream = filter.fields.has(h.tcpStream.id);
    // Field clauses become layer clauses; a clause with a field of no known owner says nothing.
    this.clauses = [];
    for (const clause of filter.requires ?? []) {
      const protos: number[] = [];
      let known = true;
      for (const fid of clause) {
        const f = registry.byIdOf(fid);
        const own = f && fieldOwners(f);
        if (!own) known = false;
        else protos.push(...own);
      }
      if (known) this.clauses.push(protos);
    }
  }

  stackVerdict(st: Stack): number {
    let v = this.perStack[st.id];
    if (v === undefined) {
      const possible = this.clauses.every((c) => c.some((p) => st.has(p)));
      v = !possible ? 1 : this.standIn && (!this.headers || st.headerable) ? 3 : 2;
      this.perStack[st.id] = v;
    }
    return v;
  }

  /** Whether any frame's stand-in answers (no header field read), simple or not. */
  get anyFrame(): boolean {
    return !this.headers;
  }
}

const plans = new WeakMap<SummaryFilter, Plan>();

export class FrameSummary {
  /** Per frame: 1 + stack id (0: not summarised). */
  private stackOf = new Uint16Array(1024);
  private flags = new Uint8Array(1024);
  /** IPv4 addresses; for an IPv6 frame, ids into v6 (the distinct IPv6 addresses seen). */
  private src = new Uint32Array(1024);
  private dst = new Uint32Array(1024);
  private readonly v6: Uint8Array[] = [];
  private readonly v6Text: string[] = [];
  private readonly v6Ids = new Map<string, number>();
  /** Source port << 16 | destination port. */
  private ports = new Uint32Array(1024);
  /** Ethernet destination and source addresses, 12 bytes a frame. */
  private macs = new Uint8Array(12 * 1024);
  /** The stand-in's address values (refilled per frame). */
  private readonly macDst = new Uint8Array(6);
  private readonly macSrc = new Uint8Array(6);
  private readonly stacks: Stack[] = [];
  /** Stack ids by a hash of their layer sequence. */
  private readonly stackIds = new Map<number, number[]>();
  private readonly order: number[] = [];

  /** Frame metadata by index (from the capture's index), for filters on frame.* fields; set by the session. */
  meta?: (i: number) => FrameMeta;

  constructor(private readonly state: CaptureState) {}

  private readonly collect = (items: readonly unknown[], fid: number): void => {
    if (layerFieldIds().has(fid)) for (let k = 0; k < items.length; k++) this.order.push(fid);
  };

  /** Records what the first pass found in frame index `i` (its dissection `d`, whatever the selection). */
  add(i: number, d: Dissection): void {
    if (i >= this.stackOf.length) this.grow(i + 1);
    const order = this.order;
    order.length = 0;
    // forEach with one callback for all frames: a for…of over the entries allocates a pair per field.
    d.byField.forEach(this.collect);
    let hash = order.length;
    for (let k = 0; k < order.length; k++) hash = (Math.imul(hash, 31) + order[k]) | 0;
    let candidates = this.stackIds.get(hash);
    let id: number | undefined;
    if (candidates) for (const c of candidates) if (sameOrder(this.stacks[c].order, order)) id = c;
    if (id === undefined) {
      if (this.stacks.length >= 0xfffe) return; // more distinct stacks than ever seen: leave unsummarised
      id = this.stacks.length;
      this.stacks.push(new Stack(id, [...order]));
      if (!candidates) this.stackIds.set(hash, (candidates = []));
      candidates.push(id);
    }
    this.stackOf[i] = id + 1;
    const st = this.stacks[id];
    this.flags[i] = st.headerable && this.readHeaders(i, d, st) ? SIMPLE : 0;
  }

  /** Stores the addresses and ports of a headerable frame when its headers are whole in the frame's bytes. */
  private readHeaders(i: number, d: Dissection, st: Stack): boolean {
    const b = d.sources[0].bytes;
    const h = headerFields();
    if (st.ethSrc) {
      const eth = d.byField.get(h.eth.id)?.[0];
      if (!eth || eth.src !== 0 || eth.off + 12 > b.length) return false;
      // A loop, not set(subarray): no view allocated per frame of the first pass.
      for (let k = 0, o = 12 * i; k < 12; k++) this.macs[o + k] = b[eth.off + k];
    }
    if (st.ip) {
      const ip = d.byField.get(h.ip.id)?.[0];
      if (!ip || ip.src !== 0) return false;
      const o = ip.off;
      if (o + 20 > b.length || b[o] >> 4 !== 4 || (b[o] & 15) < 5) return false;
      this.src[i] = u32At(b, o + 12);
      this.dst[i] = u32At(b, o + 16);
    }
    if (st.ipv6) {
      const ip = d.byField.get(h.ipv6.id)?.[0];
      if (!ip || ip.src !== 0) return false;
      const o = ip.off;
      if (o + 40 > b.length || b[o] >> 4 !== 6) return false;
      this.src[i] = this.v6Id(b, o + 8);
      this.dst[i] = this.v6Id(b, o + 24);
    }
    if (st.l4Src) {
      const l4 = d.byField.get((st.tcpStream ? h.tcp : h.udp).id)?.[0];
      if (!l4 || l4.src !== 0) return false;
      const o = l4.off;
      if (st.tcpStream ? o + 20 > b.length || b[o + 12] >> 4 < 5 : o + 8 > b.length) return false;
      this.ports[i] = u32At(b, o);
    }
    return true;
  }

  /** The id of the IPv6 address at b[o, o+16), interned. */
  private v6Id(b: Uint8Array, o: number): number {
    const key = String.fromCharCode(...b.subarray(o, o + 16));
    let id = this.v6Ids.get(key);
    if (id === undefined) {
      id = this.v6.length;
      this.v6.push(b.slice(o, o + 16));
      this.v6Text.push(formatIPv6(b.subarray(o, o + 16)));
      this.v6Ids.set(key, id);
    }
    return id;
  }

  private grow(n: number): void {
    const size = Math.max(n, this.stackOf.length * 2);
    this.stackOf = resized(this.stackOf, size);
    this.flags = resized(this.flags, size);
    this.src = resized(this.src, size);
    this.dst = resized(this.dst, size);
    this.ports = resized(this.ports, size);
    this.macs = resized(this.macs, 12 * size);
  }

  /** Bytes held by the per-frame arrays (capacity grows by doubling, so up to twice 27 B per frame). */
  get residentBytes(): number {
    return [this.stackOf, this.flags, this.src, this.dst, this.ports, this.macs].reduce(
      (n, a) => n + a.byteLength,
      0,
    );
  }

  /** Trims the per-frame arrays to `n` frames (the first pass is complete). */
  trim(n: number): void {
    if (n >= this.stackOf.length) return;
    this.stackOf = this.stackOf.slice(0, n);
    this.flags = this.flags.slice(0, n);
    this.src = this.src.slice(0, n);
    this.dst = this.dst.slice(0, n);
    this.ports = this.ports.slice(0, n);
    this.macs = this.macs.slice(0, 12 * n);
  }

  /** Distinct protocol stacks seen. */
  get stackCount(): number {
    return this.stacks.length;
  }

  /**
   * The filter's verdict on frame index `i` from the summary: No when the frame lacks a layer the filter needs,
   * Yes/No from the stand-in dissection when the filter reads only what it carries, else Dissect.
   */
  verdict(filter: SummaryFilter, i: number): Verdict {
    const s = i < this.stackOf.length ? this.stackOf[i] : 0;
    if (s === 0) return Verdict.Dissect;
    let plan = plans.get(filter);
    if (!plan) plans.set(filter, (plan = new Plan(filter)));
    const st = this.stacks[s - 1];
    const v = plan.stackVerdict(st);
    if (v === 1) return Verdict.No;
    if (v === 2) return Verdict.Dissect;
    const d = this.standIn(i, st, plan);
    if (!d) return Verdict.Dissect;
    return filter.match(d) ? Verdict.Yes : Verdict.No;
  }

  /** The stand-in dissection of frame index `i` (undefined when the summary cannot stand in for it). */
  private standIn(i: number, st: Stack, plan: Plan): Dissection | undefined {
    const d = st.standIn;
    (d.frame as { number: number }).number = i + 1;
    if (plan.wantsFrame) {
      if (!this.meta) return undefined;
      const byField = d.byField;
      for (const id of st.frameItems.keys()) byField.delete(id);
      for (const [f, value] of frameItemValues(this.meta(i), this.state)) {
        const list = st.frameItems.get(f.id);
        if (!list) return undefined;
        list[0].value = value;
        byField.set(f.id, list);
      }
    }
    if (plan.anyFrame) return d;
    if (!(this.flags[i] & SIMPLE)) return undefined;
    if (st.ethSrc) {
      const m = this.macs;
      for (let k = 0, o = 12 * i; k < 6; k++) {
        this.macDst[k] = m[o + k];
        this.macSrc[k] = m[o + 6 + k];
      }
      // Ethernet puts the destination first (eth.addr: destination, then source).
      fill(st.ethDst, st.ethSrc, st.ethAddr, this.macDst, this.macSrc);
    }
    if (st.ip) {
      const src = this.src[i];
      const dst = this.dst[i];
      fill(st.ip.src, st.ip.dst, st.ip.addr, src, dst);
      if (plan.wantsHosts) fill(st.ip.srcHost, st.ip.dstHost, st.ip.host, ipv4Text(src), ipv4Text(dst));
    }
    if (st.ipv6) {
      const src = this.src[i];
      const dst = this.dst[i];
      fill(st.ipv6.src, st.ipv6.dst, st.ipv6.addr, this.v6[src], this.v6[dst]);
      fill(st.ipv6.srcHost, st.ipv6.dstHost, st.ipv6.host, this.v6Text[src], this.v6Text[dst]);
    }
    if (st.l4Src) {
      const p = this.ports[i];
      fill(st.l4Src, st.l4Dst, st.l4Port, p >>> 16, p & 0xffff);
      if (st.tcpStream && plan.wantsStream) {
        const stream = tcpStreamOf(this.state, i + 1);
        if (stream === undefined) return undefined;
        st.tcpStream.value = stream;
      }
    }
    return d;
  }
}

function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Sets a pair of items in the order the dissector adds them (ip.src, ip.dst) and the pair of hidden either-way
 * items (ip.addr) to `a` and `b`.
 */
function fill(
  first: Item | undefined,
  second: Item | undefined,
  both: [Item, Item] | undefined,
  a: FieldValue,
  b: FieldValue,
): void {
  if (first) first.value = a;
  if (second) second.value = b;
  if (both) {
    both[0].value = a;
    both[1].value = b;
  }
}
