/**
 * Export Specified Packets against tshark itself, on corpus captures: the packets our filter selects are written
 * (pcapng and pcap), then tshark reads the new file back — same frames, timestamps, lengths and comments as
 * `tshark -r IN -Y FILTER`, the same bytes (and decryptions, from carried-over secrets) as tshark's own
 * `-w` export of them — and the source file is unchanged.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import { CaptureSession } from '../session/session.js';
import { exportChosenPackets } from '../session/packet-export.js';
import { compileFilter } from '../dfilter/index.js';
import { sha256File } from './sha256.js';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

/** `type`: what capinfos must call the new file (the nanosecond pcap format when the source had ns). */
const CASES: { file: string; filter: string; format: 'pcapng' | 'pcap'; type?: string }[] = [
  { file: 'http_gifs.pcap', filter: 'http.request', format: 'pcapng' },
  { file: 'http_gifs.pcap', filter: 'tcp.port == 80', format: 'pcap' },
  // 11 interfaces, two link types; packets on two of them.
  { file: 'many_interfaces.pcapng.1', filter: 'udp', format: 'pcapng' },
  // Nanosecond timestamps, classic and pcapng.
  { file: 'dhcp-nanosecond.pcap', filter: 'dhcp', format: 'pcap', type: 'nsecpcap' },
  { file: 'dhcp-nanosecond.pcapng', filter: 'dhcp', format: 'pcapng' },
  { file: 'dmgr.pcapng', filter: 'tcp', format: 'pcap', type: 'nsecpcap' },
  // Interfaces of µs and ns resolution, and a decryption secrets block (QUIC keys).
  { file: 'quic-fragmented-handshakes.pcapng.gz', filter: 'udp', format: 'pcapng' },
  { file: 'tls12-dsb.pcapng', filter: 'tls', format: 'pcapng' },
  // Packet comments.
  { file: 'sip.pcapng', filter: 'ip', format: 'pcapng' },
  { file: 'wpa3-suiteb-192.pcapng.gz', filter: 'frame.len > 100', format: 'pcapng' },
  { file: 'dns+icmp.pcapng.gz', filter: 'dns', format: 'pcapng' },
];

const tshark = (args: string[]) => {
  const r = spawnSync('tshark', args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  const err = r.stderr
    .split('\n')
    .filter((l) => l && !/Running as user .* could be dangerous/.test(l))
    .join('\n');
  return { status: r.status, out: r.stdout, err };
};
const FIELDS = ['frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.comment', 'frame.encap_type'];
const fields = (file: string, extra: string[] = [], names = FIELDS) =>
  tshark(['-r', file, ...extra, '-T', 'fields', ...names.flatMap((f) => ['-e', f])]);

describe.skipIf(!hasCorpus || !hasTshark)('export specified packets vs tshark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-export-corpus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CASES)('$file -Y "$filter" → $format reads back in tshark as the filtered source', async (c) => {
    const src = capturePath(c.file);
    const before = await sha256File(src);
    const s = new CaptureSession();
    const srcFormat = (await s.open(src)).format;
    const compiled = compileFilter(c.filter);
    if (!compiled.ok) throw new Error(compiled.error.message);
    const frames = s.runFilter(compiled.filter);
    // Our filter selects what tshark's does (else the comparisons below would test the filter, not the export).
    const theirFrames = tshark(['-r', src, '-Y', c.filter, '-T', 'fields', '-e', 'frame.number']).out;
    expect([...frames].join('\n') + '\n').toBe(theirFrames);
    expect(frames.length).toBeGreaterThan(0);

    const out = join(dir, `${basename(c.file)}.${c.format}`);
    const r = await exportChosenPackets(s, { frames, selection: `display filter: ${c.filter}` }, out, {
      format: c.format,
    });
    s.close();
    expect(r.packets).toBe(frames.length);
    expect(r.sha256).toBe(await sha256File(out));

    // tshark reads it cleanly, in the format asked for, with the same frames.
    const type = /File type:\s+(\S+)/.exec(
      spawnSync('capinfos', ['-t', '-M', out], { encoding: 'utf8' }).stdout,
    )?.[1];
    expect(type).toBe(c.type ?? c.format);
    const ours = fields(out);
    expect(ours.err).toBe('');
    expect(ours.status).toBe(0);
    expect(ours.out).toBe(fields(src, ['-Y', c.filter]).out);
    if (c.format === 'pcapng' && srcFormat === 'pcapng') {
      // Interface names (a classic pcap source has none; tshark then says "unknown" for the pcapng's).
      const ifc = ['frame.interface_name'];
      expect(fields(out, [], ifc).out).toBe(fields(src, ['-Y', c.filter], ifc).out);
    }

    // Identical bytes, and the same dissection (decryption included), as tshark's own export of those packets.
    const theirs = join(dir, `${basename(c.file)}.tshark.${c.format}`);
    const w = tshark(['-r', src, '-Y', c.filter, '-F', c.format, '-w', theirs]);
    expect(w.status).toBe(0);
    const hexOurs = tshark(['-r', out, '-x']).out;
    expect(hexOurs).toBe(tshark(['-r', theirs, '-x']).out);

    // The evidence is untouched.
    expect(await sha256File(src)).toBe(before);
    console.log(
      `${c.file} -Y "${c.filter}" → ${c.format}: ${r.packets} packets, ${r.bytes} bytes, agree with tshark`,
    );
  });
});
