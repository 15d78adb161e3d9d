/**
 * Display filters over the fast lane's frames (`wirelens list -Y` in one shot): a filter that reads only fields
 * the lane knows exactly — the frame's metadata, the Ethernet, IPv4/IPv6, TCP/UDP headers' addresses and ports,
 * which layers the frame has (eth, ip, tcp, http, dns, …), HTTP's first-line fields and DNS's question name — is
 * evaluated on a stand-in dissection carrying just the items a real one has for those fields, in the same
 * order, with the same values. The lane vouches for the frame's dissection (lane.ts), so the filter's answer is
 * the engine's; frames of the address pairs the lane gives up on are the engine's to filter. Tests compare every
 * stand-in item with the engine's dissection on the corpus, and `list -Y` rows with the engine's.
 */
import { registry, type FieldDef, type FieldValue } from '../fields/registry.js';
import { ipv4Text } from '../protocols/l3-ip.js';
import { formatIPv6 } from '../fields/format.js';
import { FRAME_ITEMS, frameItemValues } from '../protocols/frame.js';
import type { CaptureState } from '../dissect/engine.js';
import type { Dissection, FrameMeta, Item } from '../dissect/types.js';
import { LAYER, type LaneColumns } from './lane.js';

/** A frame the lane vouched for: its bytes, what the lane read of them, and its metadata (made when asked). */
export interface LaneFrame {
  no: number;
  bytes: Uint8Array;
  cols: LaneColumns;
  meta(): FrameMeta;
}

/** Values of a field in a frame (in the order the engine adds its items); called only when `needs` holds. */
type Values = (f: LaneFrame, frameValues: () => readonly [FieldDef, FieldValue][]) => readonly FieldValue[];

interface LaneField {
  field: FieldDef;
  /** The layer whose item its items sit under (undefined: it is a layer). */
  layer: string | undefined;
  /** LAYER bit the frame must have for the field's items to be there (0: every frame). */
  needs: number;
  values: Values;
}

const mac = (at: number) => (f: LaneFrame) => f.bytes.subarray(at, at + 6);
const v6 = (at: number) => (f: LaneFrame) => f.bytes.subarray(at, at + 16);
const v6Text = (at: number) => (f: LaneFrame) => formatIPv6(f.bytes.subarray(at, at + 16));

/** The fields the lane answers for, by abbreviation (the layers in the order a frame has them). */
function laneFields(): Map<string, Omit<LaneField, 'field'>> {
  const fields = new Map<string, Omit<LaneField, 'field'>>();
  const layer = (abbrev: string, needs: number) =>
    fields.set(abbrev, { layer: undefined, needs, values: () => [null] });
  const add = (abbrev: string, under: string, needs: number, values: Values) =>
    fields.set(abbrev, { layer: under, needs, values });
  const pair = <T extends FieldValue>(a: (f: LaneFrame) => T, b: (f: LaneFrame) => T): Values => {
    return (f) => [a(f), b(f)];
  };
  layer('frame', 0);
  for (const m of FRAME_ITEMS) {
    const id = m.id;
    add(m.abbrev, 'frame', 0, (_f, frameValues) => {
      for (const [field, v] of frameValues()) if (field.id === id) return [v];
      return [];
    });
  }
  layer('eth', LAYER.ETH);
  // Ethernet adds the destination first.
  add('eth.dst', 'eth', LAYER.ETH, (f) => [mac(0)(f)]);
  add('eth.src', 'eth', LAYER.ETH, (f) => [mac(6)(f)]);
  add('eth.addr', 'eth', LAYER.ETH, pair(mac(0), mac(6)));
  layer('ip', LAYER.IP);
  const src4 = (f: LaneFrame) => f.cols.src4;
  const dst4 = (f: LaneFrame) => f.cols.dst4;
  add('ip.src', 'ip', LAYER.IP, (f) => [src4(f)]);
  add('ip.dst', 'ip', LAYER.IP, (f) => [dst4(f)]);
  add('ip.addr', 'ip', LAYER.IP, pair(src4, dst4));
  add('ip.src_host', 'ip', LAYER.IP, (f) => [ipv4Text(src4(f))]);
  add('ip.dst_host', 'ip', LAYER.IP, (f) => [ipv4Text(dst4(f))]);
  add('ip.host', 'ip', LAYER.IP, (f) => [ipv4Text(src4(f)), ipv4Text(dst4(f))]);
  layer('ipv6', LAYER.IPV6);
  add('ipv6.src', 'ipv6', LAYER.IPV6, (f) => [v6(22)(f)]);
  add('ipv6.dst', 'ipv6', LAYER.IPV6, (f) => [v6(38)(f)]);
  add('ipv6.addr', 'ipv6', LAYER.IPV6, pair(v6(22), v6(38)));
  add('ipv6.src_host', 'ipv6', LAYER.IPV6, (f) => [v6Text(22)(f)]);
  add('ipv6.dst_host', 'ipv6', LAYER.IPV6, (f) => [v6Text(38)(f)]);
  add('ipv6.host', 'ipv6', LAYER.IPV6, pair(v6Text(22), v6Text(38)));
  layer('arp', LAYER.ARP);
  layer('icmp', LAYER.ICMP);
  for (const [l4, bit] of [
    ['tcp', LAYER.TCP],
    ['udp', LAYER.UDP],
  ] as const) {
    const sp = (f: LaneFrame) => f.cols.facts.sp;
    const dp = (f: LaneFrame) => f.cols.facts.dp;
    layer(l4, bit);
    add(`${l4}.srcport`, l4, bit, (f) => [sp(f)]);
    add(`${l4}.dstport`, l4, bit, (f) => [dp(f)]);
    add(`${l4}.port`, l4, bit, pair(sp, dp));
  }
  layer('esp', LAYER.ESP);
  layer('dns', LAYER.DNS);
  add('dns.qry.name', 'dns', LAYER.DNS, (f) => [f.cols.facts.dnsName]);
  layer('http', LAYER.HTTP);
  const line = (f: LaneFrame) => {
    const l = f.cols.facts.http;
    if (!l) throw new Error('fast lane: an HTTP layer without its first line');
    return l;
  };
  // Markers (always-true flags of a request or a response).
  add('http.request', 'http', LAYER.HTTP_REQUEST, () => [true]);
  add('http.response', 'http', LAYER.HTTP_RESPONSE, () => [true]);
  add('http.request.method', 'http', LAYER.HTTP_REQUEST, (f) => [line(f).method]);
  add('http.request.uri', 'http', LAYER.HTTP_REQUEST, (f) => [line(f).uri]);
  add('http.request.version', 'http', LAYER.HTTP_REQUEST, (f) => [line(f).version]);
  add('http.response.version', 'http', LAYER.HTTP_RESPONSE, (f) => [line(f).version]);
  add('http.response.code', 'http', LAYER.HTTP_RESPONSE, (f) => [line(f).code]);
  return fields;
}

let table: Map<number, LaneField> | undefined;
/** The lane's fields by field id. */
function laneFieldTable(): Map<number, LaneField> {
  if (table) return table;
  table = new Map();
  for (const [abbrev, f] of laneFields()) {
    const field = registry.get(abbrev);
    if (!field) throw new Error(`fast lane: no field ${abbrev}`);
    table.set(field.id, { field, ...f });
  }
  return table;
}

/** The abbreviations of the fields a lane stand-in carries (for tests). */
export function laneFilterFields(): string[] {
  return [...laneFieldTable().values()].map((f) => f.field.abbrev);
}

/** What a filter has to be for the lane to evaluate it (CompiledFilter's shape). */
export interface LaneFilterable {
  fields: ReadonlySet<number>;
  needsAll: boolean;
  needsBytes: boolean;
  requires: readonly (readonly number[])[];
  match(d: Dissection): boolean;
}

/** Whether the lane can evaluate `filter`: it reads only fields the lane knows, and no bytes. */
export function laneFilterable(filter: Omit<LaneFilterable, 'match' | 'requires'>): boolean {
  if (filter.needsAll || filter.needsBytes) return false;
  const t = laneFieldTable();
  for (const fid of filter.fields) if (!t.has(fid)) return false;
  return true;
}

const blankItem = (field: FieldDef): Item => ({ field, value: null, src: 0, off: 0, len: 0 });

/** One field's items in a stand-in: reused frame after frame. */
interface Slot {
  def: LaneField;
  items: Item[];
  /** The list put in byField (a prefix of `items`, refilled per frame). */
  list: Item[];
}

/** A display filter evaluated on the lane's frames (see the top of this file). */
export class LaneFilter {
  /** Per `requires` clause, the LAYER bits any of which satisfies it (-1: every frame does). */
  private readonly clauses: number[];
  /** The layers the filter's fields sit in (tree order), then the other fields. */
  private readonly layers: Slot[] = [];
  private readonly others: Slot[] = [];
  private readonly d: Dissection;
  private frame: LaneFrame | undefined;
  private frameValues: [FieldDef, FieldValue][] | undefined;

  private constructor(
    private readonly filter: LaneFilterable,
    private readonly state: CaptureState,
  ) {
    const t = laneFieldTable();
    this.clauses = filter.requires.map((clause) => {
      let bits = 0;
      for (const fid of clause) {
        // (A field the lane does not know says nothing of the frame: the clause may hold.)
        const needs = t.get(fid)?.needs ?? 0;
        if (needs === 0) return -1;
        bits |= needs;
      }
      return bits;
    });
    const layerOf = new Map<string, Slot>();
    const slot = (def: LaneField): Slot => ({ def, items: [], list: [] });
    // Every layer in the order frames have them (the table's), kept when one of the filter's fields is in it.
    const used = new Set<string>();
    for (const fid of filter.fields) {
      const def = t.get(fid) as LaneField;
      used.add(def.layer ?? def.field.abbrev);
    }
    for (const def of t.values())
      if (def.layer === undefined && used.has(def.field.abbrev)) {
        const s = slot(def);
        s.items.push(blankItem(def.field));
        this.layers.push(s);
        layerOf.set(def.field.abbrev, s);
      }
    for (const fid of filter.fields) {
      const def = t.get(fid) as LaneField;
      if (def.layer !== undefined) {
        const s = slot(def);
        const top = (layerOf.get(def.layer) as Slot).items[0];
        for (let k = 0; k < 2; k++) s.items.push({ ...blankItem(def.field), parent: top });
        this.others.push(s);
      }
    }
    this.d = {
      frame: { number: 0, tsSec: 0, tsNsec: 0, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0 },
      sources: [],
      tree: [],
      columns: { source: '', destination: '', protocol: '', info: '' },
      byField: new Map(),
      layers: [],
      malformed: false,
    };
  }

  /** The lane's evaluation of `filter`, or undefined when the filter reads something the lane does not know. */
  static of(filter: LaneFilterable, state: CaptureState): LaneFilter | undefined {
    return laneFilterable(filter) ? new LaneFilter(filter, state) : undefined;
  }

  /** The frame's metadata items and their values (made once per frame, when a filter reads one). */
  private readonly values = (): readonly [FieldDef, FieldValue][] =>
    (this.frameValues ??= frameItemValues((this.frame as LaneFrame).meta(), this.state));

  /**
   * The stand-in dissection of a frame the lane vouched for: the filter's fields' items (undefined when it
   * lacks every field of a clause the filter requires: the filter cannot match).
   */
  standIn(f: LaneFrame): Dissection | undefined {
    const layers = f.cols.facts.layers;
    for (const c of this.clauses) if (c !== -1 && !(layers & c)) return undefined;
    const d = this.d;
    (d.frame as { number: number }).number = f.no;
    d.byField.clear();
    d.tree.length = 0;
    this.frame = f;
    this.frameValues = undefined;
    for (const s of this.layers) {
      if (s.def.needs !== 0 && !(layers & s.def.needs)) continue;
      d.tree.push(s.items[0]);
      if (this.filter.fields.has(s.def.field.id)) {
        s.list[0] = s.items[0];
        s.list.length = 1;
        d.byField.set(s.def.field.id, s.list);
      }
    }
    for (const s of this.others) {
      if (s.def.needs !== 0 && !(layers & s.def.needs)) continue;
      const vs = s.def.values(f, this.values);
      if (!vs.length) continue;
      s.list.length = vs.length;
      for (let k = 0; k < vs.length; k++) {
        s.items[k].value = vs[k];
        s.list[k] = s.items[k];
      }
      d.byField.set(s.def.field.id, s.list);
    }
    this.frame = undefined;
    return d;
  }

  /** Whether the filter matches the frame. */
  matches(f: LaneFrame): boolean {
    const d = this.standIn(f);
    return d !== undefined && this.filter.match(d);
  }
}

/** The stand-in items of every field the lane knows, for frame `f` (tests compare them with the engine's). */
export function laneItems(f: LaneFrame, state: CaptureState): Map<string, FieldValue[]> {
  const all = new Set(laneFieldTable().keys());
  const lf = LaneFilter.of(
    { fields: all, needsAll: false, needsBytes: false, requires: [], match: () => true },
    state,
  ) as LaneFilter;
  const d = lf.standIn(f) as Dissection;
  const out = new Map<string, FieldValue[]>();
  for (const [fid, items] of d.byField)
    out.set(
      (registry.byIdOf(fid) as FieldDef).abbrev,
      items.map((it) => it.value),
    );
  return out;
}
