/**
 * An FTP session for tests (RFC 959, EPSV RFC 2428): a login in the clear, a download (an executable named as a
 * PDF) over a passive (PASV) data connection, an upload over an extended passive (EPSV) one, and a directory listing over an active (PORT) one,
 * the server connecting back from port 20. Control and data connections interleave in time as they would.
 */
import { TcpConversation, type Host, type SynthPacket } from './synth.js';
import { CLIENT, WEB } from './scenarios.js';

/** Bytes 0..n-1 of a file whose content depends on `seed`. */
function fileBytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 255);
}

/** The download's argument. */
export const DOWNLOAD = 'docs/report 2026.pdf';

export interface FtpSession {
  packets: SynthPacket[];
  /** What went over the data connections, by the command's argument (the listing under "LIST"). */
  transfers: Record<string, Uint8Array>;
  user: string;
  password: string;
}

export function ftpSession(client: Host = CLIENT, server: Host = WEB): FtpSession {
  const clock = { s: 1_700_001_000, ns: 0 };
  const all: TcpConversation[] = [];
  const conv = (c: Host, s: Host, cport: number, sport: number) => {
    const t = new TcpConversation(c, s, cport, sport, clock, 1460, all.length + 3);
    all.push(t);
    return t;
  };
  const ctl = conv(client, server, 41000, 21).handshake();
  const say = (fromClient: boolean, line: string) => ctl.send(fromClient, `${line}\r\n`);
  // The "report" is an executable (an MZ header): what a signature check should catch.
  const report = fileBytes(5000, 1);
  report.set([0x4d, 0x5a, 0x90, 0x00], 0);
  const upload = fileBytes(3000, 2);
  const listing = new TextEncoder().encode(
    '-rw-r--r--    1 1000     1000         5000 Nov 24 10:00 report.pdf\r\n' +
      '-rw-r--r--    1 1000     1000         3000 Nov 24 10:05 upload.bin\r\n',
  );
  say(false, '220 (vsFTPd 3.0.3)');
  say(true, 'USER alice');
  say(false, '331 Please specify the password.');
  say(true, 'PASS s3cret!');
  say(false, '230 Login successful.');
  say(true, 'SYST');
  say(false, '215 UNIX Type: L8');
  say(true, 'TYPE I');
  say(false, '200 Switching to Binary mode.');
  // Passive: the server names its address and port (195 * 256 + 80 = 50000).
  say(true, 'PASV');
  say(false, `227 Entering Passive Mode (${server.ip.replaceAll('.', ',')},195,80).`);
  const d1 = conv(client, server, 41001, 50000).handshake();
  // A path with a space: the export name is the whole argument, escaped.
  say(true, `RETR ${DOWNLOAD}`);
  say(false, '150 Opening BINARY mode data connection for report.pdf (5000 bytes).');
  d1.send(false, report).close();
  say(false, '226 Transfer complete.');
  // Extended passive: the port alone.
  say(true, 'EPSV');
  say(false, '229 Entering Extended Passive Mode (|||50001|)');
  const d2 = conv(client, server, 41002, 50001).handshake();
  say(true, 'STOR upload.bin');
  say(false, '150 Ok to send data.');
  d2.send(true, upload).close();
  say(false, '226 Transfer complete.');
  // Active: the client names its address and port (160 * 256 + 10 = 40970), the server connects from port 20.
  say(true, `PORT ${client.ip.replaceAll('.', ',')},160,10`);
  say(false, '200 PORT command successful. Consider using PASV.');
  say(true, 'LIST');
  const d3 = conv(server, client, 20, 40970).handshake();
  say(false, '150 Here comes the directory listing.');
  d3.send(true, listing).close();
  say(false, '226 Directory send OK.');
  say(true, 'QUIT');
  say(false, '221 Goodbye.');
  ctl.close();
  // Each conversation stamped its packets from the shared clock: in time order, they interleave as sent.
  const packets = all.flatMap((c) => c.packets).sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
  return {
    packets,
    transfers: { [DOWNLOAD]: report, 'upload.bin': upload, LIST: listing },
    user: 'alice',
    password: 's3cret!',
  };
}
