/**
 * Vendor short names from the IEEE OUI registry (npm package oui-data), Wireshark style: "Cisco_47:49:44".
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { toHex } from '../bytes/byteview.js';

/**
 * The words Wireshark's make-manuf.py drops from a holder's name (business types and a few general terms), as
 * regular-expression alternatives matched case-insensitively after a non-word character and before a space.
 */
const GENERAL_TERMS = new RegExp(
  `[^\\p{L}\\p{N}_](${[
    'a +s',
    'ab',
    'ag',
    'b ?v',
    'closed joint stock company',
    'co',
    'company',
    'corp',
    'corporation',
    'de c ?v',
    'gmbh',
    'holding',
    'inc',
    'incorporated',
    'jsc',
    'kg',
    'k k',
    'limited',
    'llc',
    'ltd',
    'n ?v',
    'oao',
    'of',
    'open joint stock company',
    'ooo',
    'oü',
    'oy',
    'oyj',
    'plc',
    'pty',
    'pvt',
    's ?a ?r ?l',
    's ?a',
    's ?p ?a',
    'sp ?k',
    's ?r ?l',
    'systems',
    'the',
    'zao',
    'z ?o ?o',
  ].join('|')})(?= )`,
  'giu',
);

const isAllCaps = (s: string) => s === s.toUpperCase() && s !== s.toLowerCase();
/** Python's str.title(): every run of letters capitalised, the rest of it lower case. */
const titleCase = (s: string) => s.replace(/\p{L}+/gu, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());

/**
 * The short vendor name Wireshark 4.0's manuf file gives a registry holder (make-manuf.py's shorten()): an
 * all-capitals name in title case, punctuation and business terms ("Inc", "Co", "Ltd", "Systems", …) dropped,
 * the words joined and cut to 8 characters — "Cisco Systems, Inc" → "Cisco", "Juniper Networks" → "JuniperN",
 * "GIGA-BYTE TECHNOLOGY CO.,LTD." → "Giga-Byt". Agrees with 99.8% of the 4.0 manuf file's entries (a test
 * compares them where the file is installed); the rest are names Wireshark sets by hand.
 */
export function shortVendorName(org: string): string {
  let m = ` ${org.split('\n')[0].split(/\s+/).filter(Boolean).join(' ')} `;
  if (isAllCaps(m)) m = titleCase(m);
  m = m.replace(/["',./:()]/g, ' ').replaceAll(' & ', ' ');
  const plain = m.replace(GENERAL_TERMS, '');
  if (plain.trim()) m = plain;
  return [...m.replace(/\s+/g, '')].slice(0, 8).join('');
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
 * Names Wireshark gives addresses the IEEE registry does not name as it does: well-known group addresses
 * (protocol multicasts, virtual router MACs). Keys: the first address of a block; value: the name and the
 * block's prefix length in bits (48: that address only).
 */
const WELL_KNOWN = new Map<string, { name: string; bits: number }>([
  ['01:00:0c:cc:cc:cc', { name: 'CDP/VTP/DTP/PAgP/UDLD', bits: 48 }],
  ['01:00:0c:cc:cc:cd', { name: 'PVST+', bits: 48 }],
  ['01:80:c2:00:00:0e', { name: 'LLDP_Multicast', bits: 48 }],
  ['01:80:c2:00:00:00', { name: 'Spanning-tree-(for-bridges)', bits: 44 }],
  ['00:00:0c:07:ac:00', { name: 'All-HSRP-routers', bits: 40 }],
  ['00:00:5e:00:01:00', { name: 'IETF-VRRP-VRID', bits: 40 }],
  ['01:00:5e:00:00:00', { name: 'IPv4mcast', bits: 25 }],
  ['33:33:00:00:00:00', { name: 'IPv6mcast', bits: 16 }],
  // Microsoft Network Load Balancing: 02-nn-… is cluster host nn's physical address.
  ...Array.from({ length: 32 }, (_, i): [string, { name: string; bits: number }] => [
    `02:${(i + 1).toString(16).padStart(2, '0')}:00:00:00:00`,
    { name: `MS-NLB-PhysServer-${String(i + 1).padStart(2, '0')}`, bits: 16 },
  ]),
]);

/**
 * 24-bit prefixes Wireshark's manuf names otherwise than the registry's holder gives: QEMU/KVM's and VirtualBox's
 * virtual NICs, and the all-zero prefix (Xerox's in the registry, "00:00:00" in Wireshark).
 */
const MANUF_NAMES = new Map<number, string>([
  [0x525400, 'RealtekU'],
  [0x080027, 'PcsCompu'],
  [0x000000, '00:00:00'],
]);

/** The well-known block holding `mac` when it is found by cutting the address to `bits` bits. */
function wellKnownAt(mac: Uint8Array, bits: number): { name: string; bits: number } | undefined {
  const cut = Uint8Array.from(mac, (b, i) =>
    8 * i >= bits ? 0 : 8 * (i + 1) <= bits ? b : b & (0xff << (8 * (i + 1) - bits)),
  );
  const wk = WELL_KNOWN.get(toHex(cut, ':'));
  // A block is found only under as many bits as it has or more (cutting further reaches other blocks' keys).
  return wk && bits >= wk.bits ? { name: wk.name, bits } : undefined;
}

/**
 * The registry entry naming this address, and how many leading bits of the address it was found under, as
 * tshark 4.0 finds it (addr_resolv.c): a well-known address whole; else the blocks (MA-M, MA-S and well-known
 * ones) sit in one table keyed by the block's first address, where the address is looked up cut to 47, 46, …
 * bits; the first hit names it (so an address whose bits after the block's prefix begin with zeros is found
 * under more bits than the block has, and one in a gap between blocks takes the name of the block whose first
 * address it reaches by dropping bits); the MA-L holder at 24 bits.
 */
function match(mac: Uint8Array): { name: string; bits: number } | undefined {
  if (mac.length < 6) return undefined;
  const exact = WELL_KNOWN.get(toHex(mac, ':'));
  if (exact?.bits === 48) return { name: exact.name, bits: 48 };
  const p = prefixOf((mac[0] << 16) | (mac[1] << 8) | mac[2]);
  const low = (mac[3] << 16) | (mac[4] << 8) | mac[5];
  for (let bits = 47; bits >= 24; bits--) {
    const wk = wellKnownAt(mac, bits);
    if (wk) return wk;
    const name = p.blocks?.get(low & ((0xffffff << (48 - bits)) & 0xffffff));
    if (name !== undefined) return { name, bits };
  }
  const manuf = MANUF_NAMES.get((mac[0] << 16) | (mac[1] << 8) | mac[2]) ?? p.name;
  if (manuf) return { name: manuf, bits: 24 };
  for (let bits = 23; bits >= 8; bits--) {
    const wk = wellKnownAt(mac, bits);
    if (wk) return wk;
  }
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
  if (m.bits >= 48) return m.name;
  const tail = 6 - Math.floor(m.bits / 8);
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
