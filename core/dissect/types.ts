import type { FieldDef, FieldValue } from '../fields/registry.js';

/** What the capture reader knows about one frame. Numbers are 1-based like Wireshark's frame numbers. */
export interface FrameMeta {
  number: number;
  /** Timestamp: seconds since the epoch + nanoseconds. */
  tsSec: number;
  tsNsec: number;
  capLen: number;
  origLen: number;
  /** pcap LINKTYPE_* value of the frame's interface. */
  linkType: number;
  interfaceId: number;
  interfaceName?: string;
  /** pcapng: the number (from 1) of the file section the frame is in; absent in pcap files (no interface info). */
  section?: number;
  comments?: readonly string[];
  /** pcapng: the packet's flags word (epb_flags), when the record has one. */
  flags?: number;
}

export type ExpertSeverity = 'comment' | 'chat' | 'note' | 'warn' | 'error';

export interface Expert {
  severity: ExpertSeverity;
  /** Wireshark expert group: 'malformed', 'sequence', 'protocol', 'checksum', 'comment', … */
  group: string;
  message: string;
}

/** A named byte buffer items point into: 0 is the frame; reassembled or decoded payloads add more. */
export interface DataSource {
  name: string;
  bytes: Uint8Array;
}

/** One node of the dissection tree. */
export interface Item {
  field: FieldDef;
  value: FieldValue;
  /** Full tree text; when absent the UI shows `${field.name}: ${formatValue(field, value)}`. */
  label?: string;
  /** Index into Dissection.sources, and the item's bytes there. */
  src: number;
  off: number;
  len: number;
  parent?: Item;
  children?: Item[];
  /** Computed by the dissector rather than read from the bytes (Wireshark shows these in [brackets]). */
  generated?: boolean;
  /** Present for filters but not shown in the tree. */
  hidden?: boolean;
  expert?: Expert;
}

export interface Columns {
  source: string;
  destination: string;
  protocol: string;
  info: string;
}

/** Per-packet information shared between layers (Wireshark's packet_info). */
export interface PacketInfo {
  dlSrc?: string;
  dlDst?: string;
  netSrc?: string;
  netDst?: string;
  srcPort?: number;
  dstPort?: number;
  /** Transport: 'tcp' | 'udp' | … */
  ptype?: string;
  /** Protocol-private per-packet data (e.g. the TCP stream index for HTTP). */
  data: Map<string, unknown>;
}

export interface Dissection {
  frame: FrameMeta;
  sources: DataSource[];
  /** Top-level items: frame, eth, ip, tcp, http, … in order. */
  tree: Item[];
  columns: Columns;
  /** Every recorded item by field id, in tree (pre-)order; includes hidden items. */
  byField: Map<number, Item[]>;
  /** Protocol abbreviations in order (frame.protocols, e.g. eth:ethertype:ip:tcp:http). */
  layers: string[];
  /**
   * Indices in `layers` of the layers whose item sits inside another layer's tree (ICMP's echo Data, IPv6's
   * extension headers): in frame.protocols, but not levels of the protocol hierarchy.
   */
  nestedLayers?: readonly number[];
  /** True when any dissector reported malformed data. */
  malformed: boolean;
}

/**
 * Which items to record. 'all' builds the full tree (UI, export); 'columns' records nothing but protocol items
 * (fast list/tsv); a Set records protocol items plus those field ids (filters that need a few fields).
 */
export type ItemSelection = 'all' | 'columns' | ReadonlySet<number>;
