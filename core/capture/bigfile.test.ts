/**
 * A capture larger than 4 GiB: built sparse (records of 128 MiB whose data are holes), so it costs almost no disk
 * space; the last packets sit beyond 2^32 and must be indexed and read at the right offsets.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from './index.js';

// Records of 128 MiB: the largest Wireshark accepts, and only for USB / D-Bus link types (Ethernet: 256 KiB).
const RECORD = 128 * 1024 * 1024;
const BIG = 33; // 33 × 128 MiB > 4 GiB
const USB_LINUX = 189;

describe('captures beyond 4 GiB', () => {
  it('indexes and reads the packets past the 4 GiB mark', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-big-'));
    try {
      const fs = statfsSync(dir);
      if (fs.bavail * fs.bsize < 64 * 1024 * 1024) {
        console.log('skipped: less than 64 MiB free for a sparse 4.4 GB file');
        t.skip();
        return;
      }
      const file = join(dir, 'big.pcap');
      const fd = openSync(file, 'w');
      const head = Buffer.alloc(24);
      head.writeUInt32LE(0xa1b2c3d4, 0);
      head.writeUInt16LE(2, 4);
      head.writeUInt16LE(4, 6);
      head.writeUInt32LE(0x7fffffff, 16); // snaplen
      head.writeUInt32LE(USB_LINUX, 20);
      writeSync(fd, head, 0, 24, 0);
      let pos = 24;
      const rec = (len: number, ts: number) => {
        const h = Buffer.alloc(16);
        h.writeUInt32LE(ts, 0);
        h.writeUInt32LE(len, 8);
        h.writeUInt32LE(len, 12);
        writeSync(fd, h, 0, 16, pos);
        pos += 16;
      };
      for (let i = 0; i < BIG; i++) {
        rec(RECORD, 1000 + i); // data left as a hole: zeros, no disk blocks
        pos += RECORD;
      }
      const tail = Buffer.from('ffffffffffff00000000000108004500', 'hex');
      const tailOffset = pos + 16;
      rec(tail.length, 2000);
      writeSync(fd, tail, 0, tail.length, pos);
      pos += tail.length;
      closeSync(fd);
      expect(pos).toBeGreaterThan(2 ** 32);
      const cap = await openCapture(file);
      expect(cap.index.count).toBe(BIG + 1);
      expect(cap.index.offset(BIG)).toBe(tailOffset);
      expect(cap.index.offset(BIG)).toBeGreaterThan(2 ** 32);
      expect(Buffer.from(cap.readPacket(BIG)).equals(tail)).toBe(true);
      expect(cap.index.tsSec(BIG)).toBe(2000);
      cap.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
