import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
import { CaptureSession } from '../session/session.js';
import { httpGifScenario } from '../testing/scenarios.js';
import { capturePath, hasCorpus, oracleCaptures, oracleFile, readTsv } from '../testing/corpus.js';
import { exportObjects, type Exportable } from './export.js';
import { forEachObject, listObjects, objectBytes } from './list.js';
import { exportCommand, reportCommand } from '../cli/commands/forensic.js';
import { massage, safeName, tsharkName, tsharkNames, uniqueNames, uriBasename } from './naming.js';
import { exportable, selectObjects } from './select.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wirelens-objects-'));
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

describe('export names', () => {
  it("follow tshark's rules for ordinary URIs", () => {
    expect(tsharkName('/medium.gif?size=2&v=1', 1)).toBe('medium.gif%3fsize=2&v=1');
    expect(tsharkName('/my%20image.gif', 1)).toBe('my%20image.gif');
    expect(tsharkName('/a/b/logo.gif', 1)).toBe('logo.gif');
    expect(tsharkName(undefined, 13)).toBe('object13');
    expect(uriBasename('/dir/')).toBe('dir');
    expect(uniqueNames(['logo.gif', 'logo.gif', 'x', 'x'])).toEqual(['logo.gif', 'logo(1).gif', 'x', 'x(1)']);
    expect(massage('a'.repeat(300) + '.gif')).toHaveLength(255);
    expect(massage('a'.repeat(300) + '.gif').endsWith('.gif')).toBe(true);
  });

  it('can never escape the folder or name a device', () => {
    const hostile = [
      '../../x',
      '..',
      '.',
      'C:\\Windows\\x',
      '/etc/passwd',
      'con.gif',
      'NUL',
      'a\u0000b',
      'a\nb',
      'x'.repeat(2000),
      'trail. ',
      'com1',
    ];
    for (const h of hostile) {
      const s = safeName(h);
      // eslint-disable-next-line no-control-regex -- asserting that control characters are gone
      expect(s).not.toMatch(/[/\\\u0000-\u001f]/);
      expect(['.', '..', '']).not.toContain(s);
      expect(Buffer.byteLength(s)).toBeLessThanOrEqual(255);
      expect(s).not.toMatch(/^(con|nul|com1)(\.|$)/i);
      expect(s).not.toMatch(/[. ]$/);
    }
  });
});

describe('export objects', () => {
  const dir = tmp();
  const file = join(dir, 'scenario.pcap');
  writeFileSync(file, writePcap(httpGifScenario(), { linkType: 1 }));

  it('lists every HTTP body with tshark names and exports them with a report', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const objs = listObjects(s);
    expect(objs.map((o) => o.filename)).toEqual([
      'index.html',
      'logo.gif',
      'dot.gif%3fx=1',
      'fake.gif',
      'missing.gif',
    ]);
    const gifs = selectObjects(s, { type: 'gif' });
    expect(gifs.map((o) => o.filename)).toEqual(['logo.gif', 'dot.gif%3fx=1', 'fake.gif', 'missing.gif']);
    const out = join(tmp(), 'out');
    const r = await exportObjects(
      objs.map((o) => exportable(s, o)),
      out,
    );
    expect(r.failed).toEqual([]);
    expect(r.written).toHaveLength(5);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      objects: { object: string; signature: string; md5: string }[];
    };
    const fake = report.objects.find((o) => o.object === 'fake.gif')!;
    expect(fake.signature).toBe('mismatch');
    expect(report.objects.find((o) => o.object === 'logo.gif')!.signature).toBe('match');
    expect(readFileSync(join(out, 'report.csv'), 'utf8').split('\r\n')[0]).toMatch(
      /^object,frame,source,destination,host,uri/,
    );
    // Exporting again never overwrites: new names get (1).
    const again = await exportObjects(
      objs.map((o) => exportable(s, o)),
      out,
    );
    expect(again.written.map((w) => w.filename)).toEqual([
      'index(1).html',
      'logo(1).gif',
      'dot(1).gif%3fx=1',
      'fake(1).gif',
      'missing(1).gif',
    ]);
    // … nor the first export's report: the second one has its own.
    expect(again.reports).toEqual([join(r.dir, 'report(1).json'), join(r.dir, 'report(1).csv')]);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toContain('"object": "logo.gif"');
    expect(readFileSync(join(out, 'report(1).json'), 'utf8')).toContain('"object": "logo(1).gif"');
    // A file that appears after the folder was read (here: between two objects) is not replaced either.
    const third = await exportObjects(
      objs.map((o, i) => ({
        ...exportable(s, o),
        bytes: () => {
          if (i === 1) writeFileSync(join(out, 'logo(2).gif'), 'not ours');
          return objectBytes(s, o);
        },
      })),
      out,
    );
    expect(readFileSync(join(out, 'logo(2).gif'), 'utf8')).toBe('not ours');
    expect(third.written.map((w) => w.filename)[1]).toBe('logo(3).gif');
    const thirdReport = JSON.parse(readFileSync(join(out, 'report(2).json'), 'utf8')) as {
      objects: { object: string }[];
    };
    expect(thirdReport.objects.map((o) => o.object)[1]).toBe('logo(3).gif');
    s.close();
  });

  it('wirelens export writes what exportObjects writes, during the first pass; --type and -Y select', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const ref = await exportObjects(
      listObjects(s).map((o) => exportable(s, o)),
      join(tmp(), 'ref'),
    );
    s.close();
    const run = async (...args: string[]) => {
      const out = join(tmp(), 'cli');
      let text = '';
      const code = await exportCommand.run([file, '--out', out, ...args], {
        out: (t) => void (text += t),
        err: () => undefined,
      });
      return { code, lines: text.trim().split('\n'), out };
    };
    const all = await run();
    expect(all.code).toBe(0);
    expect(all.lines).toEqual(ref.written.map((w) => `${w.filename}\t${w.size}\t${w.sha256}`));
    const strip = (path: string) =>
      (JSON.parse(readFileSync(path, 'utf8')) as { objects: unknown[] }).objects;
    expect(strip(join(all.out, 'report.json'))).toEqual(strip(join(ref.dir, 'report.json')));
    expect(readFileSync(join(all.out, 'report.csv'), 'utf8')).toBe(
      readFileSync(join(ref.dir, 'report.csv'), 'utf8'),
    );
    expect(readdirSync(all.out).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect((await run('--type', 'gif')).lines.map((l) => l.split('\t')[0])).toEqual([
      'logo.gif',
      'dot.gif%3fx=1',
      'fake.gif',
      'missing.gif',
    ]);
    expect(
      (await run('-Y', 'http.response_for.uri contains "dot"')).lines.map((l) => l.split('\t')[0]),
    ).toEqual(['dot.gif%3fx=1']);
    const rep = join(tmp(), 'report');
    expect(
      await reportCommand.run([file, '--out', rep], { out: () => undefined, err: () => undefined }),
    ).toBe(0);
    const objs = (
      JSON.parse(readFileSync(join(rep, 'report.json'), 'utf8')) as { objects: { md5: string }[] }
    ).objects;
    expect(objs.map((o) => o.md5)).toEqual(
      (
        JSON.parse(readFileSync(join(ref.dir, 'report.json'), 'utf8')) as { objects: { md5: string }[] }
      ).objects.map((o) => o.md5),
    );
    // A second report into the same folder keeps the first.
    const files: string[] = [];
    await reportCommand.run([file, '--out', rep], {
      out: (t) => void files.push(t.trim()),
      err: () => undefined,
    });
    expect(files).toEqual(['report(1).json', 'report(1).csv', 'report(1).html'].map((n) => join(rep, n)));
    expect(existsSync(join(rep, 'report.html'))).toBe(true);
  });

  it('keeps hostile names inside the folder, never loses one, and reports failures by name', async () => {
    const out = join(tmp(), 'hostile');
    const names = [
      '../../evil.gif',
      'C:\\Windows\\x.gif',
      'con.gif',
      'a\u0000b.gif',
      'line\nbreak.gif',
      'x'.repeat(2000),
      '.',
      '..',
    ];
    const objs: Exportable[] = names.map((filename, index) => ({
      index,
      frame: index + 1,
      filename,
      host: 'h',
      uri: `/${filename}`,
      contentType: 'image/gif',
      source: 's',
      destination: 'd',
      bytes: () => Uint8Array.of(index),
    }));
    objs.push({
      ...objs[0],
      index: 99,
      filename: 'boom.gif',
      bytes: () => {
        throw new Error('body unavailable');
      },
    });
    const same: Exportable[] = Array.from({ length: 300 }, (_, i) => ({
      ...objs[0],
      index: 1000 + i,
      filename: 'same.gif',
      bytes: () => Uint8Array.of(i & 255),
    }));
    const r = await exportObjects([...objs, ...same], out);
    expect(r.written).toHaveLength(names.length + 300);
    expect(r.failed).toEqual([{ index: 99, filename: 'boom.gif', reason: 'body unavailable' }]);
    const files = readdirSync(out);
    expect(files).toHaveLength(names.length + 300 + 2);
    for (const w of r.written) expect(w.path.startsWith(`${r.dir}/`)).toBe(true);
    expect(existsSync(join(out, '..', '..', 'evil.gif'))).toBe(false);
  });
});

describe.skipIf(!hasCorpus)('export objects vs tshark --export-objects', () => {
  it('produces the same names and bytes as tshark on the oracle captures', async () => {
    let same = 0;
    let total = 0;
    let namesAgree = 0;
    let namesTotal = 0;
    const report: string[] = [];
    for (const name of oracleCaptures()) {
      const tsv = oracleFile(name, 'exports.tsv');
      if (!existsSync(tsv)) continue;
      total++;
      const rows = readTsv(tsv);
      const want = rows.map((r) => `${r.name} ${r.size} ${r.md5}`).sort();
      const s = new CaptureSession({ hash: false });
      await s.open(capturePath(name));
      const objs = listObjects(s);
      // tshark writes in order into one folder: past its duplicate cap later objects overwrite earlier ones.
      const capped = tsharkNames(
        objs.map((o) => tsharkName(o.record.hasUri ? o.uri : undefined, o.frame, o.contentType)),
      );
      const files = new Map<string, string>();
      objs.forEach((o, i) => {
        const b = objectBytes(s, o);
        files.set(capped[i], `${b.length} ${createHash('md5').update(b).digest('hex')}`);
      });
      s.close();
      const got = [...files].map(([n, v]) => `${n} ${v}`).sort();
      // Names alone: how many of tshark's file names we also produce.
      namesTotal += rows.length;
      namesAgree += rows.filter((r) => files.has(r.name)).length;
      if (JSON.stringify(got) === JSON.stringify(want)) same++;
      else
        report.push(
          `${name}: ${got.length} files vs tshark ${want.length}; differing: ${[...got.filter((g) => !want.includes(g)), ...want.filter((w) => !got.includes(w))].slice(0, 4).join(' | ')}`,
        );
    }
    console.log(
      `export objects vs tshark: identical on ${same}/${total} captures; file names agree ${namesAgree}/${namesTotal}\n  ${report.join('\n  ')}`,
    );
    // Every oracle capture, out-of-order (http-ooo), damaged (tcp-badsegments) and snaplen-cut (snap96) included.
    expect(same).toBe(total);
    expect(total).toBeGreaterThanOrEqual(12);
    // The course captures must be exact.
    expect(report.some((r) => /^http_gifs\.pcap(ng)?:/.test(r))).toBe(false);
  });

  it('hands over the same objects and bytes during the first pass as listObjects and objectBytes', async () => {
    let objects = 0;
    for (const name of oracleCaptures()) {
      if (!existsSync(oracleFile(name, 'exports.tsv'))) continue;
      const ref = new CaptureSession({ hash: false });
      await ref.open(capturePath(name));
      const want = listObjects(ref).map((o) => ({ ...o, bytes: md5(objectBytes(ref, o)) }));
      ref.close();
      // A capture just opened, one whose first pass stopped halfway, and one already analysed.
      for (const start of [0, 0.5, 1]) {
        const s = new CaptureSession({ hash: false });
        await s.open(capturePath(name));
        s.analyseTo(Math.floor(s.total * start));
        const got: typeof want = [];
        await forEachObject(s, (o, data) => void got.push({ ...o, bytes: md5(data) }));
        expect(got, `${name} from ${start}`).toEqual(want);
        s.close();
      }
      objects += want.length;
    }
    expect(objects).toBeGreaterThan(300);
  });

  it('flags fake.gif (a PNG served as image/gif) in the export of http_gifs.pcap', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(capturePath('http_gifs.pcap'));
    const out = join(tmp(), 'course');
    const r = await exportObjects(
      listObjects(s).map((o) => exportable(s, o)),
      out,
    );
    s.close();
    expect(r.failed).toEqual([]);
    const fake = r.rows.find((row) => row.object === 'fake.gif')!;
    expect(fake.signature).toBe('mismatch');
    expect(fake.detectedType).toBe('image/png');
    expect(fake.signatureReason).toMatch(/PNG.*\.gif/);
    const mismatches = r.rows.filter((row) => row.signature === 'mismatch').map((row) => row.object);
    // missing.gif is the 404's HTML page: also not a GIF.
    expect(mismatches.sort()).toEqual(['fake.gif', 'missing.gif']);
    const csv = readFileSync(join(out, 'report.csv'), 'utf8');
    expect(csv).toContain('fake.gif,');
  });
});

describe('export at scale', () => {
  it('loses nothing when 100k objects share one name (tshark 4.0 overwrites past its duplicate cap)', async () => {
    const out = join(tmp(), 'many');
    const objs: Exportable[] = Array.from({ length: 100_000 }, (_, i) => ({
      index: i,
      frame: i + 1,
      filename: 'same.gif',
      host: 'h',
      uri: '/same.gif',
      contentType: 'image/gif',
      source: 's',
      destination: 'd',
      bytes: () => Uint8Array.of(i & 255, i >> 8),
    }));
    const r = await exportObjects(objs, out);
    expect(r.failed).toEqual([]);
    expect(r.written).toHaveLength(100_000);
    expect(readdirSync(out)).toHaveLength(100_000 + 2);
    expect(r.written[99_999].filename).toBe('same(99999).gif');
  }, 600_000);
});

describe('hostile names from a capture', () => {
  it('exports every object of a capture whose URIs try to escape, hit devices or break lines, all inside the folder', async () => {
    const { TcpConversation, httpResponse } = await import('../testing/synth.js');
    const { CLIENT, WEB } = await import('../testing/scenarios.js');
    const uris = [
      '/../../x.gif',
      '/C:\\Windows\\x.gif',
      '/con.gif',
      '/a%00b.gif',
      `/${'n'.repeat(2000)}.gif`,
      '/dir/',
      '/nul',
      '/..',
      '/.',
    ];
    const c = new TcpConversation(CLIENT, WEB, 45000, 80, { s: 1_700_000_500, ns: 0 });
    c.handshake();
    for (const u of uris) {
      c.send(true, `GET ${u} HTTP/1.1\r\nHost: evil.example\r\n\r\n`);
      c.send(
        false,
        httpResponse(
          new TextEncoder().encode(`body of ${u.slice(0, 20)}`),
          'image/gif',
          '200 OK',
          'Content-Disposition: attachment; filename="../../../etc/passwd"\r\n',
        ),
      );
    }
    c.close();
    const dir = tmp();
    const file = join(dir, 'hostile.pcap');
    writeFileSync(file, (await import('../capture/writer.js')).writePcap(c.packets, { linkType: 1 }));
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const objs = listObjects(s);
    expect(objs).toHaveLength(uris.length);
    const out = join(dir, 'out');
    const r = await exportObjects(
      objs.map((o) => exportable(s, o)),
      out,
    );
    s.close();
    expect(r.failed).toEqual([]);
    expect(r.written).toHaveLength(uris.length);
    expect(readdirSync(out)).toHaveLength(uris.length + 2);
    for (const w of r.written) {
      expect(w.path.startsWith(`${r.dir}/`)).toBe(true);
      expect(w.path.slice(r.dir.length + 1)).not.toMatch(/[/\\]/);
    }
    expect(existsSync(join(dir, 'x.gif'))).toBe(false);
  });
});

describe('export failures', () => {
  it('reports an object whose hash-set verdict fails, with the reason, and leaves no file of it', async () => {
    const out = join(tmp(), 'verdict');
    const objs: Exportable[] = ['a.gif', 'b.gif', 'c.gif'].map((filename, i) => ({
      index: i,
      frame: i + 1,
      filename,
      host: 'h',
      uri: `/${filename}`,
      contentType: 'image/gif',
      source: 's',
      destination: 'd',
      bytes: () => Uint8Array.of(0x47, 0x49, 0x46, i),
    }));
    const bad = md5(Uint8Array.of(0x47, 0x49, 0x46, 1));
    const r = await exportObjects(objs, out, (h) => {
      if (h.md5 === bad) throw new Error('hash set "seized" cannot be read: EIO');
      return 'unknown';
    });
    expect(r.written.map((w) => w.filename)).toEqual(['a.gif', 'c.gif']);
    expect(r.failed).toEqual([
      { index: 1, filename: 'b.gif', reason: 'hash set "seized" cannot be read: EIO' },
    ]);
    expect(readdirSync(out).sort()).toEqual(['a.gif', 'c.gif', 'report.csv', 'report.json']);
  });
});
