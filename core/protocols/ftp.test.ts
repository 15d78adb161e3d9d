/**
 * FTP and its data connections on a generated session (core/testing/ftp.ts): a login, a PASV download, an EPSV
 * upload and a PORT listing. Rows, details and filters as tshark shows them; the files RETR and STOR moved
 * exported byte for byte under tshark's names.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { ftpBytes, listFtp } from '../objects/ftp.js';
import { forensicHandlers } from '../session/forensic-handlers.js';
import { DOWNLOAD, ftpSession } from '../testing/ftp.js';
import { detailsText, filtersVsTshark, hasTshark, layerParts, synthCapture } from '../testing/vs-tshark.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const FILTERS = [
  'ftp',
  'ftp-data',
  'ftp.request',
  'ftp.response',
  'ftp.request.command == "PASS"',
  'ftp.request.arg contains "s3cret"',
  'ftp.response.code == 227',
  'ftp.passive.ip == 93.184.216.34 && ftp.passive.port == 50000',
  'ftp.epsv.ip == 93.184.216.34',
  'ftp.epsv.port == 50001',
  'ftp.active.cip == 192.168.1.23 && ftp.active.port == 40970',
  'ftp.active.nat || ftp.passive.nat',
  'ftp.current-working-directory == ""',
  'ftp-data.setup-method == "EPASV"',
  'ftp-data.command contains "RETR"',
  'ftp-data.command-frame',
  'ftp-data.setup-frame',
  'data-text-lines',
];

describe('FTP and FTP-DATA', () => {
  it('shows the session, its data connections and the files they moved as tshark does', async () => {
    const session = ftpSession();
    const { session: s, list, tshark, file } = await synthCapture(session.packets);
    // What an investigator looks for, whatever tshark says: the credentials and the transfers.
    expect(list).toContain('FTP 66 Request: USER alice');
    expect(list).toContain('FTP 68 Request: PASS s3cret!');
    expect(list).toContain(`FTP-DATA 1514 FTP Data: 1460 bytes (PASV) (RETR ${DOWNLOAD})`);
    expect(list).toContain('FTP-DATA 1514 FTP Data: 1460 bytes (EPASV) (STOR upload.bin)');
    expect(list).toContain('FTP-DATA 190 FTP Data: 136 bytes (PORT) (LIST)');

    const files = listFtp(s);
    expect(files.map((f) => [f.filename, f.size, f.source, f.destination])).toEqual([
      ['docs%2freport 2026.pdf', 5000, '93.184.216.34', '192.168.1.23'],
      ['upload.bin', 3000, '192.168.1.23', '93.184.216.34'],
    ]);
    expect(sha256(ftpBytes(s, files[0]))).toBe(sha256(session.transfers[DOWNLOAD]));
    expect(sha256(ftpBytes(s, files[1]))).toBe(sha256(session.transfers['upload.bin']));

    // The Signatures panel checks them too: the "report" is an executable named as a PDF.
    const handlers = forensicHandlers(s, {
      dataDir: mkdtempSync(join(tmpdir(), 'wirelens-ftp-data-')),
      emit: () => undefined,
    });
    const analysed = await handlers.analyseObjects({});
    expect(analysed.map((a) => [a.protocol, a.object.filename, a.signature.verdict])).toEqual([
      ['ftp-data', 'docs%2freport 2026.pdf', 'mismatch'],
      ['ftp-data', 'upload.bin', 'unknown'],
    ]);

    const out = join(mkdtempSync(join(tmpdir(), 'wirelens-ftp-')), 'out');
    let text = '';
    const io = { out: (t: string) => void (text += t), err: (t: string) => void (text += t) };
    expect(await main(['export', file, '--out', out, '--protocol', 'ftp-data'], io)).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'docs%2freport 2026.pdf',
      'report.csv',
      'report.json',
      'upload.bin',
    ]);
    // The evidence report lists them with their hashes.
    const report = join(out, '..', 'report');
    expect(await main(['report', file, '--out', report], io)).toBe(0);
    const json = JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as {
      objects: { object: string; sha256: string }[];
    };
    expect(json.objects.map((o) => [o.object, o.sha256])).toEqual([
      ['docs%2freport 2026.pdf', sha256(session.transfers[DOWNLOAD])],
      ['upload.bin', sha256(session.transfers['upload.bin'])],
    ]);

    if (hasTshark) {
      expect(list).toBe(tshark());
      const theirs = tshark('-V');
      const ours = detailsText(s);
      for (const layer of ['File Transfer Protocol', 'FTP Data']) {
        // Frames with the layer: their text from its line on.
        const o = layerParts(ours, layer);
        const t = layerParts(theirs, layer).map((x, i) => (x.startsWith(layer) ? x : o[i]));
        const same = t.filter((x, i) => x === o[i] && x.startsWith(layer)).length;
        console.log(
          `FTP details vs tshark (${layer}): ${same}/${t.filter((x) => x.startsWith(layer)).length} frames`,
        );
        expect(o).toEqual(t);
      }
      const filters = filtersVsTshark(s, tshark, FILTERS);
      console.log(
        `FTP filters vs tshark: ${filters.filter((r) => r.ours.join() === r.theirs.join()).length}/${filters.length}`,
      );
      for (const r of filters) expect(r.ours, r.filter).toEqual(r.theirs);
      const dir = mkdtempSync(join(tmpdir(), 'wirelens-ftp-tshark-'));
      spawnSync('tshark', ['-n', '-r', file, '-q', '--export-objects', `ftp-data,${dir}`]);
      const names = readdirSync(dir).sort();
      expect(names).toEqual(['docs%2freport 2026.pdf', 'upload.bin']);
      for (const n of names)
        expect(sha256(readFileSync(join(out, n))), n).toBe(sha256(readFileSync(join(dir, n))));
    }
    s.close();
  });
});
