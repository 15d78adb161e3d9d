import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tinyGif, tinyPng } from '../testing/synth.js';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import { readFileSync, existsSync } from 'node:fs';
import { detectEncoding, encodingInfo } from './encoding.js';
import { hashBytes, hashFile, hashIterable } from './hash.js';
import { HashSetStore, parseHashBytes, parseHashList, sortUnique, contains } from './hashset.js';
import { checkSignature } from './signature.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-forensics-'));

describe('hashing', () => {
  it('computes MD5, SHA-1 and SHA-256 in one pass, for bytes and files alike', async () => {
    const data = new TextEncoder().encode('Hello, investigator!\n');
    const h = hashBytes(data);
    expect(h.md5).toBe(createHash('md5').update(data).digest('hex'));
    expect(h.sha1).toBe(createHash('sha1').update(data).digest('hex'));
    expect(h.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    const f = join(dir, 'a.txt');
    writeFileSync(f, data);
    expect(await hashFile(f)).toEqual({ ...h, size: data.length });
    async function* pieces() {
      for (let i = 0; i < data.length; i += 5) yield data.subarray(i, i + 5);
    }
    expect(await hashIterable(pieces())).toEqual({ ...h, size: data.length });
  });

  it('hashes the same text saved as ANSI, UTF-8 with BOM and UTF-16LE differently by bytes, identically as text', () => {
    const text = 'Café — evidence\r\n';
    const ansi = Uint8Array.from(
      [...'Caf', 'é', ' ', '—', ' evidence\r\n'].join('').split(''),
      (c) => ({ é: 0xe9, '—': 0x97 })[c] ?? c.charCodeAt(0),
    );
    const utf8bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    const utf16 = Uint8Array.from([0xff, 0xfe, ...Buffer.from(text, 'utf16le')]);
    const infos = [ansi, utf8bom, utf16].map(encodingInfo);
    expect(infos.map((i) => i.encoding)).toEqual(['windows-1252', 'utf-8-bom', 'utf-16le-bom']);
    const bytes = new Set([ansi, utf8bom, utf16].map((b) => hashBytes(b).md5));
    expect(bytes.size).toBe(3);
    const texts = new Set(infos.map((i) => i.textHashes?.md5));
    expect(texts.size).toBe(1);
    expect([...texts][0]).toBe(hashBytes(new TextEncoder().encode(text)).md5);
  });

  it('detects encodings: BOMs, UTF-32 before UTF-16, UTF-16 without BOM, ASCII, UTF-8, binary', () => {
    expect(detectEncoding(Uint8Array.of(0xff, 0xfe, 0, 0, 0x41, 0, 0, 0))).toBe('utf-32le-bom');
    expect(detectEncoding(Uint8Array.of(0, 0, 0xfe, 0xff))).toBe('utf-32be-bom');
    expect(detectEncoding(Buffer.from('plain text here', 'utf16le'))).toBe('utf-16le');
    expect(detectEncoding(Buffer.from('plain'))).toBe('ascii');
    expect(detectEncoding(Buffer.from('naïve'))).toBe('utf-8');
    expect(detectEncoding(tinyGif())).toBe('binary');
  });
});

describe('file signatures', () => {
  it('flags a PNG served as .gif with image/gif and accepts a real GIF', async () => {
    const bad = await checkSignature(tinyPng(), 'fake.gif', 'image/gif');
    expect(bad.verdict).toBe('mismatch');
    expect(bad.detected?.ext).toBe('png');
    expect(bad.reason).toMatch(/PNG.*\.gif/);
    expect((await checkSignature(tinyGif(), 'tiny.gif', 'image/gif')).verdict).toBe('match');
    expect(
      (await checkSignature(new TextEncoder().encode('hello\n'), 'notes.txt', 'text/plain')).verdict,
    ).toBe('match');
    // An exported e-mail is text named .eml, of type message/rfc822; a PNG under that name is not.
    const mail = new TextEncoder().encode('From: a@example.test\r\nSubject: hi\r\n\r\nbody\r\n');
    expect((await checkSignature(mail, 'hi.eml', 'message/rfc822')).verdict).toBe('match');
    expect((await checkSignature(tinyPng(), 'hi.eml', 'message/rfc822')).verdict).toBe('mismatch');
  });

  it.skipIf(!hasCorpus)('finds the disguised PNG among the served files of the corpus', async () => {
    const served = join(capturePath('http_gifs.pcap'), '..', 'served');
    const fake = join(served, 'fake.gif');
    expect(existsSync(fake)).toBe(true);
    expect((await checkSignature(readFileSync(fake), 'fake.gif')).verdict).toBe('mismatch');
    expect((await checkSignature(readFileSync(join(served, 'tiny.gif')), 'tiny.gif')).verdict).toBe('match');
  });
});

describe('hash sets', () => {
  it('sorts and de-duplicates fixed-width records and finds them by binary search', () => {
    const w = 16;
    const n = 50_000;
    const buf = new Uint8Array(n * w);
    buf.set(randomBytes(buf.length));
    buf.copyWithin(w * 10, 0, w); // a duplicate
    const s = sortUnique(buf, n, w);
    expect(s.length / w).toBe(n - 1);
    for (let i = 1; i < s.length / w; i++)
      expect(Buffer.compare(s.subarray((i - 1) * w, i * w), s.subarray(i * w, (i + 1) * w))).toBe(-1);
    expect(contains(s, w, buf.subarray(w * 123, w * 124))).toBe(true);
    expect(contains(s, w, new Uint8Array(w).fill(7))).toBe(false);
  });

  it('sorts every record width (MD5, SHA-1, SHA-256) the same from aligned and unaligned buffers', () => {
    for (const w of [16, 20, 32]) {
      const n = 20_000;
      const data = randomBytes(n * w);
      data.copyWithin(w * 3, w * 9, w * 10); // a duplicate
      const want = [...Array(n).keys()]
        .map((i) => Buffer.from(data.subarray(i * w, (i + 1) * w)).toString('hex'))
        .sort()
        .filter((h, i, a) => i === 0 || a[i - 1] !== h);
      // byteOffset 1: not a multiple of 4, so the records cannot be read as 32-bit words where they are.
      const odd = new Uint8Array(n * w + 1).subarray(1);
      odd.set(data);
      for (const buf of [Uint8Array.from(data), odd]) {
        const s = sortUnique(buf, n, w);
        expect(s.length / w, `width ${w}`).toBe(want.length);
        const got = [...Array(s.length / w).keys()].map((i) =>
          Buffer.from(s.subarray(i * w, (i + 1) * w)).toString('hex'),
        );
        expect(got, `width ${w}, offset ${buf.byteOffset}`).toEqual(want);
      }
    }
  });

  it('sorts records sharing long prefixes, mixed algorithms, CRLF, BOM, md5sum escapes and short size hints', async () => {
    const w = 16;
    // 3000 records with the same first 6 bytes (the tie path) and a few identical ones.
    const n = 3000;
    const buf = new Uint8Array(n * w);
    for (let i = 0; i < n; i++) {
      buf.set([1, 2, 3, 4, 5, 6], i * w);
      buf.set(randomBytes(10), i * w + 6);
    }
    buf.copyWithin(w * 5, w * 7, w * 8);
    const s = sortUnique(buf.slice(), n, w);
    expect(s.length / w).toBe(n - 1);
    for (let i = 1; i < s.length / w; i++)
      expect(Buffer.compare(s.subarray((i - 1) * w, i * w), s.subarray(i * w, (i + 1) * w))).toBe(-1);
    const md5 = createHash('md5').update('a').digest('hex');
    const sha1 = createHash('sha1').update('a').digest('hex');
    const sha256 = createHash('sha256').update('a').digest('hex');
    const text = `\uFEFF# list\r\n${md5.toUpperCase()}\r\n\\${sha1}  odd\\nname\r\n${sha256} *bin.exe\r\n\r\n${'z'.repeat(32)}\r\n`;
    const bytes = Buffer.from(text, 'utf8');
    // Chunks that split lines anywhere, and a size hint far too small.
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 50), bytes.subarray(50)];
    const r = await parseHashBytes(chunks, 10);
    expect(r.format).toBe('plain');
    expect([r.records.md5.n, r.records.sha1.n, r.records.sha256.n]).toEqual([1, 1, 1]);
    expect(r.bad).toEqual([
      { line: 6, reason: `"${'z'.repeat(32)}" is not an MD5, SHA-1 or SHA-256 hex digest` },
    ]);
  });

  it('keeps the first 100 bad lines in detail and counts them all', async () => {
    const r = await parseHashList(Array.from({ length: 250 }, (_, i) => `bad line ${i}`));
    expect(r.badLines).toBe(250);
    expect(r.bad).toHaveLength(100);
    expect(r.bad[99].line).toBe(100);
  });

  it('imports a million-entry list with malformed lines, reports them, and answers lookups', async () => {
    const lines: string[] = ['# known-bad sample', ''];
    const known: string[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      const h = createHash('md5').update(String(i)).digest('hex');
      if (i < 5) known.push(h);
      lines.push(i % 250_000 === 7 ? `not-a-hash-${i}` : `${h}  file${i}.bin`);
    }
    const file = join(dir, 'bad.txt');
    writeFileSync(file, lines.join('\n'));
    const store = new HashSetStore(join(dir, 'sets'));
    const r = await store.importFile('lab-bad', file, 'known-bad');
    expect(r.format).toBe('plain');
    expect(r.badLines).toBe(4);
    expect(r.bad[0]).toEqual({
      line: 10,
      reason: '"not-a-hash-7" is not an MD5, SHA-1 or SHA-256 hex digest',
    });
    expect(r.counts.md5).toBe(1_000_000 - 4);
    const fresh = new HashSetStore(join(dir, 'sets'));
    expect(fresh.lookup(known[0]).verdict).toBe('known-bad');
    expect(fresh.lookup(createHash('md5').update('nope').digest('hex')).verdict).toBe('unknown');
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) fresh.lookup(known[i % 5]);
    console.log(`hash-set lookups: ${Math.round(100_000 / ((performance.now() - t0) / 1000))}/s`);
  });

  it('reads hashdeep and NSRL RDS formats; known-bad beats known-good', async () => {
    const sha = createHash('sha256').update('x').digest('hex');
    const md5 = createHash('md5').update('x').digest('hex');
    const hd = await parseHashList([
      '%%%% HASHDEEP-1.0',
      '%%%% size,md5,sha256,filename',
      '## Invoked from: /',
      `1,${md5},${sha},/x`,
      'garbage',
    ]);
    expect(hd.format).toBe('hashdeep');
    expect(hd.records.md5.n).toBe(1);
    expect(hd.records.sha256.n).toBe(1);
    expect(hd.badLines).toBe(1);
    const sha1 = createHash('sha1').update('x').digest('hex').toUpperCase();
    const nsrl = await parseHashList([
      '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"',
      `"${sha1}","${md5.toUpperCase()}","00000000","x.txt",1,1,"358",""`,
    ]);
    expect(nsrl.format).toBe('nsrl');
    expect(nsrl.records.sha1.n).toBe(1);
    const good = join(dir, 'good.txt');
    writeFileSync(good, `${md5}\n`);
    const bad = join(dir, 'bad2.txt');
    writeFileSync(bad, `${md5}\n`);
    const store = new HashSetStore(join(dir, 'sets2'));
    await store.importFile('good', good, 'known-good');
    expect(store.lookup(md5).verdict).toBe('known-good');
    await store.importFile('bad', bad, 'known-bad');
    expect(store.lookup(md5)).toEqual({ verdict: 'known-bad', sets: ['good', 'bad'] });
  });
});
