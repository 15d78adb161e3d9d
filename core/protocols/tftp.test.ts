/**
 * TFTP on a capture this test writes (core/testing/tftp.ts: a read with options, a plain read ending in an
 * empty block, a write, a Windows path, a refused read): the conversation on the server's own port, block
 * numbers, "(last)" blocks, errors, and the files exported as `tshark --export-objects tftp` writes them. With
 * tshark present, the list, the TFTP and Data parts of `-V`, a few filters and the exported files are compared.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  detailsText,
  filtersVsTshark,
  framesMatching,
  hasTshark,
  layerParts,
  synthCapture,
} from '../testing/vs-tshark.js';
import { tftpFile, tftpPackets } from '../testing/tftp.js';
import { ethernet, ip4, ipv4, mac, udp, type SynthPacket } from '../testing/synth.js';
import { writePcap } from '../capture/writer.js';
import { main } from '../cli/main.js';
import { createLocalService } from '../session/service.js';

const FILTERS = [
  'tftp',
  'tftp.opcode == 3',
  'tftp.destination_file == "configs/router.cfg"',
  'tftp.source_file contains "shadow"',
  'tftp.request_frame == 10',
  'tftp.block.full == 2',
  'tftp.error.code == 2',
  'tftp.option.name == "blksize"',
  'tftp.type == "netascii"',
  'data',
];

describe('TFTP', () => {
  it('follows each transfer on the server port and shows it as Wireshark does', async () => {
    const { session: s, list, tshark } = await synthCapture(tftpPackets());
    const lines = list.split('\n');
    expect(lines[0]).toMatch(
      /Read Request, File: configs\/router\.cfg, Transfer type: octet, blksize=1024, tsize=0$/,
    );
    expect(lines[1]).toMatch(
      /192\.168\.44\.213 → 192\.168\.44\.123 TFTP 68 Option Acknowledgement, blksize=1024, tsize=2500$/,
    );
    expect(lines[7]).toMatch(/Data Packet, Block: 3 \(last\)$/);
    expect(lines[14]).toMatch(/TFTP 46 Data Packet, Block: 3 \(last\)$/);
    expect(lines[24]).toMatch(/Error Code, Code: Access violation, Message: Access violation$/);
    const tree = detailsText(s);
    expect(tree).toContain('    [Read Request in frame 1]\n');
    expect(tree).toContain('    [Expert Info (Warning/Response): TFTP ERROR packet]\n');
    expect(framesMatching(s, 'tftp.request_frame == 17')).toEqual(['18', '19', '20']);
    if (hasTshark) {
      expect(list).toBe(tshark());
      const tftpOn = (t: string) => layerParts(t, 'Trivial File Transfer Protocol');
      expect(tftpOn(tree)).toEqual(tftpOn(tshark('-V')));
      for (const r of filtersVsTshark(s, tshark, FILTERS)) expect(r.ours, r.filter).toEqual(r.theirs);
    }
    s.close();
  });

  it('exports the completed transfers under tshark names, byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-tftp-'));
    const file = join(dir, 'tftp.pcap');
    writeFileSync(file, writePcap(tftpPackets(), { linkType: 1 }));
    const out: string[] = [];
    const code = await main(['export', file, '--out', join(dir, 'ours'), '--protocol', 'tftp'], {
      out: (s) => void out.push(s),
      err: () => undefined,
    });
    expect(code).toBe(0);
    const files = readdirSync(join(dir, 'ours')).filter((f) => !f.startsWith('report.'));
    expect(files.sort()).toEqual(['C%3a%5cIBMTCPIP%5clccm.1', 'pxelinux.0', 'router.cfg', 'upload.txt']);
    expect(readFileSync(join(dir, 'ours', 'router.cfg'))).toEqual(Buffer.from(tftpFile(2500, 1)));
    expect(readFileSync(join(dir, 'ours', 'pxelinux.0'))).toEqual(Buffer.from(tftpFile(1024, 2)));
    expect(readFileSync(join(dir, 'ours', 'upload.txt'), 'latin1')).toBe('show running-config\r\n');
    if (hasTshark) {
      spawnSync('tshark', ['-n', '-r', file, '-q', '--export-objects', `tftp,${join(dir, 'tshark')}`]);
      const theirs = readdirSync(join(dir, 'tshark')).sort();
      expect(files.sort()).toEqual(theirs);
      for (const f of theirs)
        expect(readFileSync(join(dir, 'ours', f)), f).toEqual(readFileSync(join(dir, 'tshark', f)));
    }
  });
});

describe('TFTP through the service API (the objects panel)', () => {
  it('lists the TFTP files, gives their bytes and exports a selection with its report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-tftp-svc-'));
    const file = join(dir, 'tftp.pcap');
    writeFileSync(file, writePcap(tftpPackets(), { linkType: 1 }));
    const svc = createLocalService({ dataDir: join(dir, 'data') });
    await svc.call('open', { path: file });
    const list = await svc.call('objects', { protocol: 'tftp' });
    expect(list.map((o) => [o.frame, o.filename, o.size, o.source])).toEqual([
      [8, 'router.cfg', 2500, '192.168.44.213'],
      [15, 'pxelinux.0', 1024, '192.168.44.213'],
      [19, 'upload.txt', 21, '192.168.44.123'],
      [22, 'C%3a%5cIBMTCPIP%5clccm.1', 100, '192.168.44.213'],
    ]);
    expect(await svc.call('objectBytes', { index: 0, protocol: 'tftp' })).toEqual(tftpFile(2500, 1));
    const r = await svc.call('exportObjects', { dir: join(dir, 'out'), indices: [1, 2], protocol: 'tftp' });
    expect(r.written.map((w) => w.filename)).toEqual(['pxelinux.0', 'upload.txt']);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([
      'pxelinux.0',
      'report.csv',
      'report.json',
      'upload.txt',
    ]);
    svc.dispose();
  });
});

describe('TFTP transfers at once between the same hosts', () => {
  it('tells them apart by the client port', async () => {
    const c = ip4('192.168.44.123');
    const srv = ip4('192.168.44.213');
    const z = (x: string) => [...[...x].map((ch) => ch.charCodeAt(0)), 0];
    const pkt = (
      fromClient: boolean,
      cport: number,
      sport: number,
      payload: number[],
      i: number,
    ): SynthPacket => {
      const [a, b, pa, pb] = fromClient ? [c, srv, cport, sport] : [srv, c, sport, cport];
      return {
        data: ethernet(
          mac('02:00:00:00:00:02'),
          mac('02:00:00:00:00:01'),
          0x800,
          ipv4(a, b, 17, udp(a, b, pa, pb, Uint8Array.from(payload))),
        ),
        tsSec: 1_700_000_000,
        tsNsec: i * 1_000_000,
      };
    };
    const packets = [
      pkt(true, 3001, 69, [0, 1, ...z('one.bin'), ...z('octet')], 0),
      pkt(true, 3002, 69, [0, 1, ...z('two.bin'), ...z('octet')], 1),
      pkt(false, 3001, 40001, [0, 3, 0, 1, 1, 2, 3], 2),
      pkt(false, 3002, 40002, [0, 3, 0, 1, 4, 5], 3),
      pkt(true, 3001, 40001, [0, 4, 0, 1], 4),
    ];
    const { session: s, tshark } = await synthCapture(packets);
    expect(framesMatching(s, 'tftp.request_frame == 1')).toEqual(['3', '5']);
    expect(framesMatching(s, 'tftp.destination_file == "two.bin"')).toEqual(['4']);
    if (hasTshark)
      for (const r of filtersVsTshark(s, tshark, [
        'tftp.request_frame == 1',
        'tftp.request_frame == 2',
        'tftp.destination_file == "two.bin"',
      ]))
        expect(r.ours, r.filter).toEqual(r.theirs);
    s.close();
  });
});
