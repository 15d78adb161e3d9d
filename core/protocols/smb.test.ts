/**
 * SMB2 on a real session (core/testing/fixtures/smb2-impacket.pcap.gz, made by scripts/make-smb-fixture.sh with
 * Impacket's server and client): every row, the fields an investigator filters on and the files exported as
 * tshark 4.0 has them; the NTLMSSP login among the credentials with an NTLMv2 response that the password opens
 * (checked here, as hashcat would); and the file the client uploaded.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registry } from '../fields/registry.js';
import { listSmb, smbBytes } from '../objects/smb.js';
import { CaptureSession } from '../session/session.js';
import { credentialsText, findCredentials } from '../stats/credentials.js';
import { md4 } from '../testing/md4.js';
import {
  framesMatching,
  hasTshark,
  openWithColumns,
  synthCapture,
  tsharkColumns,
} from '../testing/vs-tshark.js';
import { COMPOUND_FILE, smbCommandsPackets, smbCompoundPackets } from '../testing/smb.js';

const FILE = fileURLToPath(new URL('../testing/fixtures/smb2-impacket.pcap.gz', import.meta.url));

/** Fields whose presence (and, for the text ones, value) in each frame is compared with tshark -2. */
const FIELDS = [
  'nbss',
  'nbss.type',
  'nbss.length',
  'smb',
  'smb.cmd',
  'smb.dialect',
  'smb2',
  'smb2.cmd',
  'smb2.nt_status',
  'smb2.flags.response',
  'smb2.msg_id',
  'smb2.tid',
  'smb2.sesid',
  'smb2.tree',
  'smb2.filename',
  'smb2.fid',
  'smb2.read_length',
  'smb2.write_length',
  'smb2.file_offset',
  'smb2.find.infolevel',
  'smb2.find.pattern',
  'smb2.class',
  'smb2.response_to',
  'smb2.response_in',
  'gss-api',
  'spnego',
  'ntlmssp',
  'ntlmssp.messagetype',
  'ntlmssp.ntlmserverchallenge',
  'ntlmssp.auth.username',
  'ntlmssp.auth.domain',
  'ntlmssp.auth.hostname',
  'data',
];
/** Fields whose values are compared too (as tshark -T fields prints them). */
const VALUES = new Set([
  'smb.dialect',
  'smb2.cmd',
  'smb2.msg_id',
  'smb2.tree',
  'smb2.filename',
  'smb2.fid',
  'smb2.read_length',
  'smb2.write_length',
  'smb2.file_offset',
  'smb2.find.pattern',
  'smb2.response_to',
  'smb2.response_in',
  'ntlmssp.auth.username',
  'nbss.length',
]);

const FILTERS = [
  'nbss',
  'smb',
  'smb2',
  'smb2.cmd == 8',
  'smb2.cmd == 5 && smb2.flags.response == 1',
  'smb2.filename contains "payload"',
  'smb2.nt_status == 0xc000000f',
  'smb2.tree contains "SHARE"',
  'smb2.read_length > 100',
  'smb2.find.pattern == "*"',
  'smb2.response_to',
  'ntlmssp.messagetype == 3',
  'ntlmssp.auth.username == "alice"',
  'gss-api',
  'data',
];

describe('SMB2', () => {
  it('shows the session, its fields and its files as tshark does', async () => {
    const { s, rows } = await openWithColumns(FILE);
    expect(rows).toContain('SMB\tNegotiate Protocol Request');
    expect(rows).toContain('SMB2\tSession Setup Request, NTLMSSP_AUTH, User: \\alice');
    expect(rows).toContain('SMB2\tRead Request Len:65536 Off:65536 File: docs\\payload.bin');
    expect(rows).toContain('SMB2\tCreate Response, Error: STATUS_NO_SUCH_FILE');
    expect(rows).toContain('SMB2\tWrite Request Len:4200 Off:0 File: upload.txt');
    const files = listSmb(s);
    expect(files.map((f) => [f.filename, f.size, f.record.reads > 0 ? 'read' : 'written'])).toEqual([
      ['%5cdocs%5cpayload.bin', 70000, 'read'],
      ['%5cdocs%5creport 2026.pdf', 12, 'read'],
      ['%5cupload.txt', 4200, 'written'],
      ['%5creadme.txt', 15, 'read'],
    ]);
    expect(Buffer.from(smbBytes(files[1])).toString('latin1')).toBe('MZ\x90\x00fake exe');
    expect(Buffer.from(smbBytes(files[2])).toString('latin1')).toBe('exfil: customer list\n'.repeat(200));
    expect(Buffer.from(smbBytes(files[3])).toString('latin1')).toBe('hello evidence\n');
    if (hasTshark) {
      expect(rows).toEqual(tsharkColumns(FILE));
      // Every field's frames (and the text fields' values) as tshark -2 gives them.
      const r = spawnSync(
        'tshark',
        ['-n', '-2', '-r', FILE, '-T', 'fields', '-E', 'occurrence=a', ...FIELDS.flatMap((x) => ['-e', x])],
        { encoding: 'utf8' },
      );
      const theirs = r.stdout.split('\n');
      const presence = FIELDS.map((a) => ({ a, frames: [] as number[], theirFrames: [] as number[] }));
      const values: string[] = [];
      for (let i = 0; i < s.total; i++) {
        const d = s.dissect(i + 1);
        const want = theirs[i].split('\t');
        FIELDS.forEach((a, k) => {
          const items = d.byField.get(registry.get(a)!.id) ?? [];
          const shown = items
            .map((it) =>
              typeof it.value === 'string' || typeof it.value === 'number' ? String(it.value) : '',
            )
            .join(',');
          // An empty string prints as nothing: presence is then read from the value alone.
          if (items.length && (shown !== '' || a.includes('.') === false || !VALUES.has(a)))
            presence[k].frames.push(i + 1);
          if (want[k] !== '') presence[k].theirFrames.push(i + 1);
          if (VALUES.has(a) && shown !== want[k])
            values.push(`#${i + 1} ${a}: ours ${shown}, tshark ${want[k]}`);
        });
      }
      for (const p of presence) expect(p.frames, p.a).toEqual(p.theirFrames);
      expect(values).toEqual([]);
      for (const f of FILTERS) {
        const want = tsharkColumns(FILE, '-2', '-Y', f).length;
        expect(framesMatching(s, f).length, f).toBe(want);
        expect(want, f).toBeGreaterThan(0);
      }
      const dir = mkdtempSync(join(tmpdir(), 'wirelens-smb-'));
      spawnSync('tshark', ['-n', '-r', FILE, '--export-objects', `smb,${dir}`, '-q']);
      expect(files.map((f) => f.filename).sort()).toEqual(readdirSync(dir).sort());
      for (const f of files)
        expect(Buffer.from(smbBytes(f)).equals(readFileSync(join(dir, f.filename))), f.filename).toBe(true);
    }
    s.close();
  });

  it('reads a compound (Create, GetInfo and Close in one message) as tshark does', async () => {
    const { session: s, tshark } = await synthCapture(smbCompoundPackets());
    const rows: string[] = [];
    s.scan(0, s.total, 'columns', (_i, d) => void rows.push(`${d.columns.protocol}\t${d.columns.info}`));
    expect(rows).toContain(
      `SMB2\tCreate Request File: ${COMPOUND_FILE};GetInfo Request FILE_INFO/SMB2_FILE_ALL_INFO;Close Request`,
    );
    expect(rows).toContain(
      `SMB2\tCreate Response File: ${COMPOUND_FILE};GetInfo Response, Error: STATUS_ACCESS_DENIED;Close Response`,
    );
    const d = s.dissect(4);
    const values = (a: string) => (d.byField.get(registry.get(a)!.id) ?? []).map((it) => String(it.value));
    expect(values('smb2.cmd')).toEqual(['5', '16', '6']);
    expect(values('smb2.msg_id')).toEqual(['10', '11', '12']);
    expect(d.layers.filter((l) => l === 'smb2')).toEqual(['smb2']);
    if (hasTshark) {
      const theirs = tshark(
        '-T',
        'fields',
        '-e',
        '_ws.col.Info',
        '-e',
        'smb2.fid',
        '-e',
        'frame.protocols',
        '-Y',
        'smb2',
      );
      const ours = [4, 6].map((n) => {
        const x = s.dissect(n);
        const fids = (x.byField.get(registry.get('smb2.fid')!.id) ?? []).map((it) => String(it.value));
        return `${x.columns.info}\t${fids.join(',')}\t${x.layers.join(':')}`;
      });
      expect(ours.join('\n')).toBe(theirs.trim());
    }
    s.close();
  });

  it('names Ioctl functions, DFS referrals and the other commands as tshark does', async () => {
    const { session: s, list, tshark } = await synthCapture(smbCommandsPackets());
    for (const row of [
      'Ioctl Request FSCTL_VALIDATE_NEGOTIATE_INFO',
      'Ioctl Request FSCTL_PIPE_TRANSCEIVE File: srvsvc',
      'Ioctl Response, Error: STATUS_NOT_FOUND\n',
      'Ioctl Request Unknown (0x000000AB) Function:0x037b File: srvsvc',
      'Ioctl Request FSCTL_DFS_GET_REFERRALS, File: \\\\srv\\share',
      'Ioctl Response, Error: STATUS_INVALID_PARAMETER FSCTL_GET_REPARSE_POINT File: srvsvc',
      'Notify Response, Error: STATUS_PENDING',
      'Lock Request File: srvsvc',
      'Session Logoff Request',
    ])
      expect(list).toContain(row);
    expect(framesMatching(s, 'smb2.ioctl.function == 0x0011c017')).toHaveLength(2);
    if (hasTshark) {
      expect(list).toBe(tshark());
      expect(framesMatching(s, 'smb2.ioctl.function').length).toBe(
        tshark('-Y', 'smb2.ioctl.function', '-T', 'fields', '-e', 'frame.number').trim().split('\n').length,
      );
    }
    s.close();
  });

  it('keeps the NTLMv2 login in hashcat form, and the password opens it', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(FILE);
    const creds = findCredentials(s);
    expect(creds.map((c) => [c.frame, c.protocol, c.username, c.password, c.info])).toEqual([
      [10, 'NTLMSSP', 'alice', '', 'NTLMv2 response (hashcat -m 5600)'],
    ]);
    const [user, , domain, challenge, proof, blob] = (creds[0].hash ?? '').split(':');
    expect(user).toBe('alice');
    // NTLMv2 (MS-NLMP 3.3.2): NTProofStr = HMAC-MD5(NTOWFv2, server challenge ‖ blob), NTOWFv2 keyed by MD4 of
    // the password over the upper-case user and the domain.
    const ntHash = md4(Buffer.from('wonderland', 'utf16le'));
    const ntowf = createHmac('md5', ntHash)
      .update(Buffer.from(`${user.toUpperCase()}${domain}`, 'utf16le'))
      .digest();
    const expected = createHmac('md5', ntowf)
      .update(Buffer.concat([Buffer.from(challenge, 'hex'), Buffer.from(blob, 'hex')]))
      .digest('hex');
    expect(proof).toBe(expected);
    expect(credentialsText(creds)).toContain(`10: ${creds[0].hash}`);
    s.close();
  });
});
