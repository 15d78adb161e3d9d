/**
 * HTTP/2 bodies inside TLS, on a connection node:http2 makes here (core/testing/tls-session.ts): concurrent
 * streams whose DATA frames interleave and span TLS records and TCP segments, bodies sent gzip-, deflate- and
 * brotli-coded or as they are, and an upload. Each body is put back together, decoded and exported byte for
 * byte (tshark 4.0 exports none of them); with tshark at hand, every frame's Protocol and Info equal
 * `tshark -o tls.keylog_file:…` (the media layer of a finished body, "DATA[1] (GIF89a)", included).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
import { main } from '../cli/main.js';
import { listObjects, objectBytes } from '../objects/list.js';
import { CaptureSession } from '../session/session.js';
import { tinyGif } from '../testing/synth.js';
import { h2Exchange, type H2Resource } from '../testing/tls-session.js';
import { hasTshark, tsharkColumns } from '../testing/vs-tshark.js';

const PAGE = Buffer.from(
  Array.from({ length: 3000 }, (_, i) => `<p>line ${i} of the page</p>\n`).join(''),
  'latin1',
);
const RESOURCES: Record<string, H2Resource> = {
  '/pics/a.gif': { type: 'image/gif', body: tinyGif(3, 2) },
  '/index.html': { type: 'text/html; charset=utf-8', body: PAGE, encoding: 'gzip' },
  '/app.js': { type: 'application/javascript', body: PAGE.subarray(0, 30_000), encoding: 'br' },
  '/notes.txt': { type: 'text/plain', body: PAGE.subarray(0, 5_000), encoding: 'deflate' },
  '/raw.bin': { type: 'application/octet-stream', body: PAGE.subarray(0, 40_000) },
  '/api/session.json': {
    type: 'application/json',
    body: Buffer.from('{"token":"s3cr3t","scopes":["read",1]}'),
  },
};
const UPLOAD = Buffer.from('evidence upload '.repeat(100));

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('HTTP/2 bodies (decrypted HTTPS)', () => {
  it('puts each stream body together, decodes it and exports it byte for byte', async () => {
    const x = await h2Exchange(RESOURCES, UPLOAD);
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-h2-'));
    const file = join(dir, 'h2.pcap');
    const keys = join(dir, 'keys.log');
    writeFileSync(file, writePcap(x.packets, { linkType: 1 }));
    writeFileSync(keys, x.keyLog);

    // Without the keys there is nothing to export.
    const plain = new CaptureSession({ hash: false });
    await plain.open(file);
    expect(listObjects(plain)).toEqual([]);
    plain.close();

    const s = new CaptureSession({ hash: false, keyLogFile: keys });
    await s.open(file);
    const objects = listObjects(s);
    const want: [string, string, string, Uint8Array][] = [
      ...Object.entries(RESOURCES).map(([path, r]): [string, string, string, Uint8Array] => [
        path.slice(path.lastIndexOf('/') + 1),
        path,
        r.type.split(';')[0],
        r.body,
      ]),
      ['upload', '/upload', 'application/octet-stream', UPLOAD],
    ];
    // In the order the bodies end (the streams interleave), each named after its :path.
    expect(objects.map((o) => o.filename).sort()).toEqual(want.map((w) => w[0]).sort());
    for (const [name, path, type, body] of want) {
      const o = objects.find((e) => e.filename === name);
      expect(o, name).toBeDefined();
      if (!o) continue;
      // The host is the request's :authority as node:http2 sends it (with the port).
      expect([o.uri, o.host, o.contentType, o.size]).toEqual([path, 'wirelens.test:443', type, body.length]);
      // (The upload's body is in the frame of its request's HEADERS.)
      expect(o.requestFrame).toBeLessThanOrEqual(o.frame);
      // The bytes of a frame dissected again, as the app's export and the report read them.
      expect(sha256(objectBytes(s, o)), name).toBe(sha256(body));
    }
    // The upload goes from the client, the responses from the server.
    const upload = objects.find((o) => o.filename === 'upload');
    expect([upload?.source, upload?.destination]).toEqual(['192.168.1.23', '93.184.216.34']);
    // The body's data sources, and the coding noted in the tree.
    const gz = objects.find((o) => o.filename === 'index.html');
    const d = s.dissect(gz?.frame ?? 0);
    expect(d.sources.map((x) => x.name)).toEqual(
      expect.arrayContaining(['Reassembled HTTP/2 body', 'Uncompressed entity body']),
    );
    s.close();

    // The CLI export (bodies written as the first pass finds them) and its report.
    const out = join(dir, 'out');
    let text = '';
    const io = { out: (t: string) => void (text += t), err: (t: string) => void (text += t) };
    expect(await main(['export', file, '--out', out, '--tls-keylog', keys], io)).toBe(0);
    for (const [name, , , body] of want)
      expect(sha256(readFileSync(join(out, name))), name).toBe(sha256(body));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      objects: { object: string; sha256: string }[];
    };
    expect(Object.fromEntries(report.objects.map((o) => [o.object, o.sha256]))).toEqual(
      Object.fromEntries(want.map(([name, , , body]) => [name, sha256(body)])),
    );

    if (hasTshark) {
      text = '';
      expect(await main(['list', file, '--format', 'tsv', '--tls-keylog', keys], io)).toBe(0);
      const ours = text
        .split('\n')
        .slice(1, -1)
        .map((l) => l.split('\t'))
        .map((c) => `${c[4]}\t${c[6]}`.trimEnd());
      expect(ours).toEqual(tsharkColumns(file, '-o', `tls.keylog_file:${keys}`));
      expect(ours.some((l) => l.includes('DATA[1] (GIF89a)'))).toBe(true);
      expect(ours.filter((l) => l.includes('JavaScript Object Notation'))).toHaveLength(1);
    }
  });
});
