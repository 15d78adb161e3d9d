/**
 * Vendor short names from the IEEE OUI registry (npm package oui-data), Wireshark style: "Cisco_47:49:44".
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { toHex } from '../bytes/byteview.js';

let table: Record<string, string> | undefined;
const shortCache = new Map<string, string | undefined>();

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
 * The registry is a 5.6 MB JSON object ("001B54": "Cisco Systems, Inc\n80 West Tasman…"). Parsing it whole
 * takes ~100 ms, which the first page of a packet list would wait for; a capture names few vendors, so the first
 * lookups search the raw bytes for the key instead (well under a millisecond each) and only a capture with many
 * vendors pays for the full parse. A key pattern `"XXXXXX":` cannot occur inside a value: quotes there are escaped.
 */
const SEARCHES_BEFORE_PARSE = 64;
let raw: Buffer | undefined;
let searches = 0;

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

function orgOf(key: string): string | undefined {
  if (table) return table[key];
  const b = registryBytes();
  if (++searches > SEARCHES_BEFORE_PARSE) {
    try {
      table = JSON.parse(b.toString('utf8')) as Record<string, string>;
    } catch {
      table = {};
    }
    raw = undefined; // the parsed table answers from now on
    return table[key];
  }
  const at = b.indexOf(`"${key}":`, 0, 'latin1');
  if (at < 0) return undefined;
  const start = b.indexOf(0x22, at + key.length + 3); // the value's opening quote
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

export function vendorOf(mac: Uint8Array): string | undefined {
  if (mac.length < 3) return undefined;
  const key = toHex(mac.subarray(0, 3)).toUpperCase();
  if (shortCache.has(key)) return shortCache.get(key);
  const org = orgOf(key);
  const v = org ? shortVendorName(org) : undefined;
  shortCache.set(key, v);
  return v;
}

/** "Cisco_47:49:44" when the vendor is known, else the plain address; broadcast as "Broadcast". */
export function resolvedMac(mac: Uint8Array): string {
  if (mac.every((b) => b === 0xff)) return 'Broadcast';
  const v = vendorOf(mac);
  return v ? `${v}_${toHex(mac.subarray(3), ':')}` : toHex(mac, ':');
}
