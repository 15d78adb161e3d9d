/**
 * pcapng variants and damage the basic round trips do not cover: several sections (per-section interface ids),
 * obsolete Packet Blocks, power-of-2 and other timestamp resolutions, if_tsoffset, exact 64-bit timestamps,
 * corrupt block lengths, the per-link-type record limit, gzip damage, abort/progress, following a growing pcapng.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes/byteview.js';
import { CaptureError, openCapture } from './index.js';
import { headerWalk } from './headerwalk.js';
import { writePcap, writePcapng, type WritePacket } from './writer.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-formats-'));
let n = 0;
const file = (bytes: Uint8Array, ext = 'pcapng') => {
  const p = join(dir, `f${n++}.${ext}`);
  writeFileSync(p, bytes);
  return p;
};
const pk = (i: number, extra: Partial<WritePacket> = {}): WritePacket => ({
  data: Uint8Array.from({ length: 40 + (i % 7) }, (_, j) => (i * 7 + j) & 255),
  tsSec: 1_600_000_000 + i,
  tsNsec: (i * 123_456_789) % 1_000_000_000,
  ...extra,
});
const ts = (c: { index: { tsSec(i: number): number; tsNsec(i: number): number } }, i: number) =>
  `${c.index.tsSec(i)}.${String(c.index.tsNsec(i)).padStart(9, '0')}`;

describe('pcapng sections, interfaces and timestamps', () => {
  it('maps per-section interface ids to global interfaces across sections of both byte orders', async () => {
    const s1 = writePcapng([pk(0), pk(1, { iface: 1 }), pk(2)], {
      interfaces: [
        { linkType: 1, name: 'eth0', description: 'first NIC', tsresol: 9 },
        { linkType: 101, name: 'tun0', tsresol: 9 },
      ],
    });
    const s2 = writePcapng([pk(3, { iface: 0 }), pk(4, { iface: 1, comments: ['in section 2'] })], {
      interfaces: [
        { linkType: 113, name: 'any', tsresol: 9 },
        { linkType: 1, name: 'eth1', tsresol: 9 },
      ],
      bigEndian: true,
    });
    const c = await openCapture(file(concatBytes(s1, s2)));
    expect(c.warnings).toEqual([]);
    expect(c.interfaces.map((f) => [f.id, f.name, f.linkType])).toEqual([
      [0, 'eth0', 1],
      [1, 'tun0', 101],
      [2, 'any', 113],
      [3, 'eth1', 1],
    ]);
    expect(c.interfaces[0].description).toBe('first NIC');
    expect(c.interfaces[0].linkTypeName).toBe('Ethernet');
    expect([0, 1, 2, 3, 4].map((i) => c.index.iface(i))).toEqual([0, 1, 0, 2, 3]);
    expect([0, 1, 2, 3, 4].map((i) => c.meta(i).linkType)).toEqual([1, 101, 1, 113, 1]);
    expect(c.meta(3).interfaceName).toBe('any');
    expect(c.meta(4).comments).toEqual(['in section 2']);
    for (let i = 0; i < 5; i++) {
      expect(c.readPacket(i)).toEqual(pk(i).data);
      expect(ts(c, i)).toBe(`${pk(i).tsSec}.${String(pk(i).tsNsec).padStart(9, '0')}`);
    }
    // peekPacket: the same bytes, from disk or (after a sequential pass) as a view of the chunk read.
    for (let i = 0; i < 5; i++) expect(c.peekPacket(i)).toEqual(pk(i).data);
    c.forEach(0, 5, () => true);
    for (let i = 0; i < 5; i++) expect(c.peekPacket(i)).toEqual(pk(i).data);
    c.close();
  });

  it('reads obsolete Packet Blocks (type 2) with 16-bit interface ids', async () => {
    const pkts = [pk(0), pk(1, { iface: 1, comments: ['old block'] }), pk(2)];
    const c = await openCapture(
      file(
        writePcapng(pkts, {
          interfaces: [
            { linkType: 1, tsresol: 9 },
            { linkType: 105, tsresol: 9 },
          ],
          obsolete: true,
          bigEndian: true,
        }),
      ),
    );
    expect(c.index.count).toBe(3);
    expect(c.meta(1).linkType).toBe(105);
    expect(c.meta(1).comments).toEqual(['old block']);
    expect(c.readPacket(2)).toEqual(pkts[2].data);
    expect(c.index.tsNsec(2)).toBe(pkts[2].tsNsec);
    c.close();
  });

  it('converts every if_tsresol exactly (decimal and power-of-2), plus if_tsoffset', async () => {
    const cases: { res: number; ns: number; want: number; sec?: number }[] = [
      { res: 0, ns: 999_999_999, want: 0 }, // seconds
      { res: 3, ns: 123_456_789, want: 123_000_000 }, // ms
      { res: 6, ns: 123_456_789, want: 123_456_000 }, // µs (default)
      { res: 9, ns: 123_456_789, want: 123_456_789 }, // ns
      { res: 12, ns: 123_456_789, want: 123_456_789, sec: 1_000_123 }, // ps: 64 bits hold ~213 days
      { res: 0x80 | 10, ns: 500_000_000, want: 500_000_000 }, // 1/1024 s: 0.5 s is exact
      { res: 0x80 | 20, ns: 250_000_000, want: 250_000_000 },
      { res: 0x80 | 30, ns: 1, want: 0 }, // 2^-30 s ≈ 0.93 ns: rounds down to 0 ns
      { res: 0x80 | 30, ns: 2, want: 1 },
    ];
    for (const { res, ns, want, sec = 1_700_000_123 } of cases) {
      const c = await openCapture(
        file(
          writePcapng([pk(0, { tsSec: sec, tsNsec: ns })], {
            interfaces: [{ linkType: 1, tsresol: res }],
          }),
        ),
      );
      expect(`${res}:${ts(c, 0)}`).toBe(`${res}:${sec}.${String(want).padStart(9, '0')}`);
      c.close();
    }
    const off = await openCapture(
      file(
        writePcapng([pk(0, { tsSec: 1_000_000_000, tsNsec: 5 })], {
          interfaces: [{ linkType: 1, tsresol: 9, tsoffset: 900_000_000 }],
        }),
      ),
    );
    expect(ts(off, 0)).toBe('1000000000.000000005');
    off.close();
  });

  it('keeps nanosecond timestamps exact where a float would round (2^53 < units)', async () => {
    // 4_000_000_000.999999999 s in ns is ~4e18 units, far above 2^53.
    const c = await openCapture(
      file(
        writePcapng([pk(0, { tsSec: 4_000_000_000, tsNsec: 999_999_999 })], {
          interfaces: [{ linkType: 1, tsresol: 9 }],
        }),
      ),
    );
    expect(ts(c, 0)).toBe('4000000000.999999999');
    c.close();
  });

  it('skips unknown, statistics and name-resolution blocks, however large', async () => {
    const big = new Uint8Array(6 << 20); // larger than one read chunk
    const c = await openCapture(
      file(
        writePcapng([pk(0), pk(1)], {
          interfaces: [{ linkType: 1 }],
          extraBlocks: [
            { type: 4, body: Uint8Array.of(0, 0, 0, 0) }, // empty NRB
            { type: 5, body: new Uint8Array(12) }, // ISB
            { type: 0x40000bad, body: big },
          ],
        }),
      ),
    );
    expect(c.index.count).toBe(2);
    expect(c.warnings).toEqual([]);
    expect(c.readPacket(1)).toEqual(pk(1).data);
    c.close();
  });
});

describe('damaged pcapng', () => {
  const good = writePcapng([pk(0), pk(1), pk(2), pk(3)], { interfaces: [{ linkType: 1 }] });
  // SHB 28 bytes, IDB 20, then EPBs of 32 + padded data.
  const epb = (i: number) => {
    let o = 48;
    for (let k = 0; k < i; k++) o += 32 + ((pk(k).data.length + 3) & ~3);
    return o;
  };
  const damage = async (f: (dv: DataView) => void) => {
    const b = good.slice();
    f(new DataView(b.buffer));
    return openCapture(file(b));
  };

  it('stops at a block length that is not a multiple of 4, too small, or disagrees with the trailer', async () => {
    for (const [what, change] of [
      ['odd', (dv: DataView) => dv.setUint32(epb(2) + 4, 61, true)],
      ['tiny', (dv: DataView) => dv.setUint32(epb(2) + 4, 8, true)],
      ['trailer', (dv: DataView) => dv.setUint32(epb(3) - 4, 1000, true)],
      ['huge', (dv: DataView) => dv.setUint32(epb(2) + 4, 0xfffffff0, true)],
    ] as const) {
      const c = await damage(change);
      expect(`${what} ${c.index.count}`).toBe(`${what} 2`);
      expect(c.warnings[0]).toMatch(new RegExp(`damaged or corrupt.*byte ${epb(2)}`));
      for (let i = 0; i < 2; i++) expect(c.readPacket(i)).toEqual(pk(i).data);
      c.close();
    }
  });

  it('stops at a captured length beyond its block, and at an undescribed interface', async () => {
    let c = await damage((dv) => dv.setUint32(epb(1) + 20, 5000, true));
    expect(c.index.count).toBe(1);
    expect(c.warnings[0]).toMatch(/shorter than its captured length/);
    c.close();
    c = await damage((dv) => dv.setUint32(epb(3) + 8, 7, true));
    expect(c.index.count).toBe(3);
    expect(c.warnings[0]).toMatch(/interface 7/);
    c.close();
  });

  it('refuses a pcapng-looking file without a byte-order magic', async () => {
    const b = good.slice();
    b.set([1, 2, 3, 4], 8);
    await expect(openCapture(file(b))).rejects.toThrow(/is not a pcap or pcapng capture file/);
  });
});

describe('classic pcap limits and link types', () => {
  it('accepts records up to 256 KiB on Ethernet, stops at 256 KiB + 1 (tshark: bigger than maximum)', async () => {
    const max = { data: new Uint8Array(262144).fill(7), tsSec: 1 };
    const c = await openCapture(file(writePcap([pk(0), max], { linkType: 1 }), 'pcap'));
    expect(c.index.count).toBe(2);
    expect(Buffer.from(c.readPacket(1)).equals(max.data)).toBe(true);
    c.close();
    const over = { data: new Uint8Array(262145), tsSec: 1 };
    const d = await openCapture(file(writePcap([pk(0), over, pk(2)], { linkType: 1 }), 'pcap'));
    expect(d.index.count).toBe(1);
    expect(d.warnings[0]).toMatch(/damaged or corrupt.*byte 80.*262145 captured bytes.*maximum of 262144/);
    d.close();
    // USB allows up to 128 MiB per record.
    const usb = await openCapture(file(writePcap([pk(0), over, pk(2)], { linkType: 189 }), 'pcap'));
    expect(usb.index.count).toBe(3);
    usb.close();
  });

  it('reads the link type from the low bits when the FCS bits are set, and any snaplen', async () => {
    const b = writePcap([pk(0)], { linkType: 1, snaplen: 0xffffffff });
    new DataView(b.buffer).setUint32(20, 0x14000001, true); // F bit + FCS length 4, Ethernet
    const c = await openCapture(file(b, 'pcap'));
    expect(c.interfaces[0].linkType).toBe(1);
    expect(c.interfaces[0].snaplen).toBe(0xffffffff);
    expect(c.index.count).toBe(1);
    c.close();
  });

  it('answers every garbage or tiny file with a CaptureError, and never throws for random tails', async () => {
    for (const bytes of [
      new Uint8Array(0),
      Uint8Array.of(0xd4, 0xc3),
      Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0),
      new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0, 0, 0), // zip
    ]) {
      const err = await openCapture(file(bytes, 'bin')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CaptureError);
      expect((err as Error).message).toMatch(/not a pcap or pcapng capture file|cut short/);
    }
    // A valid header followed by random bytes: some records, maybe, then a warning; never an exception.
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
    for (let k = 0; k < 40; k++) {
      const head =
        k % 2 ? writePcap([], { linkType: 1 }) : writePcapng([], { interfaces: [{ linkType: 1 }] });
      const tail = Uint8Array.from({ length: 50 + k * 37 }, rnd);
      const c = await openCapture(file(concatBytes(head, tail), k % 2 ? 'pcap' : 'pcapng'));
      for (let i = 0; i < c.index.count; i++) c.readPacket(i);
      c.close();
    }
  });

  it('reads the corpus empty.pcap (header only) as zero packets without warnings', async () => {
    const p = join(
      import.meta.dirname,
      '..',
      '..',
      '..',
      'shared',
      'corpus',
      'captures',
      'wireshark',
      'empty.pcap',
    );
    const bytes = existsSync(p) ? readFileSync(p) : writePcap([], { linkType: 1 });
    const c = await openCapture(file(bytes, 'pcap'));
    expect(c.index.count).toBe(0);
    expect(c.warnings).toEqual([]);
    c.close();
  });
});

describe('gzip', () => {
  it('decompresses a .gz detected by its magic, whatever the name', async () => {
    const pkts = [pk(0), pk(1), pk(2)];
    const c = await openCapture(file(gzipSync(writePcapng(pkts, { interfaces: [{ linkType: 1 }] })), 'gz'));
    expect(c.gzip).toBe(true);
    expect(c.index.count).toBe(3);
    c.close();
    expect(c.warnings).toEqual([]);
  });

  it('keeps the packets of a truncated .gz before the damage and warns', async () => {
    const pkts = Array.from({ length: 400 }, (_, i) => pk(i));
    const gz = gzipSync(writePcap(pkts, { linkType: 1 }), { level: 1 });
    const c = await openCapture(file(gz.subarray(0, Math.floor(gz.length * 0.6)), 'pcap.gz'));
    expect(c.index.count).toBeGreaterThan(10);
    expect(c.index.count).toBeLessThan(400);
    for (let i = 0; i < c.index.count; i++) expect(c.readPacket(i)).toEqual(pkts[i].data);
    expect(c.warnings.join(' ')).toMatch(/compressed file is damaged or cut short/);
    c.close();
  });
});

describe('progress, abort, progressive and growing pcapng', () => {
  const many = Array.from({ length: 40_000 }, (_, i) => ({
    data: new Uint8Array(1000).fill(i & 255),
    tsSec: i,
  }));
  const bigPcap = file(writePcap(many, { linkType: 1 }), 'pcap'); // ~40 MB

  it('reports progress at most every ~16 MiB and ends at the file size', async () => {
    const seen: number[] = [];
    const c = await openCapture(bigPcap, { onProgress: (done) => seen.push(done) });
    const size = statSync(bigPcap).size;
    expect(seen.at(-1)).toBe(size);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(size / (16 << 20)) + 1);
    for (let k = 1; k < seen.length; k++) expect(seen[k]).toBeGreaterThan(seen[k - 1]);
    expect(c.index.count).toBe(40_000);
    expect(headerWalk(bigPcap)).toBe(40_000);
    c.close();
  });

  it('rejects with an AbortError when the signal fires during indexing', async () => {
    const ac = new AbortController();
    const err = await openCapture(bigPcap, { signal: ac.signal, onProgress: () => ac.abort() }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('AbortError');
    const pre = new AbortController();
    pre.abort();
    await expect(openCapture(bigPcap, { signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('indexes a pcapng progressively (initialBytes + indexMore), interfaces included', async () => {
    const pkts = Array.from({ length: 300 }, (_, i) => pk(i, { iface: i < 200 ? 0 : 1 }));
    const ng = writePcapng(pkts, { interfaces: [{ linkType: 1 }, { linkType: 101 }] });
    const c = await openCapture(file(ng), { initialBytes: 2000 });
    expect(c.isComplete()).toBe(false);
    expect(c.index.count).toBeGreaterThan(0);
    expect(c.index.count).toBeLessThan(300);
    let steps = 0;
    for (let r = c.indexMore(1000); !r.done; r = c.indexMore(1000)) steps++;
    expect(steps).toBeGreaterThan(5);
    expect(c.isComplete()).toBe(true);
    expect(c.index.count).toBe(300);
    expect(c.meta(250).linkType).toBe(101);
    for (let i = 0; i < 300; i++) expect(c.readPacket(i)).toEqual(pkts[i].data);
    c.close();
  });

  it('follows a growing pcapng with refresh(); the cut-short warning goes once the block completes', async () => {
    const pkts = Array.from({ length: 20 }, (_, i) => pk(i));
    const ng = writePcapng(pkts, { interfaces: [{ linkType: 1, name: 'lo' }] });
    const p = file(ng.subarray(0, 300));
    const c = await openCapture(p);
    const first = c.index.count;
    expect(c.warnings.join(' ')).toMatch(/cut short/);
    appendFileSync(p, ng.subarray(300));
    expect(c.refresh()).toBe(20 - first);
    expect(c.warnings).toEqual([]);
    for (let i = 0; i < 20; i++) expect(c.readPacket(i)).toEqual(pkts[i].data);
    expect(c.refresh()).toBe(0);
    c.close();
  });
});
