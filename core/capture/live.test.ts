import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync, truncateSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from './index.js';
import { captureProgram, explainFailure } from './live.js';
import { writePcap } from './writer.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-live-'));

describe('growing captures', () => {
  it('indexes records appended while the file is open, and reports a file truncated while open', async () => {
    const pkts = Array.from({ length: 10 }, (_, i) => ({ data: Uint8Array.of(i, i, i, i), tsSec: 100 + i }));
    const full = writePcap(pkts, { linkType: 1 });
    const file = join(dir, 'growing.pcap');
    writeFileSync(file, full.subarray(0, 24 + 3 * 20 + 7)); // three records and part of the fourth
    const cap = await openCapture(file);
    expect(cap.index.count).toBe(3);
    appendFileSync(file, full.subarray(24 + 3 * 20 + 7, 24 + 6 * 20));
    expect(cap.refresh()).toBe(3);
    expect(cap.readPacket(5)).toEqual(pkts[5].data);
    appendFileSync(file, full.subarray(24 + 6 * 20));
    expect(cap.refresh()).toBe(4);
    expect(cap.index.count).toBe(10);
    expect(cap.size).toBe(full.length);
    truncateSync(file, 50);
    expect(() => cap.refresh()).toThrow(/truncated while open/);
    cap.close();
  });

  it('explains capture failures with the fix', () => {
    expect(explainFailure("dumpcap: You don't have permission to capture on that device", 'eth0')).toMatch(
      /No permission to capture on eth0.*setcap/,
    );
    expect(explainFailure('tcpdump: nosuch: No such device exists', 'nosuch')).toMatch(
      /no capture interface called "nosuch"/,
    );
  });
});

const root = process.getuid?.() === 0;
describe.skipIf(!root || !captureProgram())('live capture on loopback (root)', () => {
  it('captures HTTP requests to a local server and prints their URLs as they pass', async () => {
    const server = createServer((req, res) => res.end(`you asked for ${req.url}`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const out = join(dir, 'live.pcap');
    const child = spawn(
      process.execPath,
      [
        resolve(import.meta.dirname, '..', '..', 'bin', 'wirelens.mjs'),
        'capture',
        '-i',
        'lo',
        '-f',
        `tcp port ${port}`,
        '-w',
        out,
        '--http-urls',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until the capture runs (the file exists with its header), then make requests.
    const t0 = Date.now();
    while (!(await import('node:fs')).existsSync(out) && Date.now() - t0 < 15_000)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    for (const p of ['/index.html', '/img/logo.gif', '/x.gif?y=1']) {
      const r = await fetch(`http://127.0.0.1:${port}${p}`, { headers: { connection: 'close' } });
      await r.text();
    }
    const t1 = Date.now();
    while (
      stdout.split('\n').filter((l) => l.startsWith('Requested URL')).length < 3 &&
      Date.now() - t1 < 15_000
    )
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    await new Promise((r) => child.on('exit', r));
    server.close();
    const urls = stdout
      .split('\n')
      .filter((l) => l.startsWith('Requested URL'))
      .map((l) => l.split('\t')[0]);
    expect(urls).toEqual([
      `Requested URL: http://127.0.0.1:${port}/index.html`,
      `Requested URL: http://127.0.0.1:${port}/img/logo.gif`,
      `Requested URL: http://127.0.0.1:${port}/x.gif?y=1`,
    ]);
    expect(stderr).toMatch(/packet\(s\) captured on lo, saved to/);
    const cap = await openCapture(out);
    expect(cap.index.count).toBeGreaterThanOrEqual(3 * 6);
    cap.close();
  });
});

describe.skipIf(!root || !captureProgram())('live capture through the service (root)', () => {
  it('grows the open capture, lists HTTP requests as they pass, and saves on stop without overwriting', async () => {
    const { createLocalService } = await import('../session/service.js');
    const svc = createLocalService({ dataDir: join(dir, 'data') });
    const server = createServer((req, res) => res.end(`you asked for ${req.url}`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const grown: number[] = [];
    svc.on('grown', (g) => grown.push(g.packets));
    expect((await svc.call('interfaces', {})).map((i) => i.name)).toContain('lo');
    await svc.call('startCapture', { iface: 'lo', filter: `tcp port ${port}` });
    await new Promise((r) => setTimeout(r, 300));
    for (const p of ['/live/a.gif', '/live/b.html'])
      await (await fetch(`http://127.0.0.1:${port}${p}`)).text();
    const t0 = Date.now();
    let reqs = await svc.call('httpRequests', { after: 0 });
    while (reqs.length < 2 && Date.now() - t0 < 10_000) {
      await new Promise((r) => setTimeout(r, 200));
      reqs = await svc.call('httpRequests', { after: 0 });
    }
    expect(reqs.map((r) => r.url)).toEqual([
      `http://127.0.0.1:${port}/live/a.gif`,
      `http://127.0.0.1:${port}/live/b.html`,
    ]);
    expect(reqs[0]).toMatchObject({ method: 'GET', source: '127.0.0.1' });
    // Times count from the first captured packet (the live file opened empty), not from 1970.
    expect(reqs[0].time).toBeGreaterThanOrEqual(0);
    expect(reqs[0].time).toBeLessThan(60);
    const rows = await svc.call('rows', { start: 0, count: 3 });
    expect(rows.rows[0].time).toBe(0);
    expect(grown.length).toBeGreaterThan(0);
    const saveAs = join(dir, 'kept.pcap');
    // After the stop, the capture's SHA-256 is that of the complete file, not of the empty file at start.
    const rehashed = new Promise<string | undefined>((res) =>
      svc.on('opened', (i) => i.sha256 && res(i.sha256)),
    );
    const stopped = await svc.call('stopCapture', { saveAs });
    expect(stopped.savedAs).toBe(saveAs);
    expect(stopped.packets).toBeGreaterThanOrEqual(12);
    await expect(svc.call('stopCapture', { saveAs })).rejects.toThrow(/EEXIST|exists/);
    const sha = createHash('sha256').update(readFileSync(saveAs)).digest('hex');
    expect(await rehashed).toBe(sha);
    expect((await svc.call('info', {}))?.sha256).toBe(sha);
    server.close();
    svc.dispose();
  });
});
