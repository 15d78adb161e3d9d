/**
 * Vendor short names from the IEEE OUI registry (npm package oui-data), Wireshark style: "Cisco_47:49:44".
 * The registry is loaded lazily, once, the first time a tree label needs it (never for the packet list).
 */
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

function load(): Record<string, string> {
  if (!table) {
    try {
      table = createRequire(import.meta.url)('oui-data') as Record<string, string>;
    } catch {
      table = {};
    }
  }
  return table;
}

export function vendorOf(mac: Uint8Array): string | undefined {
  if (mac.length < 3) return undefined;
  const key = toHex(mac.subarray(0, 3)).toUpperCase();
  if (shortCache.has(key)) return shortCache.get(key);
  const org = load()[key];
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
