import { describe, expect, it } from 'vitest';
import { fuzz } from './fuzz.js';
import { fuzzSources } from './sources.js';

describe('capture fuzzing (short deterministic round)', () => {
  it('never throws past the session API on mutated captures', async () => {
    const r = await fuzz(fuzzSources(64 * 1024), 3000, 20261124);
    console.log(
      `fuzz: ${r.cases} cases in ${r.seconds.toFixed(1)} s (${(r.cases / r.seconds).toFixed(0)}/s), ${r.failures.length} failures, slowest packet ${r.slowestMs.toFixed(1)} ms`,
    );
    for (const f of r.failures.slice(0, 5))
      console.log(`seed ${f.seed} ${f.mutation} ${f.source}: ${f.error.split('\n')[0]}`);
    expect(r.failures).toEqual([]);
    expect(r.slowestMs).toBeLessThan(2000);
    // ~30 s on an idle 2-core machine; the time is printed, not asserted, so a busy machine must not fail it.
  }, 900_000);
});

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { writePcap } from '../capture/writer.js';
import { CaptureState, dissectFrame } from '../dissect/engine.js';
import { compileFilter } from '../dfilter/index.js';
import { CaptureSession } from '../session/session.js';
import { dnsExchange } from '../testing/synth.js';
import { httpGifScenario, CLIENT, ROUTER } from '../testing/scenarios.js';
import { listObjects } from '../objects/list.js';
import { exportObjects } from '../objects/export.js';
import { exportable } from '../objects/select.js';
import { rng } from './fuzz.js';
import '../protocols/index.js';

describe('fuzzer regressions', () => {
  it('a DNS name with a reserved label type (0x40) is a malformed packet, not an exception', () => {
    const [q] = dnsExchange(CLIENT, ROUTER, 'example.com', '1.2.3.4', 7, { s: 1, ns: 0 });
    const bytes = q.data.slice();
    bytes[14 + 20 + 8 + 12] = 0x47; // first label length byte → label type 01
    const d = dissectFrame(
      {
        number: 1,
        tsSec: 1,
        tsNsec: 0,
        capLen: bytes.length,
        origLen: bytes.length,
        linkType: 1,
        interfaceId: 0,
      },
      bytes,
      new CaptureState(),
    );
    expect(d.malformed).toBe(true);
    expect(d.columns.protocol).toBe('DNS');
  });
});

describe('filter fuzzing', () => {
  it('every random or mutated expression ends as a result or an error with a span', () => {
    const atoms = [
      'tcp',
      'ip.addr',
      '==',
      '!=',
      '&&',
      '||',
      '!',
      '(',
      ')',
      '{',
      '}',
      '[',
      ']',
      ':',
      '..',
      ',',
      '"x"',
      '"\\',
      'r"a\\.b"',
      '10.0.0.0/8',
      '0x1f',
      'matches',
      'contains',
      'in',
      'not',
      'len(',
      'frame',
      '#2',
      '${',
      '-',
      '+',
      '*',
      '&',
      "'a'",
      'http.request.method',
      'GET',
      '1',
      '-1',
      'ff:ff',
      '999.9.9.9',
      'xor',
      '^^',
      '===',
      '!==',
    ];
    const r = rng(42);
    const seeds = [
      'http.request.method==GET && http.request.full_uri matches "http://.*\\.gif.*"',
      'tcp.port in {80, 443}',
      'frame[0:3] == 00:1a:2b',
      'ip.addr == 10.0.0.0/8 && !dns',
    ];
    for (let i = 0; i < 20_000; i++) {
      let expr: string;
      if (i % 2) {
        expr = Array.from(
          { length: 1 + Math.floor(r() * 10) },
          () => atoms[Math.floor(r() * atoms.length)],
        ).join(r() < 0.5 ? ' ' : '');
      } else {
        const s = seeds[i % seeds.length].split('');
        const at = Math.floor(r() * s.length);
        s.splice(at, Math.floor(r() * 3), atoms[Math.floor(r() * atoms.length)]);
        expr = s.join('');
      }
      const c = compileFilter(expr);
      if (!c.ok) {
        expect(c.error.span[0]).toBeGreaterThanOrEqual(0);
        expect(c.error.span[1]).toBeLessThanOrEqual(expr.length);
        expect(c.error.message.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('evidence integrity', () => {
  it('a full session (open, filter, export, report, close) leaves the capture byte-for-byte untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-integrity-'));
    const file = join(dir, 'evidence.pcap');
    writeFileSync(file, writePcap(httpGifScenario(), { linkType: 1 }));
    const before = { sha: createHash('sha256').update(readFileSync(file)).digest('hex'), st: statSync(file) };
    const s = new CaptureSession();
    const info = await s.open(file);
    expect(await s.fileSha256()).toBe(before.sha);
    s.rows(0, info.packets);
    await s.applyFilter('http');
    s.packet(3);
    const r = await exportObjects(
      listObjects(s).map((o) => exportable(s, o)),
      join(dir, 'out'),
      () => 'unknown',
      { name: 'evidence.pcap', sha256: await s.fileSha256() },
    );
    expect(r.failed).toEqual([]);
    s.close();
    const after = statSync(file);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before.sha);
    expect(after.size).toBe(before.st.size);
    expect(after.mtimeMs).toBe(before.st.mtimeMs);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as {
      capture: { sha256: string };
    };
    expect(report.capture.sha256).toBe(before.sha);
  });
});
