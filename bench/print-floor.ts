/**
 * The floor under any one-shot listing written in Node: open and index the capture with our reader, read every
 * packet, and print a row of what needs no dissection at all (number, time since the first packet, IPv4 or MAC
 * addresses, EtherType and IP protocol number, length) to /dev/null in 1 MiB writes. No dissector, no TCP
 * analysis, no reassembly: what is left of a `wirelens list` once every protocol costs nothing. Run in the
 * benchmark's own process (no start-up cost counted), so the floor it gives is, if anything, too low.
 */
import { Buffer } from 'node:buffer';
import { closeSync, openSync, writeSync } from 'node:fs';
import { openCapture } from '../core/capture/index.js';

const hex2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function mac(b: Uint8Array, o: number): string {
  return `${hex2[b[o]]}:${hex2[b[o + 1]]}:${hex2[b[o + 2]]}:${hex2[b[o + 3]]}:${hex2[b[o + 4]]}:${hex2[b[o + 5]]}`;
}

function ipv4(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/**
 * Lists `file` as described above; returns the number of rows printed. With `print` false it only reads every
 * packet (the floor under a filtered listing that prints few rows).
 */
export async function printFloor(file: string, print = true): Promise<number> {
  const cap = await openCapture(file);
  const fd = openSync('/dev/null', 'w');
  const idx = cap.index;
  const s0 = idx.count ? idx.tsSec(0) : 0;
  const ns0 = idx.count ? idx.tsNsec(0) : 0;
  const out = Buffer.allocUnsafe(1 << 20);
  let off = 0;
  let rows = 0;
  try {
    cap.forEach(0, idx.count, (i, b) => {
      if (!print) {
        rows += b.length ? b[0] & 1 : 0;
        return;
      }
      const time = idx.tsSec(i) - s0 + (idx.tsNsec(i) - ns0) / 1e9;
      const type = b.length >= 14 ? (b[12] << 8) | b[13] : 0;
      const v4 = type === 0x0800 && b.length >= 34;
      const src = v4 ? ipv4(b, 26) : b.length >= 12 ? mac(b, 6) : '';
      const dst = v4 ? ipv4(b, 30) : b.length >= 6 ? mac(b, 0) : '';
      const proto = v4 ? `ip.proto ${b[23]}` : `ethertype 0x${type.toString(16)}`;
      const row = `${i + 1}\t${time.toFixed(9)}\t${src}\t${dst}\t${proto}\t${idx.origLen(i)}\t\n`;
      if (off + row.length > out.length) {
        writeSync(fd, out, 0, off);
        off = 0;
      }
      off += out.write(row, off, 'latin1');
      rows++;
    });
    writeSync(fd, out, 0, off);
  } finally {
    closeSync(fd);
    cap.close();
  }
  return rows;
}
