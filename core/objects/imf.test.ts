/** E-mails as objects: `wirelens export --protocol imf` against `tshark --export-objects imf`. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/index.js';
import { CaptureSession } from '../session/session.js';
import { smtpScenario } from '../testing/scenarios.js';
import { hasTshark } from '../testing/vs-tshark.js';
import { TcpConversation, type SynthPacket } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import { main } from '../cli/main.js';
import { listEmails } from './imf.js';
import { createLocalService } from '../session/service.js';

/** Two sessions: the scenario's (two messages, one subject folded) and one more whose subject repeats. */
function capture(): string {
  const more = new TcpConversation(CLIENT, WEB, 40100, 25, { s: 1_700_000_900, ns: 0 });
  more.handshake();
  more.send(false, '220 hi\r\n');
  more.send(true, 'MAIL FROM:<x@example.test>\r\nRCPT TO:<y@example.test>\r\nDATA\r\n');
  more.send(false, '250 ok\r\n250 ok\r\n354 go\r\n');
  more.send(true, 'Subject: two\r\nFrom: x@example.test\r\n\r\nagain\r\n.\r\n');
  more.send(false, '250 queued\r\n');
  more.close();
  const packets: SynthPacket[] = [...smtpScenario(), ...more.packets];
  const file = join(mkdtempSync(join(tmpdir(), 'wirelens-imf-')), 'mail.pcap');
  writeFileSync(file, writePcap(packets, { linkType: 1 }));
  return file;
}

const files = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((n) => n.endsWith('.eml'))
      .map((n) => [n, readFileSync(join(dir, n)).toString('latin1')]),
  );

describe('e-mails as objects', () => {
  it('lists every message sent over SMTP with its sender, recipient, subject and bytes', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(capture());
    const mails = listEmails(s);
    expect(mails.map((m) => [m.filename, m.from, m.to, m.subject])).toEqual([
      ['plans%0d%0a folded.eml', 'Alice <alice@example.test>', 'bob@example.test', 'plans\r\n folded'],
      ['two.eml', '', 'carol@example.test', 'two'],
      ['two(1).eml', 'x@example.test', '', 'two'],
    ]);
    expect(new TextDecoder().decode(mails[1].record.bytes)).toBe(
      'Subject: two\r\nTo: carol@example.test\r\n\r\nbody\r\n',
    );
    s.close();
  });

  it('the service lists, reads and exports them as the IMF object list (the Objects panel)', async () => {
    const file = capture();
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-imf-svc-'));
    const svc = createLocalService({ dataDir: join(dir, 'data') });
    try {
      await svc.call('open', { path: file });
      const list = await svc.call('objects', { protocol: 'imf' });
      expect(list.map((m) => [m.filename, m.subject, m.contentType])).toEqual([
        ['plans%0d%0a folded.eml', 'plans\r\n folded', 'message/rfc822'],
        ['two.eml', 'two', 'message/rfc822'],
        ['two(1).eml', 'two', 'message/rfc822'],
      ]);
      expect(list.some((m) => 'record' in m)).toBe(false);
      expect(await svc.call('objects', {})).toEqual([]); // no HTTP here
      const bytes = await svc.call('objectBytes', { index: 2, protocol: 'imf' });
      expect(new TextDecoder().decode(bytes)).toContain('again');
      await expect(svc.call('objectBytes', { index: 3, protocol: 'imf' })).rejects.toThrow(
        'there is no e-mail 3',
      );
      const out = join(dir, 'out');
      const r = await svc.call('exportObjects', { dir: out, protocol: 'imf', indices: [0, 2] });
      expect(r.written.map((w) => w.filename)).toEqual(['plans%0d%0a folded.eml', 'two(1).eml']);
      expect(r.reports).toEqual([join(r.dir, 'report.json'), join(r.dir, 'report.csv')]);
      expect(readFileSync(join(out, 'two(1).eml'))).toEqual(Buffer.from(bytes));
    } finally {
      svc.dispose();
    }
  });

  it.skipIf(!hasTshark)(
    'exports the names and bytes tshark --export-objects imf writes, with a report',
    async () => {
      const file = capture();
      const ours = mkdtempSync(join(tmpdir(), 'wirelens-imf-ours-'));
      const theirs = mkdtempSync(join(tmpdir(), 'wirelens-imf-tshark-'));
      let err = '';
      const code = await main(['export', file, '--out', ours, '--protocol', 'imf'], {
        out: () => undefined,
        err: (t) => void (err += t),
      });
      expect(code, err).toBe(0);
      spawnSync('tshark', ['-n', '-r', file, '--export-objects', `imf,${theirs}`], { stdio: 'ignore' });
      expect(Object.keys(files(theirs)).length).toBe(3);
      expect(files(ours)).toEqual(files(theirs));
      const report = JSON.parse(readFileSync(join(ours, 'report.json'), 'utf8')) as {
        objects: { object: string }[];
      };
      expect(report.objects.map((o) => o.object).sort()).toEqual(Object.keys(files(ours)).sort());
    },
  );
});
