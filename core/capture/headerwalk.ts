import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The raw baseline for benchmarks: walk classic-pcap record headers (reading in 4 MiB chunks) and count packets,
 * storing nothing. Our indexer is compared against this.
 */
export function headerWalk(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(4 << 20);
    let bufStart = 0;
    let bufLen = 0;
    const ensure = (pos: number, len: number): boolean => {
      if (pos >= bufStart && pos + len <= bufStart + bufLen) return true;
      bufLen = readSync(fd, buf, 0, buf.length, pos);
      bufStart = pos;
      return bufLen >= len;
    };
    if (!ensure(0, 24)) return 0;
    const magic = buf.readUInt32LE(0);
    const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    let pos = 24;
    let n = 0;
    while (pos + 16 <= size && ensure(pos, 16)) {
      const o = pos - bufStart;
      const incl = le ? buf.readUInt32LE(o + 8) : buf.readUInt32BE(o + 8);
      pos += 16 + incl;
      if (pos > size) break;
      n++;
    }
    return n;
  } finally {
    closeSync(fd);
  }
}
