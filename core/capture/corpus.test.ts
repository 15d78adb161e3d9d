import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture, wtapEncap } from './index.js';
import {
  CORPUS,
  allCaptures,
  capturePath,
  hasCorpus,
  oracleCaptures,
  oracleFile,
  readTsv,
} from '../testing/corpus.js';

interface PcapParserPacket {
  header: {
    timestampSeconds: number;
    timestampMicroseconds: number;
    capturedLength: number;
    originalLength: number;
  };
  data: Buffer;
}
interface PcapParserEmitter {
  on(ev: 'packet', fn: (p: PcapParserPacket) => void): void;
  on(ev: 'end', fn: () => void): void;
  on(ev: 'error', fn: (e: Error) => void): void;
}
const pcapParser = createRequire(import.meta.url)('pcap-parser') as {
  parse(path: string): PcapParserEmitter;
};

function parseWithPcapParser(path: string): Promise<PcapParserPacket[] | Error> {
  return new Promise((resolve) => {
    const out: PcapParserPacket[] = [];
    const p = pcapParser.parse(path);
    let failed: Error | undefined;
    p.on('packet', (x) => out.push(x));
    p.on('error', (e) => (failed = e));
    p.on('end', () => resolve(failed ?? out));
  });
}

describe.skipIf(!hasCorpus)('capture reader on the corpus', () => {
  it('matches tshark frame counts, lengths and timestamps on every oracle capture', async () => {
    let frames = 0;
    let agree = 0;
    const bad: string[] = [];
    for (const name of oracleCaptures()) {
      const rows = readTsv(oracleFile(name, 'frames.tsv'));
      const c = await openCapture(capturePath(name));
      expect(c.index.count, name).toBe(rows.length);
      for (let i = 0; i < rows.length; i++) {
        frames++;
        const t = `${c.index.tsSec(i)}.${String(c.index.tsNsec(i)).padStart(9, '0')}`;
        const same =
          t === rows[i]['frame.time_epoch'] &&
          String(c.index.origLen(i)) === rows[i]['frame.len'] &&
          String(c.index.capLen(i)) === rows[i]['frame.cap_len'];
        if (same) agree++;
        else if (bad.length < 10) bad.push(`${name}#${i + 1}`);
      }
      c.close();
    }
    console.log(
      `capture reader vs tshark: ${oracleCaptures().length} captures, frames agree ${agree}/${frames}`,
      bad,
    );
    expect(agree).toBe(frames);
  });

  it('reports the cut-short capture like tshark does, keeping all complete packets', async () => {
    const c = await openCapture(capturePath('http_gifs_cut.pcap'));
    expect(c.index.count).toBe(readTsv(oracleFile('http_gifs_cut.pcap', 'frames.tsv')).length);
    expect(c.warnings.join(' ')).toMatch(/cut short in the middle of a packet at byte \d+/);
    c.close();
  });

  it('opens every capture file of the corpus or explains why not', async () => {
    const failures: string[] = [];
    let opened = 0;
    for (const path of allCaptures()) {
      try {
        const c = await openCapture(path);
        for (let i = 0; i < c.index.count; i++) c.readPacket(i);
        c.close();
        opened++;
      } catch (e) {
        failures.push(`${basename(path)}: ${(e as Error).message}`);
      }
    }
    console.log(`opened ${opened}/${allCaptures().length} corpus captures`, failures);
    for (const f of failures) expect(f).toMatch(/is not a pcap or pcapng capture file/);
  });

  it('agrees with pcap-parser on every classic µs pcap (count, lengths, timestamps, bytes)', async () => {
    let files = 0;
    let packets = 0;
    for (const path of allCaptures().filter((p) => p.endsWith('.pcap'))) {
      const head = readFileSync(path).subarray(0, 4).toString('hex');
      if (head !== 'd4c3b2a1' && head !== 'a1b2c3d4') continue; // pcap-parser knows µs pcap only
      const theirs = await parseWithPcapParser(path);
      if (theirs instanceof Error) continue;
      const c = await openCapture(path);
      expect(c.index.count, path).toBe(theirs.length);
      theirs.forEach((p, i) => {
        expect(c.index.capLen(i)).toBe(p.header.capturedLength);
        expect(c.index.origLen(i)).toBe(p.header.originalLength);
        expect(c.index.tsSec(i)).toBe(p.header.timestampSeconds);
        expect(c.index.tsNsec(i)).toBe(p.header.timestampMicroseconds * 1000);
        expect(Buffer.from(c.readPacket(i)).equals(p.data)).toBe(true);
      });
      files++;
      packets += theirs.length;
      c.close();
    }
    console.log(`pcap-parser cross-check: ${files} files, ${packets} packets identical`);
    expect(files).toBeGreaterThan(10);
  });

  it('refuses the helper files that are not captures (.txt, .log, .cbordiag) with a clear CaptureError', async () => {
    const dir = join(CORPUS, 'captures', 'wireshark');
    const helpers = readdirSync(dir).filter((f) => /\.(txt|log|cbordiag)$/.test(f));
    expect(helpers.length).toBeGreaterThan(5);
    for (const f of helpers) {
      await expect(openCapture(join(dir, f)), f).rejects.toThrow(
        new RegExp(
          `${f.replace(/[.]/g, '\\.')} is not a pcap or pcapng capture file \\(it starts with [0-9a-f ]+\\)`,
        ),
      );
    }
    console.log(`${helpers.length} helper files refused clearly`);
  });

  const capinfos = spawnSync('capinfos', ['-h'], { encoding: 'utf8' });
  it.skipIf(capinfos.error !== undefined)(
    'agrees with capinfos on the packet count of every capture, and warns exactly where capinfos reports an error',
    async () => {
      const files = allCaptures();
      const r = spawnSync('capinfos', ['-c', '-M', '-T', '-r', ...files], { encoding: 'utf8' });
      const counts = new Map<string, number>();
      for (const line of r.stdout.split('\n')) {
        const m = /^(.*)\t(\d+)$/.exec(line);
        if (m) counts.set(m[1], Number(m[2]));
      }
      const damaged = new Set([...r.stderr.matchAll(/packets from "([^"]+)"/g)].map((m) => m[1]));
      let agree = 0;
      const bad: string[] = [];
      for (const f of files) {
        const c = await openCapture(f);
        const same = counts.get(f) === c.index.count && damaged.has(f) === c.warnings.length > 0;
        if (same) agree++;
        else bad.push(`${basename(f)}: ${c.index.count} vs ${counts.get(f)} ${c.warnings.join(' ')}`);
        c.close();
      }
      console.log(`capinfos packet counts and damage: agree ${agree}/${files.length}`, bad);
      expect(damaged.size).toBeGreaterThan(0);
      expect(agree).toBe(files.length);
    },
  );

  const tshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' });
  it.skipIf(tshark.error !== undefined)(
    'has the frame comments and interface ids tshark shows (commented captures, many interfaces)',
    async () => {
      const esc = (s: string) =>
        s.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
      let frames = 0;
      let agree = 0;
      for (const name of [
        'l2_mix.pcapng',
        'sip.pcapng',
        'wpa3-suiteb-192.pcapng.gz',
        'many_interfaces.pcapng.1',
      ]) {
        const path = capturePath(name);
        const r = spawnSync(
          'tshark',
          [
            '-n',
            '-r',
            path,
            '-T',
            'fields',
            '-E',
            'separator=/t',
            '-e',
            'frame.interface_id',
            '-e',
            'frame.comment',
          ],
          { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } },
        );
        const rows = r.stdout.split('\n').filter((l) => l.length > 0);
        const c = await openCapture(path);
        expect(c.index.count, name).toBe(rows.length);
        rows.forEach((row, i) => {
          const [ifc, comment = ''] = row.split('\t');
          const ours = `${c.index.iface(i)}\t${(c.meta(i).comments ?? []).map(esc).join(',')}`;
          frames++;
          if (ours === `${ifc}\t${comment}`) agree++;
          else expect.soft(ours, `${name}#${i + 1}`).toBe(`${ifc}\t${comment}`);
        });
        c.close();
      }
      console.log(`frame comments and interface ids vs tshark: agree ${agree}/${frames}`);
      expect(agree).toBe(frames);
    },
  );

  it.skipIf(capinfos.error !== undefined)(
    'describes every interface like capinfos -I (name, description, encapsulation, snaplen, packets)',
    async () => {
      const files = allCaptures();
      const r = spawnSync('capinfos', ['-I', '-r', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const theirs = new Map<string, Record<string, string>[]>();
      let cur: Record<string, string>[] = [];
      for (const line of r.stdout.split('\n')) {
        const f = /^File name:\s+(.*)$/.exec(line);
        if (f) theirs.set(f[1], (cur = []));
        else if (/^Interface #\d+ info:/.test(line)) cur.push({});
        else {
          const kv = /^\s+([A-Za-z ]+?) = (.*)$/.exec(line);
          if (kv && cur.length) cur[cur.length - 1][kv[1]] = kv[2];
        }
      }
      let ifaces = 0;
      let agree = 0;
      const bad: string[] = [];
      for (const path of files) {
        const c = await openCapture(path);
        const perIface = new Map<number, number>();
        for (let i = 0; i < c.index.count; i++)
          perIface.set(c.index.iface(i), (perIface.get(c.index.iface(i)) ?? 0) + 1);
        const want = theirs.get(path) ?? [];
        expect(c.interfaces.length, path).toBe(want.length);
        c.interfaces.forEach((f, k) => {
          const w = wtapEncap(f.linkType);
          const ours = [
            f.name ?? '-',
            f.description ?? '-',
            w ? `${w.name} (${w.id} - ${w.short})` : `linktype ${f.linkType}`,
            f.snaplen,
            perIface.get(k) ?? 0,
          ].join(' | ');
          const t = want[k] ?? {};
          const expected = [
            t['Name'] ?? '-',
            t['Description'] ?? '-',
            t['Encapsulation'],
            t['Capture length'],
            t['Number of packets'],
          ].join(' | ');
          ifaces++;
          if (ours === expected) agree++;
          else bad.push(`${basename(path)}#${k}: ${ours} ≠ ${expected}`);
        });
        c.close();
      }
      console.log(`interfaces vs capinfos -I: agree ${agree}/${ifaces}`, bad.slice(0, 10));
      expect(agree).toBe(ifaces);
    },
  );
});
