/**
 * File > Export Specified Packets on generated captures: round trips through our reader (count, bytes, exact
 * timestamps in the source's units, lengths, interfaces, comments), several interfaces and sections, classic
 * pcap (one link type only, nanosecond magic), and the safety rules — never overwrite, never the evidence file,
 * no temporary file left after a failure, the SHA-256 of what was written.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes/byteview.js';
import { openCapture, type CaptureFile } from './index.js';
import {
  checkExportTarget,
  exportPackets,
  ExportError,
  parsePacketRange,
  provenanceComment,
} from './export-packets.js';
import { writePcap, writePcapng, type PcapngInterface, type WritePacket } from './writer.js';

const root = mkdtempSync(join(tmpdir(), 'wirelens-export-packets-'));
let n = 0;
const newDir = () => {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};
const save = (dir: string, name: string, bytes: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

const pk = (i: number, extra: Partial<WritePacket> = {}): WritePacket => ({
  data: Uint8Array.from({ length: 40 + (i % 9) }, (_, j) => (i * 13 + j) & 255),
  tsSec: 1_600_000_000 + i,
  tsNsec: (i * 123_456_789) % 1_000_000_000,
  ...extra,
});

const open: CaptureFile[] = [];
const openIt = async (p: string) => {
  const c = await openCapture(p);
  open.push(c);
  return c;
};
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

/** Everything our reader says of each packet of a capture, to compare a source with its export. */
function packetsOf(c: CaptureFile, frames?: number[]) {
  const list = frames ?? Array.from({ length: c.index.count }, (_, i) => i + 1);
  return list.map((no) => {
    const i = no - 1;
    const m = c.meta(i);
    const f = c.interfaces[m.interfaceId];
    return {
      bytes: Buffer.from(c.readPacket(i)).toString('hex'),
      ts: `${m.tsSec}.${String(m.tsNsec).padStart(9, '0')}`,
      capLen: m.capLen,
      origLen: m.origLen,
      linkType: m.linkType,
      iface: { name: f?.name, description: f?.description, snaplen: f?.snaplen },
      tsresol: c.tsresol(m.interfaceId),
      comments: m.comments,
    };
  });
}

/** Options of the first block (the section header) of a pcapng file, by code. */
function shbOptions(bytes: Uint8Array): Map<number, string[]> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  expect(dv.getUint32(0, true)).toBe(0x0a0d0d0a);
  const len = dv.getUint32(4, true);
  const out = new Map<number, string[]>();
  let o = 24;
  while (o + 4 <= len - 4) {
    const code = dv.getUint16(o, true);
    const l = dv.getUint16(o + 2, true);
    if (code === 0) break;
    const v = new TextDecoder().decode(bytes.subarray(o + 4, o + 4 + l));
    out.set(code, [...(out.get(code) ?? []), v]);
    o += 4 + ((l + 3) & ~3);
  }
  return out;
}

const IFACES: PcapngInterface[] = [
  { linkType: 1, name: 'eth0', description: 'first NIC', tsresol: 9, snaplen: 65535 },
  { linkType: 113, name: 'any', tsresol: 6, snaplen: 262144 },
  { linkType: 1, name: 'wlan0', tsresol: 6 },
];

function mixedCapture(dir: string): string {
  const packets: WritePacket[] = [];
  for (let i = 0; i < 30; i++) {
    const iface = i % 5 === 0 ? 1 : i % 7 === 0 ? 2 : 0;
    const p = pk(i, { iface });
    if (iface !== 0) p.tsNsec = Math.floor(p.tsNsec! / 1000) * 1000; // µs interfaces
    if (i % 4 === 0) p.origLen = p.data.length + 100; // cut by a snaplen
    if (i === 3) p.comments = ['suspicious beacon', 'second note — ünïcödé'];
    if (i === 17) p.comments = ['exfil starts here'];
    packets.push(p);
  }
  return save(dir, 'evidence.pcapng', writePcapng(packets, { interfaces: IFACES }));
}

describe('export specified packets: pcapng', () => {
  it('round-trips every packet: bytes, exact ns timestamps, lengths, interfaces, comments', async () => {
    const dir = newDir();
    const src = await openIt(mixedCapture(dir));
    const all = Array.from({ length: src.index.count }, (_, i) => i + 1);
    const out = join(dir, 'all.pcapng');
    const r = await exportPackets(src, all, out, { comment: 'provenance here' });
    expect(r).toEqual({
      path: out,
      format: 'pcapng',
      packets: 30,
      bytes: statSync(out).size,
      sha256: sha(out),
      notes: [],
    });
    const back = await openIt(out);
    expect(back.format).toBe('pcapng');
    expect(back.warnings).toEqual([]);
    expect(packetsOf(back)).toEqual(packetsOf(src));
    expect(back.interfaces.map((f) => [f.name, f.linkType, f.snaplen, f.description])).toEqual([
      ['eth0', 1, 65535, 'first NIC'],
      ['any', 113, 262144, undefined],
      ['wlan0', 1, 262144, undefined],
    ]);
    expect(back.meta(3).comments).toEqual(['suspicious beacon', 'second note — ünïcödé']);
    // The section header names the writer and carries the provenance.
    const shb = shbOptions(readFileSync(out));
    expect(shb.get(4)).toEqual(['Wirelens']);
    expect(shb.get(1)).toEqual(['provenance here']);
    // Nothing else is left in the folder.
    expect(readdirSync(dir).sort()).toEqual(['all.pcapng', 'evidence.pcapng']);
  });

  it('writes a subset in order, with only the interfaces it uses (renumbered)', async () => {
    const dir = newDir();
    const src = await openIt(mixedCapture(dir));
    // Frames 6, 11, 16 are on "any" (iface 1), 8 on wlan0 (iface 2); given out of order and repeated.
    const frames = [16, 6, 11, 8, 6];
    const out = join(dir, 'subset.pcapng');
    const r = await exportPackets(src, frames, out);
    expect(r.packets).toBe(4);
    const back = await openIt(out);
    expect(back.interfaces.map((f) => f.name)).toEqual(['any', 'wlan0']);
    expect(packetsOf(back)).toEqual(packetsOf(src, [6, 8, 11, 16]));
    expect([0, 1, 2, 3].map((i) => back.index.iface(i))).toEqual([0, 1, 0, 0]);
  });

  it('keeps power-of-2, millisecond and if_tsoffset timestamps exactly; finer than ns becomes ns', async () => {
    const dir = newDir();
    const ifaces: PcapngInterface[] = [
      { linkType: 1, name: 'bin20', tsresol: 0x80 | 20 },
      { linkType: 1, name: 'milli', tsresol: 3 },
      { linkType: 1, name: 'offset', tsresol: 9, tsoffset: 1_000_000 },
      { linkType: 1, name: 'pico', tsresol: 12 },
      { linkType: 1, name: 'bin32', tsresol: 0x80 | 32 },
    ];
    const packets: WritePacket[] = [];
    for (let i = 0; i < 20; i++) {
      const iface = i % 5;
      const p = pk(i, { iface });
      // Units the interface can say (the writer would round others down).
      if (iface === 0) p.tsUnits = BigInt(p.tsSec) * (1n << 20n) + BigInt((i * 99_991) % (1 << 20));
      if (iface === 1) p.tsNsec = ((i * 37) % 1000) * 1_000_000;
      if (iface === 3) p.tsUnits = BigInt(p.tsSec) * 10n ** 12n + BigInt(i * 987_654_321_123);
      if (iface === 4) p.tsUnits = BigInt(p.tsSec) * (1n << 32n) + BigInt((i * 2_654_435_761) % 2 ** 32);
      packets.push(p);
    }
    const src = await openIt(save(dir, 'res.pcapng', writePcapng(packets, { interfaces: ifaces })));
    const out = join(dir, 'res-out.pcapng');
    await exportPackets(
      src,
      [...Array(20).keys()].map((i) => i + 1),
      out,
    );
    const back = await openIt(out);
    const ts = (c: CaptureFile) => packetsOf(c).map((p) => p.ts);
    expect(ts(back)).toEqual(ts(src));
    expect(ts(back)[2]).toMatch(/^1600000002\./); // if_tsoffset applied when reading, not applied twice
    expect([0, 1, 2, 3, 4].map((id) => back.tsresol(id))).toEqual([0x80 | 20, 3, 9, 9, 9]);
    // The source units of the power-of-2 interface are written as they were.
    const units = (bytes: Uint8Array, blockAt: number) => {
      const dv = new DataView(bytes.buffer, bytes.byteOffset);
      return (BigInt(dv.getUint32(blockAt + 12, true)) << 32n) | BigInt(dv.getUint32(blockAt + 16, true));
    };
    const outBytes = readFileSync(out);
    const firstEpb = src.index.offset(0) - 28;
    expect(units(outBytes, back.index.offset(0) - 28)).toBe(units(readFileSync(src.path), firstEpb));
  });

  it('merges the sections of a multi-section source (both byte orders) into one', async () => {
    const dir = newDir();
    const s1 = writePcapng([pk(0), pk(1, { iface: 1 })], {
      interfaces: [
        { linkType: 1, name: 'eth0', tsresol: 9 },
        { linkType: 101, name: 'tun0', tsresol: 9 },
      ],
    });
    const s2 = writePcapng([pk(2, { comments: ['big-endian section'] })], {
      interfaces: [{ linkType: 1, name: 'eth1', tsresol: 9 }],
      bigEndian: true,
    });
    const src = await openIt(save(dir, 'multi.pcapng', concatBytes(s1, s2)));
    const out = join(dir, 'merged.pcapng');
    await exportPackets(src, [1, 2, 3], out);
    const back = await openIt(out);
    expect(back.interfaces.map((f) => f.name)).toEqual(['eth0', 'tun0', 'eth1']);
    expect(packetsOf(back)).toEqual(packetsOf(src));
  });

  it('carries decryption secrets (TLS key logs) along, from sections of either byte order', async () => {
    const dir = newDir();
    const keylog = new TextEncoder().encode('CLIENT_RANDOM 00112233 44556677\n');
    const s1 = writePcapng([pk(0)], {
      interfaces: [{ linkType: 1, tsresol: 9 }],
      secrets: [{ type: 0x544c534b, data: keylog }],
    });
    const s2 = writePcapng([pk(1)], {
      interfaces: [{ linkType: 1, tsresol: 9 }],
      secrets: [{ type: 0x57474b4c, data: Uint8Array.of(1, 2, 3) }],
      bigEndian: true,
    });
    const src = await openIt(save(dir, 'keys.pcapng', concatBytes(s1, s2)));
    const want = [
      { type: 0x544c534b, data: keylog },
      { type: 0x57474b4c, data: Uint8Array.of(1, 2, 3) },
    ];
    expect(src.decryptionSecrets()).toEqual(want);
    const out = join(dir, 'keys-out.pcapng');
    expect((await exportPackets(src, [2], out)).notes).toEqual([]);
    const back = await openIt(out);
    expect(back.decryptionSecrets()).toEqual(want);
    expect(packetsOf(back)).toEqual(packetsOf(src, [2]));
    // pcap holds no secrets: the result says they were left behind.
    const r = await exportPackets(src, [1, 2], join(dir, 'keys-out.pcap'), { format: 'pcap' });
    expect(r.notes).toEqual([
      "the capture's 2 embedded decryption secrets are not in it (pcap cannot hold them; pcapng keeps the packets decryptable)",
    ]);
  });

  it('says which packet comments a pcap export leaves behind', async () => {
    const dir = newDir();
    const src = await openIt(
      save(
        dir,
        'notes.pcapng',
        writePcapng([pk(0, { comments: ['one'] }), pk(1), pk(2, { comments: ['two', 'three'] })], {
          interfaces: [{ linkType: 1, tsresol: 9 }],
        }),
      ),
    );
    const r = await exportPackets(src, [1, 2, 3], join(dir, 'notes.pcap'), { format: 'pcap' });
    expect(r.notes).toEqual([
      'the comments of 2 packets are not in it (pcap cannot hold them; pcapng keeps them)',
    ]);
    expect((await exportPackets(src, [2], join(dir, 'two.pcap'), { format: 'pcap' })).notes).toEqual([]);
  });

  it('exports nothing as a valid empty capture', async () => {
    const dir = newDir();
    const src = await openIt(mixedCapture(dir));
    const out = join(dir, 'none.pcapng');
    const r = await exportPackets(src, [], out);
    expect(r.packets).toBe(0);
    const back = await openIt(out);
    expect(back.index.count).toBe(0);
    expect(back.warnings).toEqual([]);
    const pcap = join(dir, 'none.pcap');
    await exportPackets(src, [], pcap, { format: 'pcap' });
    const b2 = await openIt(pcap);
    expect([b2.index.count, b2.interfaces[0].linkType]).toEqual([0, 1]);
    const sll = await openIt(save(dir, 'sll.pcap', writePcap([pk(0)], { linkType: 113 })));
    await exportPackets(sll, [], join(dir, 'none-sll.pcap'), { format: 'pcap' });
    expect((await openIt(join(dir, 'none-sll.pcap'))).interfaces[0].linkType).toBe(113);
  });
});

describe('export specified packets: classic pcap', () => {
  it('keeps nanoseconds from a nanosecond pcap (ns magic) and microseconds from a µs one', async () => {
    const dir = newDir();
    const packets = [0, 1, 2, 3, 4].map((i) => pk(i, { origLen: 1500 }));
    const ns = await openIt(save(dir, 'ns.pcap', writePcap(packets, { linkType: 1, nanosecond: true })));
    const us = await openIt(save(dir, 'us.pcap', writePcap(packets, { linkType: 1 })));
    const outNs = join(dir, 'ns-out.pcap');
    const outUs = join(dir, 'us-out.pcap');
    await exportPackets(ns, [1, 3, 5], outNs, { format: 'pcap' });
    await exportPackets(us, [1, 3, 5], outUs, { format: 'pcap' });
    const backNs = await openIt(outNs);
    const backUs = await openIt(outUs);
    expect(backNs.format).toBe('pcap-nsec');
    expect(backUs.format).toBe('pcap');
    expect(packetsOf(backNs)).toEqual(packetsOf(ns, [1, 3, 5]));
    expect(packetsOf(backUs)).toEqual(packetsOf(us, [1, 3, 5]));
    expect(packetsOf(backNs)[1].ts).toBe(`1600000002.246913578`);
    expect(packetsOf(backUs)[1].ts).toBe(`1600000002.246913000`);
  });

  it('writes pcap from one-link-type pcapng packets (ns when an interface had ns), with the link type', async () => {
    const dir = newDir();
    const src = await openIt(mixedCapture(dir));
    // Frames on eth0 (ns) and wlan0 (µs): both Ethernet.
    const frames = [2, 3, 4, 8, 15];
    const out = join(dir, 'eth.pcap');
    const r = await exportPackets(src, frames, out, { format: 'pcap' });
    expect(r.format).toBe('pcap');
    const back = await openIt(out);
    expect(back.format).toBe('pcap-nsec');
    expect(back.interfaces[0].linkType).toBe(1);
    const strip = (ps: ReturnType<typeof packetsOf>) =>
      ps.map(({ bytes, ts, capLen, origLen, linkType }) => ({ bytes, ts, capLen, origLen, linkType }));
    expect(strip(packetsOf(back))).toEqual(strip(packetsOf(src, frames)));
    // Only µs interfaces: the µs format.
    const usOnly = join(dir, 'any.pcap');
    await exportPackets(src, [1, 6, 11], usOnly, { format: 'pcap' });
    const b2 = await openIt(usOnly);
    expect(b2.format).toBe('pcap');
    expect(b2.interfaces[0].linkType).toBe(113);
  });

  it('refuses pcap for packets of several link types, clearly, and writes nothing', async () => {
    const dir = newDir();
    const src = await openIt(mixedCapture(dir));
    const out = join(dir, 'mixed.pcap');
    const e = await exportPackets(src, [1, 2, 6], out, { format: 'pcap' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ExportError);
    expect((e as Error).message).toMatch(/2 link types \(Ethernet \(1\), Linux cooked.*\(113\)\).*pcapng/);
    expect(readdirSync(dir)).toEqual(['evidence.pcapng']);
  });
});

describe('export specified packets: safety', () => {
  it('never overwrites an existing file, and says which', async () => {
    const dir = newDir();
    const src = await openIt(mixedCapture(dir));
    const out = save(dir, 'taken.pcapng', new TextEncoder().encode('precious'));
    await expect(exportPackets(src, [1], out)).rejects.toThrow(
      `${out} already exists: Wirelens never overwrites a file; choose a new name`,
    );
    expect(readFileSync(out, 'utf8')).toBe('precious');
    // Nor a dangling symbolic link (writing through it would create its target).
    const link = join(dir, 'dangling.pcapng');
    symlinkSync(join(dir, 'nowhere.pcapng'), link);
    await expect(exportPackets(src, [1], link)).rejects.toThrow(/already exists/);
    expect(readdirSync(dir).sort()).toEqual(['dangling.pcapng', 'evidence.pcapng', 'taken.pcapng']);
  });

  it('refuses the evidence file itself, however it is named', async () => {
    const dir = newDir();
    const path = mixedCapture(dir);
    const before = sha(path);
    const src = await openIt(path);
    const alias = join(root, `alias${n++}`);
    symlinkSync(dir, alias);
    for (const target of [path, join(alias, 'evidence.pcapng'), relative(process.cwd(), path)]) {
      await expect(exportPackets(src, [1], target)).rejects.toThrow(
        `refusing to write onto the evidence file itself (`,
      );
    }
    expect(() => checkExportTarget(join(dir, '.', 'evidence.pcapng'), path)).toThrow(/evidence file itself/);
    expect(sha(path)).toBe(before);
    expect(readdirSync(dir)).toEqual(['evidence.pcapng']);
  });

  it('says when the folder does not exist', async () => {
    const dir = newDir();
    const src = await openIt(mixedCapture(dir));
    const out = join(dir, 'no', 'such', 'x.pcapng');
    await expect(exportPackets(src, [1], out)).rejects.toThrow(
      new RegExp(`cannot write ${out}: the folder ${join(dir, 'no', 'such')} does not exist`),
    );
    await expect(exportPackets(src, [1], '  ')).rejects.toThrow(/no file name/);
  });

  it('removes the temporary file when reading fails midway, and reports path and reason', async () => {
    const dir = newDir();
    const packets = Array.from({ length: 200 }, (_, i) => pk(i));
    const path = save(dir, 'cut.pcap', writePcap(packets, { linkType: 1 }));
    const src = await openIt(path);
    // The evidence shrinks after it was opened: the export fails partway through.
    truncateSync(path, 24 + 100 * 60);
    const out = join(dir, 'partial.pcapng');
    const e = (await exportPackets(
      src,
      [...Array(200).keys()].map((i) => i + 1),
      out,
    ).catch((x: unknown) => x)) as Error;
    expect(e).toBeInstanceOf(ExportError);
    expect(e.message).toMatch(new RegExp(`^cannot write ${out}: packet \\d+ could not be read`));
    expect(readdirSync(dir)).toEqual(['cut.pcap']);
  });

  it('removes the temporary file when cancelled', async () => {
    const dir = newDir();
    const src = await openIt(mixedCapture(dir));
    const out = join(dir, 'cancelled.pcapng');
    const ac = new AbortController();
    ac.abort();
    await expect(exportPackets(src, [1, 2, 3], out, { signal: ac.signal })).rejects.toThrow(
      `the export to ${out} was cancelled; nothing was written`,
    );
    expect(readdirSync(dir)).toEqual(['evidence.pcapng']);
  });

  it('reports a folder it may not write to', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere
    const dir = newDir();
    const src = await openIt(mixedCapture(dir));
    await expect(exportPackets(src, [1], '/proc/x.pcapng')).rejects.toThrow(/cannot write \/proc\/x.pcapng/);
  });

  it('streams a large export in slices (progress, yields) with the right hash', async () => {
    const dir = newDir();
    const packets = Array.from({ length: 50_000 }, (_, i) => pk(i));
    const src = await openIt(save(dir, 'big.pcap', writePcap(packets, { linkType: 1, nanosecond: true })));
    const out = join(dir, 'big-out.pcapng');
    const progress: number[] = [];
    // Every other packet and a long run: lone packets and buffered runs both.
    const frames = [
      ...Array.from({ length: 10_000 }, (_, i) => 2 * i + 1),
      ...Array.from({ length: 30_000 }, (_, i) => 20_001 + i),
    ];
    const r = await exportPackets(src, frames, out, { onProgress: (d) => progress.push(d) });
    expect(r.packets).toBe(40_000);
    expect(r.sha256).toBe(sha(out));
    expect(r.bytes).toBe(statSync(out).size);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toBe(40_000);
    const back = await openIt(out);
    expect(back.index.count).toBe(40_000);
    const probe = [0, 1, 9_999, 10_000, 39_999];
    expect(
      packetsOf(
        back,
        probe.map((i) => i + 1),
      ).map((p) => [p.bytes, p.ts]),
    ).toEqual(
      packetsOf(
        src,
        probe.map((i) => frames[i]),
      ).map((p) => [p.bytes, p.ts]),
    );
  });
});

describe('packet ranges and provenance', () => {
  it('parses Wireshark-style ranges', () => {
    expect([...parsePacketRange('1-3, 7,5 ,9-', 10)]).toEqual([1, 2, 3, 5, 7, 9, 10]);
    expect([...parsePacketRange('-2,8-20', 10)]).toEqual([1, 2, 8, 9, 10]);
    expect([...parsePacketRange('4,4,3-4', 10)]).toEqual([3, 4]);
    expect(() => parsePacketRange('', 10)).toThrow(/empty/);
    expect(() => parsePacketRange('5-2', 10)).toThrow(/not a valid range/);
    expect(() => parsePacketRange('x', 10)).toThrow(/not a packet number or range/);
    expect(() => parsePacketRange('0', 10)).toThrow(/not a valid range/);
  });

  it('writes the provenance as lines', () => {
    const at = new Date('2024-05-01T12:00:00Z');
    expect(
      provenanceComment({
        source: 'case.pcapng',
        sha256: 'ab'.repeat(32),
        selection: 'display filter: http',
        packets: 12,
        total: 345,
        exportedAt: at,
      }),
    ).toBe(
      [
        'Exported by Wirelens from case.pcapng',
        `Source SHA-256: ${'ab'.repeat(32)}`,
        'Packets: 12 of 345 (display filter: http)',
        'Exported at: 2024-05-01T12:00:00.000Z',
      ].join('\n'),
    );
  });
});
