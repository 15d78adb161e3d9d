/**
 * TFTP (RFC 1350, options RFC 2347-2349) transfers for tests: a read with options negotiated, a plain read, a
 * write, and a read refused with an error. The server answers from a port of its own, as TFTP does.
 */
import { ethernet, ip4, ipv4, mac, udp, type SynthPacket } from './synth.js';

const u16 = (n: number) => [n >> 8, n & 255];
const z = (s: string) => [...[...s].map((c) => c.charCodeAt(0)), 0];

/** Bytes 0..n-1 of a file whose content depends on `seed`. */
export function tftpFile(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);
}

export function tftpPackets(): SynthPacket[] {
  const client = ip4('192.168.44.123');
  const server = ip4('192.168.44.213');
  const out: [Uint8Array, Uint8Array, number, number, number[]][] = [];
  const send = (c: boolean, cport: number, sport: number, payload: number[]) =>
    out.push(c ? [client, server, cport, sport, payload] : [server, client, sport, cport, payload]);

  // A read with blksize and tsize options: OACK, the client's ACK 0, then blocks of 1024 (the last short).
  const a = tftpFile(2500, 1);
  send(true, 2001, 69, [
    0,
    1,
    ...z('configs/router.cfg'),
    ...z('octet'),
    ...z('blksize'),
    ...z('1024'),
    ...z('tsize'),
    ...z('0'),
  ]);
  send(false, 2001, 50001, [0, 6, ...z('blksize'), ...z('1024'), ...z('tsize'), ...z('2500')]);
  send(true, 2001, 50001, [0, 4, 0, 0]);
  for (let b = 1; (b - 1) * 1024 <= a.length; b++) {
    send(false, 2001, 50001, [0, 3, ...u16(b), ...a.subarray((b - 1) * 1024, b * 1024)]);
    send(true, 2001, 50001, [0, 4, ...u16(b)]);
  }
  // A plain read (512-byte blocks), a file of exactly two blocks: an empty third block ends it.
  const b = tftpFile(1024, 2);
  send(true, 2002, 69, [0, 1, ...z('pxelinux.0'), ...z('octet')]);
  for (let k = 1; k <= 3; k++) {
    send(false, 2002, 50002, [0, 3, ...u16(k), ...b.subarray((k - 1) * 512, k * 512)]);
    send(true, 2002, 50002, [0, 4, ...u16(k)]);
  }
  // A write in netascii.
  const c = Uint8Array.from([...'show running-config\r\n'].map((ch) => ch.charCodeAt(0)));
  send(true, 2003, 69, [0, 2, ...z('upload.txt'), ...z('netascii')]);
  send(false, 2003, 50003, [0, 4, 0, 0]);
  send(true, 2003, 50003, [0, 3, 0, 1, ...c]);
  send(false, 2003, 50003, [0, 4, 0, 1]);
  // A read of a Windows path (a name tshark escapes), a file shorter than a block.
  send(true, 2005, 69, [0, 1, ...z('C:\\IBMTCPIP\\lccm.1'), ...z('octet')]);
  send(false, 2005, 50005, [0, 3, 0, 1, ...tftpFile(100, 3)]);
  send(true, 2005, 50005, [0, 4, 0, 1]);
  // A read refused.
  send(true, 2004, 69, [0, 1, ...z('../../etc/shadow'), ...z('octet')]);
  send(false, 2004, 50004, [0, 5, 0, 2, ...z('Access violation')]);

  return out.map(([s, d, sp, dp, p], i) => ({
    data: ethernet(
      mac('02:00:00:00:00:02'),
      mac('02:00:00:00:00:01'),
      0x800,
      ipv4(s, d, 17, udp(s, d, sp, dp, Uint8Array.from(p))),
    ),
    tsSec: 1_700_000_000,
    tsNsec: i * 1_000_000,
  }));
}
