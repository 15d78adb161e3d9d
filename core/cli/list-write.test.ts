/** `wirelens list FILE [-Y FILTER] -w OUT [--format-out pcapng|pcap]` (like tshark -r IN -Y FILTER -w OUT). */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture, writePcapng } from '../capture/index.js';
import { httpGifScenario } from '../testing/scenarios.js';
import { CaptureSession } from '../session/session.js';
import { compileFilter } from '../dfilter/index.js';
import { main } from './main.js';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-list-w-'));
  const file = join(dir, 'case.pcapng');
  writeFileSync(
    file,
    writePcapng(httpGifScenario(), { interfaces: [{ linkType: 1, name: 'eth0', tsresol: 9 }] }),
  );
  return { dir, file };
}

/** Frame numbers matching a filter, as our own engine selects them. */
async function matching(file: string, expr: string): Promise<number[]> {
  const s = new CaptureSession({ hash: false });
  await s.open(file);
  const c = compileFilter(expr);
  if (!c.ok) throw new Error(c.error.message);
  const frames = [...s.runFilter(c.filter)];
  s.close();
  return frames;
}

describe('wirelens list -w', () => {
  it('writes the matching packets to OUT, prints no rows and one summary line on stderr', async () => {
    const { dir, file } = fixture();
    const out = join(dir, 'gets.pcapng');
    const before = sha(file);
    const r = await run(['list', file, '-Y', 'http.request', '-w', out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const want = await matching(file, 'http.request');
    expect(want.length).toBe(5);
    expect(r.err).toBe(
      `5 packets written to ${out} (pcapng, ${readFileSync(out).length} bytes), SHA-256 ${sha(out)}\n`,
    );
    const src = await openCapture(file);
    const back = await openCapture(out);
    expect(back.index.count).toBe(5);
    want.forEach((no, k) =>
      expect(Buffer.from(back.readPacket(k)).equals(Buffer.from(src.readPacket(no - 1)))).toBe(true),
    );
    src.close();
    back.close();
    // The provenance names the filter and the source's hash.
    const text = readFileSync(out).toString('utf8');
    expect(text).toContain('display filter: http.request');
    expect(text).toContain(`Source SHA-256: ${before}`);
    expect(sha(file)).toBe(before);

    // Listing the new file shows exactly those packets.
    const listed = await run(['list', out, '--format', 'tsv']);
    expect(listed.out.trim().split('\n').length).toBe(6);
  });

  it('writes every packet without -Y, and classic pcap with --format-out pcap', async () => {
    const { dir, file } = fixture();
    const out = join(dir, 'all.pcap');
    const r = await run(['list', file, '-w', out, '--format-out', 'pcap']);
    expect(r.code).toBe(0);
    const back = await openCapture(out);
    expect(back.format).toBe('pcap-nsec');
    expect(back.index.count).toBe(httpGifScenario().length);
    back.close();
    expect(r.err).toMatch(/^\d+ packets written to .*all\.pcap \(pcap, \d+ bytes\), SHA-256 [0-9a-f]{64}\n$/);
  });

  it('refuses to overwrite, to write onto the capture, and bad combinations', async () => {
    const { dir, file } = fixture();
    const out = join(dir, 'x.pcapng');
    writeFileSync(out, 'keep me');
    let r = await run(['list', file, '-w', out]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `wirelens list: ${out} already exists: Wirelens never overwrites a file; choose a new name\n`,
    );
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    r = await run(['list', file, '-Y', 'tcp', '-w', file]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refusing to write onto the evidence file itself/);
    for (const args of [
      ['-w', join(dir, 'a.pcapng'), '--count'],
      ['-w', join(dir, 'a.pcapng'), '--format', 'json'],
      ['--format-out', 'pcap'],
      ['-w', join(dir, 'a.pcapng'), '--format-out', 'erf'],
      ['-w', '-'],
    ]) {
      r = await run(['list', file, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
    }
    r = await run(['list', file, '-Y', 'tcp.port ==', '-w', join(dir, 'a.pcapng')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid filter/);
    expect(readdirSync(dir).sort()).toEqual(['case.pcapng', 'x.pcapng']);
  });

  it('documents -w in its usage', async () => {
    const r = await run(['help', 'list']);
    expect(r.out).toContain('-w OUT');
    expect(r.out).toContain('--format-out');
  });
});
