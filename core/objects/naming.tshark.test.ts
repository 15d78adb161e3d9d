/**
 * Export names against tshark itself: the repo writes a capture full of awkward URIs (long names, leading dots,
 * reserved characters, non-ASCII bytes, "/..", responses without a request, 1002 identical names past tshark's
 * duplicate cap), runs `tshark --export-objects http,DIR` on it and compares the file names and contents.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
import { CaptureSession } from '../session/session.js';
import { TcpConversation, httpResponse, tinyGif, type Host } from '../testing/synth.js';
import { listObjects, objectBytes } from './list.js';
import { tsharkName, tsharkNames } from './naming.js';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const C: Host = { mac: '00:1b:21:3a:4f:10', ip: '192.168.1.23' };
const S: Host = { mac: '00:1b:54:47:49:44', ip: '93.184.216.34' };

/** URIs as byte strings (one char per byte), each fetched once on one keep-alive connection. */
export const AWKWARD_URIS = [
  '/a/b/Logo.gif',
  '/a/logo.gif',
  '/.htaccess',
  '/.htaccess',
  '/x/',
  '/',
  '/dir/q?a=<b>|c*"d',
  '/caf\u00c3\u00a9.gif', // UTF-8 bytes of "café"
  '/\u00e9t\u00e9.gif', // Latin-1 bytes
  `/${'A'.repeat(300)}.gif`,
  `/${'A'.repeat(300)}.gif`,
  `/${'B'.repeat(300)}`,
  `/${'C'.repeat(260)}.${'d'.repeat(20)}`,
  '/tab\u0001x.gif',
  '/con.gif',
  '/..',
  '/.',
  'http://h.example/p/abs.gif?q=1',
  '/a\\b.gif',
  '/x.gif#frag',
  '/%2e%2e%2fetc',
  '/trailing.',
  '/noext',
  '/noext',
];

function awkwardCapture(sameNames: number): Uint8Array {
  const c = new TcpConversation(C, S, 50432, 80, { s: 1_700_000_000, ns: 0 });
  c.handshake();
  let i = 0;
  for (const u of [...AWKWARD_URIS, ...Array<string>(sameNames).fill('/img/same.gif')]) {
    c.send(true, Buffer.from(`GET ${u} HTTP/1.1\r\nHost: h.example\r\n\r\n`, 'latin1'));
    const body = tinyGif();
    body[6] = i & 255; // distinct contents, so overwrites are visible
    body[8] = (i++ >> 8) & 255;
    c.send(false, httpResponse(body, 'image/gif'));
  }
  c.close();
  // Responses whose request was not captured: "object<frame>" + content type.
  const d = new TcpConversation(C, S, 50433, 80, { s: 1_700_010_000, ns: 0 }, 1460, 2);
  d.send(false, httpResponse(tinyGif(), 'image/GIF; charset=x'));
  d.send(false, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc', 'latin1'));
  d.send(false, httpResponse(tinyGif(), 'text/html'));
  return writePcap([...c.packets, ...d.packets], { linkType: 1 });
}

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

describe('tshark naming rules (pure)', () => {
  it('reproduces what tshark 4.0.17 wrote for the awkward URIs', () => {
    const bases = AWKWARD_URIS.map((u) => tsharkName(u, 1));
    expect(tsharkNames(bases)).toEqual([
      'Logo.gif',
      'logo.gif',
      '.htaccess',
      '(1).htaccess',
      'x',
      '%2f',
      'q%3fa=%3cb%3e%7cc%2a%22d',
      'caf\ufffd\ufffd.gif',
      '\ufffdt\ufffd.gif',
      `${'A'.repeat(251)}.gif`,
      `${'A'.repeat(248)}(1).gif`,
      'B'.repeat(255),
      `${'C'.repeat(234)}.${'d'.repeat(20)}`,
      'tab%01x.gif',
      'con.gif',
      '.(1).',
      '(1).',
      'abs.gif%3fq=1',
      'a%5cb.gif',
      'x.gif#frag',
      '%2e%2e%2fetc',
      'trailing.',
      'noext',
      'noext(1)',
    ]);
    expect(tsharkName(undefined, 83, 'image/GIF; charset=x')).toBe('object83.image%2fgif');
    expect(tsharkName(undefined, 85, '')).toBe('object85');
  });

  it("caps duplicates like tshark: the 1001st 'same.gif' overwrites same(999).gif", () => {
    const names = tsharkNames(Array<string>(1002).fill('same.gif'));
    expect(names[0]).toBe('same.gif');
    expect(names[999]).toBe('same(999).gif');
    expect(names[1000]).toBe('same(999).gif');
    expect(names[1001]).toBe('same(999).gif');
    expect(new Set(names).size).toBe(1000);
    expect(tsharkNames(Array<string>(1002).fill('same.gif'), Infinity)[1001]).toBe('same(1001).gif');
  });
});

describe.skipIf(!hasTshark)('export names vs tshark --export-objects', () => {
  it('names and contents equal what tshark writes, including past its duplicate cap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-naming-'));
    const file = join(dir, 'awkward.pcap');
    writeFileSync(file, awkwardCapture(1002));
    const out = join(dir, 'tshark');
    const r = spawnSync('tshark', ['-n', '-r', file, '-q', '--export-objects', `http,${out}`], {
      env: { ...process.env, WIRESHARK_CONFIG_DIR: join(dir, 'cfg'), LC_ALL: 'C.UTF-8' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const theirs = new Map(readdirSync(out).map((n) => [n, md5(readFileSync(join(out, n)))]));

    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const objs = listObjects(s);
    const capped = tsharkNames(
      objs.map((o) => tsharkName(o.record.hasUri ? o.uri : undefined, o.frame, o.contentType)),
    );
    const ours = new Map<string, string>();
    objs.forEach((o, i) => ours.set(capped[i], md5(objectBytes(s, o)))); // later writes overwrite, as tshark's
    s.close();

    const agree = [...theirs].filter(([n, h]) => ours.get(n) === h).length;
    console.log(`export names vs tshark (awkward URIs + cap): agree ${agree}/${theirs.size}`);
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    expect(agree).toBe(theirs.size);
    expect(objs).toHaveLength(AWKWARD_URIS.length + 1002 + 3);
  }, 120_000);
});
