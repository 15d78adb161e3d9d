/**
 * Sharding a capture's frames between threads by conversation, for one-shot passes (`wirelens list`) that
 * dissect every frame once in order and print what each frame shows.
 *
 * What a dissector remembers between frames (TCP sequence analysis and reassembly, HTTP request/response pairs,
 * DNS and ICMP transactions, IP fragments) belongs to one pair of hosts. So every frame whose outermost IPv4 or
 * IPv6 header carries the same two addresses (either direction) goes to the same shard, and each shard, dissecting
 * only its own frames in capture order, reaches the same state and prints the same rows as one pass over all of
 * them. Frames without an IP header we can find cheaply (ARP, STP, …) all go to shard 0. What does number frames
 * across conversations (tcp.stream, udp.stream: the order conversations first appear) is not the same in a shard,
 * so a pass that prints or filters on those must not be sharded (see `shardableFields`).
 */
import { LINKTYPE } from '../capture/linktypes.js';
import { registry } from '../fields/registry.js';

/** Link types whose frames `pairHash` can read; a capture with any other link type is not sharded. */
const SHARDABLE = new Set<number>([
  LINKTYPE.ETHERNET,
  LINKTYPE.RAW,
  LINKTYPE.IPV4,
  LINKTYPE.IPV6,
  LINKTYPE.NULL,
  LINKTYPE.LOOP,
  LINKTYPE.LINUX_SLL,
  LINKTYPE.LINUX_SLL2,
  12, // Raw IP (OpenBSD's number)
  14, // Raw IP (some BSDs' number)
]);

export function shardableLinkType(linkType: number): boolean {
  return SHARDABLE.has(linkType);
}

/** FNV-1a over bytes [a, a+n) and [b, b+n) of `p`, the smaller run first, so both directions hash alike. */
function unorderedHash(p: Uint8Array, a: number, b: number, n: number): number {
  let lo = a;
  let hi = b;
  for (let k = 0; k < n; k++) {
    if (p[a + k] !== p[b + k]) {
      if (p[a + k] > p[b + k]) {
        lo = b;
        hi = a;
      }
      break;
    }
  }
  let h = 0x811c9dc5;
  for (let k = 0; k < n; k++) h = Math.imul(h ^ p[lo + k], 0x01000193);
  for (let k = 0; k < n; k++) h = Math.imul(h ^ p[hi + k], 0x01000193);
  // Final avalanche (murmur3's), so that the low bits used by `% shards` depend on every address byte.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) + 1;
}

/** The hash of the IP header's address pair at `off` (0 when there is none). */
function ipPair(p: Uint8Array, off: number): number {
  if (off >= p.length) return 0;
  const v = p[off] >> 4;
  if (v === 4 && off + 20 <= p.length) return unorderedHash(p, off + 12, off + 16, 4);
  if (v === 6 && off + 40 <= p.length) return unorderedHash(p, off + 8, off + 24, 16);
  return 0;
}

/** The hash of an EtherType's payload at `off` (VLAN tags skipped), 0 for anything but IPv4/IPv6. */
function etherPayload(p: Uint8Array, type: number, off: number): number {
  // 802.1Q, 802.1ad and the old QinQ tag types.
  while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && off + 4 <= p.length) {
    type = (p[off + 2] << 8) | p[off + 3];
    off += 4;
  }
  return type === 0x0800 || type === 0x86dd ? ipPair(p, off) : 0;
}

/**
 * A non-zero hash of the frame's outermost IP address pair (the same for both directions), or 0 for a frame
 * without one that this cheap look can find.
 */
export function pairHash(linkType: number, p: Uint8Array): number {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      return p.length >= 14 ? etherPayload(p, (p[12] << 8) | p[13], 14) : 0;
    case LINKTYPE.RAW:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
    case 12:
    case 14:
      return ipPair(p, 0);
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP:
      // A 4-byte address family in either byte order; the IP version nibble says the rest.
      return ipPair(p, 4);
    case LINKTYPE.LINUX_SLL:
      return p.length >= 16 ? etherPayload(p, (p[14] << 8) | p[15], 16) : 0;
    case LINKTYPE.LINUX_SLL2:
      return p.length >= 20 ? etherPayload(p, (p[0] << 8) | p[1], 20) : 0;
    default:
      return 0;
  }
}

/** The shard (0 … shards-1) a frame belongs to. */
export function shardOf(linkType: number, p: Uint8Array, shards: number): number {
  return pairHash(linkType, p) % shards;
}

/**
 * Fields whose values number things across the whole capture in order of appearance (conversation indexes):
 * a shard sees only some of the conversations, so a filter on them must run unsharded.
 */
export function globalOrderField(abbrev: string): boolean {
  return /\.stream$|\.stream\.|^frame\.time_delta_displayed$|\.connection\.number$/.test(abbrev);
}

/** Whether a filter reading `fields` (ids) gives the same answers when each shard runs it over its own frames. */
export function shardableFilter(fields: ReadonlySet<number>): boolean {
  for (const id of fields) {
    const f = registry.byIdOf(id);
    if (f && globalOrderField(f.abbrev)) return false;
  }
  return true;
}
