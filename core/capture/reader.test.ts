import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CaptureError, openCapture } from './index.js';
import { writePcap, writePcapng, type WritePacket } from './writer.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-reader-'));
let n = 0;
const file = (bytes: Uint8Array, ext = 'pcap') => {
  const p = join(dir, `f${n++}.${ext}`);
  writeFileSync(p, bytes);
  return p;
};

const pkts: WritePacket[] = Array.from({ length: 50 }, (_, i) => ({
  data: Uint8Array.from({ length: 60 + i }, (_, j) => (i + j) & 255),
  tsSec: 1_700_000_000 + i,
  tsNsec: i * 1_000_000 + 123_000,
  origLen: 60 + i + (i % 3),
}));

async function expectSame(path: string, nsec = true) {
  const c = await openCapture(path);
  expect(c.index.count).toBe(pkts.length);
  for (let i = 0; i < pkts.length; i++) {
    expect(c.readPacket(i)).toEqual(pkts[i].data);
    expect(c.index.tsSec(i)).toBe(pkts[i].tsSec);
    expect(c.index.tsNsec(i)).toBe(nsec ? pkts[i].tsNsec : Math.floor((pkts[i].tsNsec ?? 0) / 1000) * 1000);
    expect(c.index.origLen(i)).toBe(pkts[i].origLen);
  }
  const seen: number[] = [];
  c.forEach(10, 20, (i, b) => {
    expect(b).toEqual(pkts[i].data);
    seen.push(i);
  });
  expect(seen).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  expect(c.warnings).toEqual([]);
  c.close();
  return c;
}

describe('capture reader', () => {
  it('reads classic pcap in both byte orders, µs and ns', async () => {
    for (const bigEndian of [false, true]) {
      await expectSame(file(writePcap(pkts, { linkType: 1, bigEndian })), false);
      const c = await expectSame(file(writePcap(pkts, { linkType: 1, bigEndian, nanosecond: true })), true);
      expect(c.format).toBe('pcap-nsec');
    }
  });

  it('reads pcapng in both byte orders with if_tsresol, names, comments and an unknown block', async () => {
    for (const bigEndian of [false, true]) {
      const p = file(
        writePcapng(
          pkts.map((x, i) => (i === 3 ? { ...x, comments: ['first comment', 'ünïcode'] } : x)),
          {
            interfaces: [{ linkType: 1, name: 'eth0', tsresol: 9 }],
            bigEndian,
            extraBlocks: [{ type: 0x0badcafe, body: Uint8Array.of(1, 2, 3, 4, 5) }],
          },
        ),
        'pcapng',
      );
      const c = await expectSame(p);
      const c2 = await openCapture(p);
      expect(c2.meta(3).comments).toEqual(['first comment', 'ünïcode']);
      expect(c2.meta(0).interfaceName).toBe('eth0');
      expect(c2.interfaces[0].name).toBe('eth0');
      expect(c.format).toBe('pcapng');
      c2.close();
    }
  });

  it('reads Simple Packet Blocks', async () => {
    const plain = pkts.slice(0, 3).map((p) => ({ ...p, origLen: undefined }));
    const c = await openCapture(
      file(writePcapng(plain, { interfaces: [{ linkType: 1 }], simple: true }), 'pcapng'),
    );
    expect(c.index.count).toBe(3);
    expect(c.readPacket(2)).toEqual(pkts[2].data);
    c.close();
  });

  it('reads gzip-compressed captures of either format', async () => {
    await expectSame(file(gzipSync(writePcap(pkts, { linkType: 1, nanosecond: true })), 'pcap.gz'));
    const c = await expectSame(
      file(gzipSync(writePcapng(pkts, { interfaces: [{ linkType: 1, tsresol: 9 }] })), 'pcapng.gz'),
    );
    expect(c.gzip).toBe(true);
  });

  it('leaves no decompressed copy behind: on close, or at the exit of a process that did not close', async () => {
    const gz = file(gzipSync(writePcap(pkts, { linkType: 1 })), 'pcap.gz');
    const tmp = mkdtempSync(join(tmpdir(), 'wirelens-gz-test-'));
    const copies = () => readdirSync(tmp).filter((f) => f.startsWith('wirelens-gz-'));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const c = await openCapture(gz);
      expect(copies()).toHaveLength(1);
      c.close();
      expect(copies()).toHaveLength(0);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    // A process that opens it and exits at once (as a command whose reader went away does).
    const script = `import { openCapture } from ${JSON.stringify(new URL('./index.ts', import.meta.url).href)};
      await openCapture(${JSON.stringify(gz)}); process.exit(0);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, TMPDIR: tmp },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(copies()).toHaveLength(0);
  });

  it('keeps every complete record of a truncated file and says where it was cut, at any offset', async () => {
    const full = writePcap(pkts, { linkType: 1 });
    const ng = writePcapng(pkts, { interfaces: [{ linkType: 1 }] });
    // Record boundaries: a cut exactly there is a shorter but undamaged file.
    const pcapEnds = new Set<number>();
    const ngEnds = new Set<number>();
    for (let i = 0, a = 24, b = 28 + 20; i < pkts.length; i++) {
      pcapEnds.add((a += 16 + pkts[i].data.length));
      ngEnds.add((b += 32 + ((pkts[i].data.length + 3) & ~3)));
    }
    for (const [bytes, ext, ends] of [
      [full, 'pcap', pcapEnds],
      [ng, 'pcapng', ngEnds],
    ] as const) {
      for (let cut = 40; cut < bytes.length; cut += 97) {
        const c = await openCapture(file(bytes.subarray(0, cut), ext));
        expect(c.index.count).toBeLessThan(pkts.length);
        for (let i = 0; i < c.index.count; i++) expect(c.readPacket(i)).toEqual(pkts[i].data);
        if (!ends.has(cut)) expect(c.warnings.join(' ')).toMatch(/cut short .* at byte \d+/);
        c.close();
      }
    }
  });

  it('stops at a corrupt length field with a warning instead of reading garbage', async () => {
    const bytes = writePcap(pkts, { linkType: 1 });
    const bad = bytes.slice();
    // Record 5's captured length := 0x7fffffff.
    let o = 24;
    for (let i = 0; i < 5; i++) o += 16 + pkts[i].data.length;
    new DataView(bad.buffer).setUint32(o + 8, 0x7fffffff, true);
    const c = await openCapture(file(bad));
    expect(c.index.count).toBe(5);
    expect(c.warnings[0]).toMatch(new RegExp(`damaged or corrupt.*byte ${o}`));
    c.close();
  });

  it('refuses non-capture files and missing files with clear errors', async () => {
    await expect(
      openCapture(file(new TextEncoder().encode('hello world, not a capture'), 'txt')),
    ).rejects.toThrow(/is not a pcap or pcapng capture file \(it starts with 68 65 6c 6c/);
    await expect(openCapture(join(dir, 'missing.pcap'))).rejects.toThrow(CaptureError);
    await expect(openCapture(join(dir, 'missing.pcap'))).rejects.toThrow(/no such file/);
    await expect(openCapture(dir)).rejects.toThrow(/directory/);
  });

  it('indexes compactly (≤ 64 bytes per packet)', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ data: Uint8Array.of(i & 255), tsSec: i }));
    const c = await openCapture(file(writePcap(many, { linkType: 1 })));
    expect(c.index.count).toBe(5000);
    expect(c.index.bytesPerPacket()).toBeLessThanOrEqual(64);
    c.close();
  });
});

describe('progressive indexing', () => {
  it('indexes the start of a big pcap first and the rest step by step, warnings only at the real end', async () => {
    const bytes = writePcap(pkts, { linkType: 1 });
    const cut = bytes.subarray(0, bytes.length - 10); // a truncated last record
    const p = file(cut);
    const c = await openCapture(p, { initialBytes: 500 });
    expect(c.index.count).toBeGreaterThan(0);
    expect(c.index.count).toBeLessThan(pkts.length - 1);
    expect(c.warnings).toEqual([]);
    let steps = 0;
    for (let r = c.indexMore(300); !r.done; r = c.indexMore(300)) steps++;
    expect(steps).toBeGreaterThan(3);
    expect(c.index.count).toBe(pkts.length - 1);
    expect(c.warnings.join(' ')).toMatch(/cut short/);
    for (let i = 0; i < c.index.count; i++) expect(c.readPacket(i)).toEqual(pkts[i].data);
    c.close();
  });
});
