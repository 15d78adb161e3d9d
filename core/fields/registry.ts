/**
 * The one field registry (Wireshark's hf_ registry): every field a dissector can add is declared once with its
 * abbreviation, display name, type and base. Dissectors, the display-filter engine and the UI (autocomplete,
 * tree labels) all use it. Protocol names are fields too (`tcp`, `http`).
 */

export type FieldKind =
  | 'protocol' // a protocol (its value is the bytes it covers)
  | 'none' // a text-only label item (FT_NONE)
  | 'bool'
  | 'uint'
  | 'int'
  | 'float'
  | 'string'
  | 'bytes'
  | 'ether'
  | 'ipv4'
  | 'ipv6'
  | 'abs_time'
  | 'rel_time'
  | 'framenum';

/**
 * 'none': BASE_NONE, a value string's name shown without the number. 'oui': a 24-bit IEEE OUI (BASE_OUI), shown
 * in hex and printed by -T fields in decimal, as tshark does.
 */
export type FieldBase = 'dec' | 'hex' | 'oct' | 'dec_hex' | 'hex_dec' | 'oui' | 'none';

/** Seconds + nanoseconds (both integers, ns in [0, 1e9)). Used for abs_time and rel_time. */
export interface TimeValue {
  s: number;
  ns: number;
}

/**
 * The value an item carries, by kind:
 * bool → boolean; uint/int/framenum → number (bigint for 64-bit fields above 2^53); float → number;
 * string → string; bytes/ether/ipv6 → Uint8Array; ipv4 → number (host order uint32);
 * abs_time/rel_time → TimeValue; protocol/none → null (a protocol's bytes come from the item's range).
 */
export type FieldValue = boolean | number | bigint | string | Uint8Array | TimeValue | null;

export interface FieldDef {
  /** Dense numeric id, for fast lookups in typed structures. */
  readonly id: number;
  /** Filter name, e.g. `tcp.srcport`. */
  readonly abbrev: string;
  /** Display name, e.g. `Source Port`. */
  readonly name: string;
  readonly kind: FieldKind;
  /** Width in bits for uint/int (8, 16, 24, 32, 64). */
  readonly bits?: number;
  readonly base?: FieldBase;
  /** Bit mask within the containing integer, for flag fields (display only). */
  readonly bitmask?: number;
  /** Value strings: number → text (e.g. ip.proto 6 → "TCP"). Also accepted as literals in filters. */
  readonly strings?: ReadonlyMap<number, string>;
  /** Labels for bool true/false (e.g. ["Set", "Not set"]). */
  readonly trueFalse?: readonly [string, string];
  readonly blurb?: string;
  /**
   * Bytes that may be empty (Wireshark's BASE_ALLOW_ZERO): none shows as `<none>` rather than `<MISSING>`.
   */
  readonly allowZero?: boolean;
  /** For protocol fields: the protocol's long name ("Transmission Control Protocol"). */
  readonly protocolName?: string;
}

export interface FieldOptions {
  bits?: number;
  base?: FieldBase;
  bitmask?: number;
  strings?: Record<number, string> | ReadonlyMap<number, string>;
  trueFalse?: readonly [string, string];
  blurb?: string;
  allowZero?: boolean;
}

class FieldRegistry {
  private readonly byAbbrev = new Map<string, FieldDef>();
  private readonly byId: FieldDef[] = [];

  register(abbrev: string, name: string, kind: FieldKind, opts: FieldOptions = {}): FieldDef {
    const existing = this.byAbbrev.get(abbrev);
    if (existing) {
      // Several dissectors may declare the same field (as in Wireshark); the first declaration wins,
      // but kinds must agree or the filter engine would compare apples with oranges.
      if (existing.kind !== kind) {
        throw new Error(`field ${abbrev} registered twice with different kinds (${existing.kind}, ${kind})`);
      }
      return existing;
    }
    const strings =
      opts.strings === undefined
        ? undefined
        : opts.strings instanceof Map
          ? (opts.strings as ReadonlyMap<number, string>)
          : new Map(Object.entries(opts.strings).map(([k, v]) => [Number(k), v] as const));
    const def: FieldDef = {
      id: this.byId.length,
      abbrev,
      name,
      kind,
      bits: opts.bits ?? (kind === 'uint' || kind === 'int' ? 32 : undefined),
      base: opts.base,
      bitmask: opts.bitmask,
      strings,
      trueFalse: opts.trueFalse,
      blurb: opts.blurb,
      ...(opts.allowZero ? { allowZero: true } : {}),
      protocolName: kind === 'protocol' ? name : undefined,
    };
    this.byAbbrev.set(abbrev, def);
    this.byId.push(def);
    return def;
  }

  get(abbrev: string): FieldDef | undefined {
    const def = this.byAbbrev.get(abbrev);
    if (def || !this.aliases.size) return def;
    const renamed = this.unaliased(abbrev);
    return renamed === undefined ? undefined : this.byAbbrev.get(renamed);
  }

  /** Old protocol names Wireshark still accepts in filters (ssl for tls): old name → current name. */
  private readonly aliases = new Map<string, string>();

  /**
   * Registers `old` as another name of protocol `current` (Wireshark's proto_register_alias): `old` and every
   * `old.field` name `current` and its fields.
   */
  alias(old: string, current: string): void {
    this.aliases.set(old, current);
  }

  /** The current name of a name that starts with an old protocol name (`ssl.record` → `tls.record`). */
  unaliased(abbrev: string): string | undefined {
    const dot = abbrev.indexOf('.');
    const current = this.aliases.get(dot < 0 ? abbrev : abbrev.slice(0, dot));
    return current === undefined ? undefined : dot < 0 ? current : current + abbrev.slice(dot);
  }

  byIdOf(id: number): FieldDef | undefined {
    return this.byId[id];
  }

  all(): readonly FieldDef[] {
    return this.byId;
  }

  get size(): number {
    return this.byId.length;
  }
}

/** The process-wide registry. Protocol modules register into it when imported. */
export const registry = new FieldRegistry();

export type { FieldRegistry };

// ── declaration helpers, used by protocol modules ─────────────────────────────────────────────────────────
export const proto = (abbrev: string, name: string): FieldDef => registry.register(abbrev, name, 'protocol');
/**
 * A protocol Wireshark registers by name only: its dissector adds fields (and may name a layer of
 * frame.protocols) but never an item of the protocol itself. As a filter it is valid and, as in tshark, matches
 * no frame.
 */
export const nameOnlyProtocols = (protocols: Record<string, string>): void => {
  for (const [abbrev, name] of Object.entries(protocols)) proto(abbrev, name);
};
export const uint = (abbrev: string, name: string, bits: number, opts: FieldOptions = {}): FieldDef =>
  registry.register(abbrev, name, 'uint', { ...opts, bits });
export const int = (abbrev: string, name: string, bits: number, opts: FieldOptions = {}): FieldDef =>
  registry.register(abbrev, name, 'int', { ...opts, bits });
export const bool = (abbrev: string, name: string, opts: FieldOptions = {}): FieldDef =>
  registry.register(abbrev, name, 'bool', opts);
export const str = (abbrev: string, name: string, opts: FieldOptions = {}): FieldDef =>
  registry.register(abbrev, name, 'string', opts);
export const bytes = (abbrev: string, name: string, opts: FieldOptions = {}): FieldDef =>
  registry.register(abbrev, name, 'bytes', opts);
export const ether = (abbrev: string, name: string): FieldDef => registry.register(abbrev, name, 'ether');
export const ipv4 = (abbrev: string, name: string): FieldDef => registry.register(abbrev, name, 'ipv4');
export const ipv6 = (abbrev: string, name: string): FieldDef => registry.register(abbrev, name, 'ipv6');
export const float = (abbrev: string, name: string): FieldDef => registry.register(abbrev, name, 'float');
/** Options of a one-bit flag shown as "Set" / "Not set" in a `bits`-wide field (Wireshark's tfs_set_notset). */
export const setBit = (bits: number, bitmask: number): FieldOptions => ({
  bits,
  bitmask,
  trueFalse: ['Set', 'Not set'],
});
/**
 * A checksum's verdict (Wireshark's proto_checksum_vals): 0 Bad, 1 Good, 2 Unverified, 3 Not present,
 * 4 Illegal, shown and compared by name (`udp.checksum.status == "Good"`).
 */
export const checksumStatus = (abbrev: string, name = 'Checksum Status'): FieldDef =>
  uint(abbrev, name, 8, {
    base: 'none',
    strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' },
  });
export const absTime = (abbrev: string, name: string): FieldDef =>
  registry.register(abbrev, name, 'abs_time');
export const relTime = (abbrev: string, name: string): FieldDef =>
  registry.register(abbrev, name, 'rel_time');
export const frameNum = (abbrev: string, name: string): FieldDef =>
  registry.register(abbrev, name, 'framenum');
export const none = (abbrev: string, name: string): FieldDef => registry.register(abbrev, name, 'none');
