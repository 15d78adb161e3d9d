/**
 * Vendor short names from the IEEE OUI registry (npm package oui-data), Wireshark style: "Cisco_47:49:44".
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { toHex } from '../bytes/byteview.js';

const DROP = new Set([
  'inc',
  'inc.',
  'corp',
  'corp.',
  'corporation',
  'co',
  'co.',
  'ltd',
  'ltd.',
  'limited',
  'llc',
  'gmbh',
  'ag',
  'sa',
  's.a.',
  'bv',
  'b.v.',
  'ab',
  'oy',
  'plc',
  'company',
  'the',
  'kg',
  'srl',
  'spa',
  'pte',
  'pty',
  'sas',
  'technologies',
  'technology',
  'systems',
  'system',
  'communications',
  'networks',
  'network',
  'electronics',
  'international',
  'group',
  'holdings',
  'industries',
  'solutions',
  'devices',
  'foundation',
  'incorporated',
  'enterprises',
  'manufacturing',
]);

/** Wireshark-like short vendor name: significant words joined and cut to 8 characters. */
export function shortVendorName(org: string): string {
  const words = org
    .split('\n')[0]
    .replace(/[,.()"]/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !DROP.has(w.toLowerCase()));
  const fixCase = (w: string) =>
    w === w.toUpperCase() && w.length > 3 ? w[0] + w.slice(1).toLowerCase() : w;
  return words.map(fixCase).join('').slice(0, 8) || org.slice(0, 8);
}

/**
 * The registry is a 5.6 MB JSON object with three kinds of keys: 6 hex digits for an MA-L block (24-bit prefix,
 * "001B54": "Cisco Systems, Inc\n80 West Tasman…"), 7 for an MA-M block (28-bit) and 9 for an MA-S block
 * (36-bit). MA-M and MA-S blocks subdivide 24-bit prefixes held by the IEEE Registration Authority (whose MA-L
 * entry, when there is one, names the authority itself). Parsing the JSON whole takes ~100 ms, which the first
 * page of a packet list would wait for; a capture names few vendors, so the first lookups search the raw bytes
 * for the prefix instead (one pass over the file at most, usually stopping at the MA-L key) and only a capture
 * with many vendors pays for the full parse. A key pattern (a quote, hex digits, `":`) cannot occur inside a
 * value: quotes there are escaped.
 */
const SEARCHES_BEFORE_PARSE = 64;
const REGISTRATION_AUTHORITY = 'IEEE Registration Authority';
let searchBudget = SEARCHES_BEFORE_PARSE;
let raw: Buffer | undefined;
let searches = 0;
let table: Record<string, string> | undefined;
/** From the parsed table: 24-bit prefix → its MA-M/MA-S keys. */
let subKeys: Map<string, string[]> | undefined;

/** What the registry holds under one 24-bit prefix, with short names. */
interface Prefix {
  /** The MA-L block's holder. */
  name?: string;
  /** MA-M and MA-S blocks: the low 24 bits of the block's first address → holder. */
  blocks?: Map<number, string>;
}
const prefixes = new Map<number, Prefix>();

function registryBytes(): Buffer {
  if (!raw) {
    try {
      raw = readFileSync(createRequire(import.meta.url).resolve('oui-data'));
    } catch {
      raw = Buffer.alloc(0);
    }
  }
  return raw;
}

/** Low 24 bits of the first address of the MA-M or MA-S block with this 7- or 9-digit key. */
const blockBase = (key: string) => parseInt(key.slice(6), 16) << (4 * (12 - key.length));

function prefixFrom(org: string | undefined, blocks: [string, string][]): Prefix {
  const p: Prefix = {};
  if (org) p.name = shortVendorName(org);
  if (blocks.length) p.blocks = new Map(blocks.map(([k, v]) => [blockBase(k), shortVendorName(v)]));
  return p;
}

const isUpperHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46);

/** The JSON string value after the key ending at `from`. */
function valueAt(b: Buffer, from: number): string | undefined {
  const start = b.indexOf(0x22, from); // the value's opening quote
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < b.length && b[end] !== 0x22) end += b[end] === 0x5c ? 2 : 1;
  try {
    const v: unknown = JSON.parse(b.toString('utf8', start, end + 1));
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every key starting with the prefix, found in the raw bytes. A prefix with an MA-L holder other than the
 * Registration Authority has no sub-blocks (vendors.test.ts checks this of the registry), so the search stops
 * there; otherwise it reads to the end for the MA-M/MA-S keys, which are not stored next to their prefix.
 */
function searchPrefix(b: Buffer, hex: string): Prefix {
  const needle = `"${hex}`;
  let org: string | undefined;
  const blocks: [string, string][] = [];
  for (let at = b.indexOf(needle, 0, 'latin1'); at >= 0; at = b.indexOf(needle, at + 1, 'latin1')) {
    let end = at + needle.length;
    while (end - at <= 10 && isUpperHex(b[end])) end++;
    const digits = end - at - 1;
    if (b[end] !== 0x22 || b[end + 1] !== 0x3a || (digits !== 6 && digits !== 7 && digits !== 9)) continue;
    const value = valueAt(b, end + 2);
    if (value === undefined) continue;
    if (digits > 6) blocks.push([b.toString('latin1', at + 1, end), value]);
    else {
      org = value;
      if (!value.startsWith(REGISTRATION_AUTHORITY)) break;
    }
  }
  return prefixFrom(org, blocks);
}

function parseTable(b: Buffer): void {
  try {
    table = JSON.parse(b.toString('utf8')) as Record<string, string>;
  } catch {
    table = {};
  }
  subKeys = new Map();
  for (const k of Object.keys(table)) {
    if (k.length === 6) continue;
    const p = k.slice(0, 6);
    const list = subKeys.get(p);
    if (list) list.push(k);
    else subKeys.set(p, [k]);
  }
  raw = undefined; // the parsed table answers from now on
}

function prefixOf(oui: number): Prefix {
  let p = prefixes.get(oui);
  if (p) return p;
  const hex = oui.toString(16).toUpperCase().padStart(6, '0');
  if (!table && ++searches > searchBudget) parseTable(registryBytes());
  if (table) {
    const t = table;
    p = prefixFrom(
      t[hex],
      (subKeys?.get(hex) ?? []).map((k) => [k, t[k]]),
    );
  } else p = searchPrefix(registryBytes(), hex);
  prefixes.set(oui, p);
  return p;
}

/**
 * The registry entry naming this address, and how many leading bits of the address it was found under, as
 * tshark 4.0 finds it (addr_resolv.c): MA-M and MA-S blocks sit in one table keyed by the block's first
 * address, where the address is looked up cut to 47, 46, … 24 bits; the first hit names it (so an address whose
 * bits after the block's prefix begin with zeros is found under more bits than the block has, and one in a
 * gap between blocks takes the name of the block whose first address it reaches by dropping bits); failing
 * that, the MA-L holder.
 */
function match(mac: Uint8Array): { name: string; bits: number } | undefined {
  if (mac.length < 3) return undefined;
  // The all-zero prefix is Xerox's in the registry, but Wireshark's manuf names it "00:00:00" ("officially
  // Xerox, but 0:0:0:0:0:0 is more common"): tshark shows 00:00:00_00:00:00.
  if (mac[0] === 0 && mac[1] === 0 && mac[2] === 0) return { name: '00:00:00', bits: 24 };
  const p = prefixOf((mac[0] << 16) | (mac[1] << 8) | mac[2]);
  if (p.blocks && mac.length >= 6) {
    const low = (mac[3] << 16) | (mac[4] << 8) | mac[5];
    for (let bits = 47; bits >= 24; bits--) {
      const name = p.blocks.get(low & ((0xffffff << (48 - bits)) & 0xffffff));
      if (name !== undefined) return { name, bits };
    }
  }
  if (p.name) return { name: p.name, bits: 24 };
  // A group address of an unknown prefix: tshark tries the prefix with the multicast bit cleared (01:1b:54:… is
  // Cisco's 00:1b:54 block), not the locally-administered bit.
  if (mac[0] & 1) {
    const unicast = prefixOf(((mac[0] & 0xfe) << 16) | (mac[1] << 8) | mac[2]);
    if (unicast.name) return { name: unicast.name, bits: 24 };
  }
  return undefined;
}

export function vendorOf(mac: Uint8Array): string | undefined {
  return match(mac)?.name;
}

/**
 * "Cisco_47:49:44" when the vendor is known, else the plain address; broadcast as "Broadcast". As in tshark
 * 4.0, the bytes after the name are those the matched prefix does not cover in full, the first of them masked
 * to its uncovered bits: an MA-M address "Vendor_0a:bc:de", an MA-S one "Vendor_0a:bc".
 */
export function resolvedMac(mac: Uint8Array): string {
  if (mac.every((b) => b === 0xff)) return 'Broadcast';
  const m = match(mac);
  if (!m) return toHex(mac, ':');
  const tail = m.bits >= 40 ? 1 : m.bits >= 32 ? 2 : 3;
  const rest = mac.slice(6 - tail, 6);
  rest[0] &= 0xff >> (m.bits - 48 + 8 * tail);
  return `${m.name}_${toHex(rest, ':')}`;
}

/** Tests: forget what was looked up, and search the raw bytes for the next `budget` prefixes before parsing. */
export function resetVendorLookup(budget = SEARCHES_BEFORE_PARSE): void {
  prefixes.clear();
  table = undefined;
  subKeys = undefined;
  raw = undefined;
  searches = 0;
  searchBudget = budget;
}
