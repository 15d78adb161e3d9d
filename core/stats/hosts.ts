/**
 * The names a capture gives its own addresses: every A and AAAA record of class IN in a DNS, mDNS or LLMNR
 * message (answers, authority and additional records alike; one an ICMP error quotes too) maps the address to
 * the record's owner name, as Wireshark's "Resolved Addresses" and `tshark -N d -q -z hosts` gather them, and so
 * do the records of a pcapng file's Name Resolution Blocks (what the capturing host's resolver knew), where they
 * stand among the packets. A later name for an address replaces the earlier one unless it is the same name in
 * another case, and a name is cut to 63 characters (Wireshark's MAXNAMELEN). Each entry keeps the frame its name
 * came from, for the evidence.
 */
import type { ResolvedHost } from '../api/types.js';
import type { NameRecord } from '../capture/index.js';
import type { Dissection, Item } from '../dissect/types.js';
import { formatIPv4, formatIPv6 } from '../fields/format.js';
import type { CaptureSession } from '../session/session.js';
import { items, selectionOf } from './fields.js';

const FIELDS = ['dns.resp.name', 'dns.resp.class', 'dns.a', 'dns.aaaa'];
const SELECTION = selectionOf(FIELDS);
const MAX_NAME = 63;

/** The item of `list` nearest before `off` in data source `src` (an address's record's owner name and class). */
function before(list: readonly Item[], src: number, off: number): Item | undefined {
  let found: Item | undefined;
  for (const it of list) {
    if (it.src !== src || it.off >= off) continue;
    if (!found || it.off > found.off) found = it;
  }
  return found;
}

export class HostTable {
  private readonly v4 = new Map<string, ResolvedHost>();
  private readonly v6 = new Map<string, ResolvedHost>();

  /** Names `address` (replacing another name, not the same one in another case). */
  private name(table: Map<string, ResolvedHost>, address: string, raw: string, frame?: number): void {
    const name = raw.slice(0, MAX_NAME);
    const had = table.get(address);
    if (had && had.name.toLowerCase() === name.toLowerCase()) return;
    table.set(address, frame === undefined ? { address, name } : { address, name, frame });
  }

  /** Name records of the capture file (pcapng Name Resolution Blocks): no frame, as no packet gave them. */
  addRecords(records: readonly NameRecord[]): void {
    for (const r of records) {
      const v4 = r.family === 4;
      const address = v4
        ? formatIPv4(new DataView(r.address.buffer, r.address.byteOffset).getUint32(0))
        : formatIPv6(r.address);
      for (const n of r.names) this.name(v4 ? this.v4 : this.v6, address, n);
    }
  }

  add(d: Dissection): void {
    const a = items(d, 'dns.a');
    const aaaa = items(d, 'dns.aaaa');
    if (!a.length && !aaaa.length) return;
    const names = items(d, 'dns.resp.name');
    const classes = items(d, 'dns.resp.class');
    const take = (addr: Item, table: Map<string, ResolvedHost>, address: string) => {
      const owner = before(names, addr.src, addr.off);
      const cls = before(classes, addr.src, addr.off);
      // mDNS sets the class's top bit (cache flush): the class is the other 15.
      if (!owner || typeof owner.value !== 'string' || !owner.value) return;
      if (!cls || ((cls.value as number) & 0x7fff) !== 1) return;
      this.name(table, address, owner.value, d.frame.number);
    };
    for (const it of a) take(it, this.v4, formatIPv4(it.value as number));
    for (const it of aaaa) take(it, this.v6, formatIPv6(it.value as Uint8Array));
  }

  /** IPv4 entries, then IPv6, each in the order the addresses were first named. */
  list(family?: 4 | 6): ResolvedHost[] {
    return [...(family === 6 ? [] : this.v4.values()), ...(family === 4 ? [] : this.v6.values())];
  }
}

export function resolvedHosts(session: CaptureSession, signal?: AbortSignal): HostTable {
  const t = new HostTable();
  // The file's name records where they stand among the packets: a later name replaces an earlier one.
  const records = session.capture?.nameRecords() ?? [];
  let next = 0;
  const recordsUpTo = (packets: number) => {
    const from = next;
    while (next < records.length && records[next].after <= packets) next++;
    t.addRecords(records.slice(from, next));
  };
  session.scan(
    0,
    session.total,
    SELECTION,
    (i, d) => {
      recordsUpTo(i);
      t.add(d);
    },
    signal,
  );
  recordsUpTo(Infinity);
  return t;
}

/** `tshark -q -z hosts` text: a comment header, then one "address<TAB>name" line per entry. */
export function hostsText(hosts: readonly ResolvedHost[], file: string): string {
  const lines = hosts.map((h) => `${h.address}\t${h.name}\n`).join('');
  return `# Wirelens hosts output\n#\n# Host data gathered from ${file}\n\n${lines}`;
}
