/**
 * SMB2 messages for tests, besides the real session of fixtures/smb2-impacket.pcap.gz: a compound as Windows
 * clients send them (Create, GetInfo and Close in one message, the last two "related", on the file id of all ones
 * meaning "the file just created") with the server's compound answer (the GetInfo refused with
 * STATUS_ACCESS_DENIED); and the commands that session does not use (Ioctl with known and unknown functions, a DFS
 * referral, Notify answered STATUS_PENDING, Flush, Lock, KeepAlive, Tree Disconnect, Session Logoff).
 */
import { TcpConversation, type SynthPacket } from './synth.js';
import { CLIENT, WEB } from './scenarios.js';

const u16 = (n: number) => Buffer.from([n & 255, n >>> 8]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

/** An SMB2 header (sync, session 0x1234, tree 1). */
function header(cmd: number, msgId: number, flags: number, status = 0): Buffer {
  const magic = Buffer.from([0xfe, 0x53, 0x4d, 0x42]);
  return Buffer.concat([
    magic,
    u16(64),
    u16(1),
    u32(status),
    u16(cmd),
    u16(1),
    u32(flags),
    u32(0),
    u64(msgId),
    u32(0),
    u32(1),
    u64(0x1234),
    Buffer.alloc(16),
  ]);
}

/** Messages chained: each but the last padded to 8 bytes, its NextCommand set to where the next one starts. */
function compound(messages: Buffer[]): Buffer {
  const out = messages.map((m, i) => {
    if (i === messages.length - 1) return m;
    const padded = Buffer.concat([m, Buffer.alloc((8 - (m.length % 8)) % 8)]);
    padded.writeUInt32LE(padded.length, 20);
    return padded;
  });
  const all = Buffer.concat(out);
  return Buffer.concat([Buffer.from([0, all.length >> 16, (all.length >> 8) & 255, all.length & 255]), all]);
}

export const COMPOUND_FILE = 'secret\\plan.docx';
const FID = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

/** A Create request's body opening `name` (its name right after the 56-byte body). */
function createRequest(name: string): Buffer {
  const n = Buffer.from(name, 'utf16le');
  const fixed = [u32(2), u64(0), u64(0), u32(0x80), u32(0), u32(7), u32(1), u32(0)];
  return Buffer.concat([
    u16(57),
    Buffer.from([0, 0]),
    ...fixed,
    u16(64 + 56),
    u16(n.length),
    u32(0),
    u32(0),
    n,
  ]);
}

/** A Create response's body: file `FID` opened, of `size` bytes and these attributes. */
function createResponse(size: number, attributes: number): Buffer {
  const times = Buffer.alloc(32);
  return Buffer.concat([
    u16(89),
    Buffer.from([0, 0]),
    u32(1),
    times,
    u64(size),
    u64(size),
    u32(attributes),
    u32(0),
    FID,
    u32(0),
    u32(0),
  ]);
}

export function smbCompoundPackets(): SynthPacket[] {
  const createReq = createRequest(COMPOUND_FILE);
  const getInfoReq = Buffer.concat([
    u16(41),
    Buffer.from([1, 0x12]),
    u32(4096),
    Buffer.alloc(16),
    Buffer.alloc(16, 0xff),
  ]);
  const closeReq = Buffer.concat([u16(24), u16(0), u32(0), Buffer.alloc(16, 0xff)]);
  const createResp = createResponse(100, 0x20);
  const c = new TcpConversation(CLIENT, WEB, 49000, 445, { s: 1_700_009_000, ns: 0 }).handshake();
  c.send(
    true,
    compound([
      Buffer.concat([header(5, 10, 0), createReq]),
      Buffer.concat([header(16, 11, 4), getInfoReq]),
      Buffer.concat([header(6, 12, 4), closeReq]),
    ]),
  );
  c.send(
    false,
    compound([
      Buffer.concat([header(5, 10, 1), createResp]),
      Buffer.concat([header(16, 11, 5, 0xc0000022), u16(9), Buffer.alloc(7)]),
      Buffer.concat([header(6, 12, 5), u16(60), Buffer.alloc(58)]),
    ]),
  );
  c.close();
  return c.packets;
}

const nbss = (b: Buffer) =>
  Buffer.concat([Buffer.from([0, b.length >> 16, (b.length >> 8) & 255, b.length & 255]), b]);

/** An Ioctl request (its input after the 56-byte body) and its answer. */
function ioctl(code: number, fid: Buffer, input: Buffer): Buffer {
  const inOff = input.length ? 64 + 56 : 0;
  return Buffer.concat([
    u16(57),
    u16(0),
    u32(code),
    fid,
    u32(inOff),
    u32(input.length),
    u32(0),
    u32(0),
    u32(0),
    u32(1024),
    u32(1),
    u32(0),
    input,
  ]);
}
const ioctlAnswer = (code: number, fid: Buffer) =>
  Buffer.concat([u16(49), u16(0), u32(code), fid, Buffer.alloc(24)]);

export function smbCommandsPackets(): SynthPacket[] {
  const c = new TcpConversation(CLIENT, WEB, 49001, 445, { s: 1_700_009_100, ns: 0 }).handshake();
  let id = 1;
  const ask = (cmd: number, body: Buffer) => c.send(true, nbss(Buffer.concat([header(cmd, id, 0), body])));
  const answer = (cmd: number, body: Buffer, status = 0) =>
    c.send(false, nbss(Buffer.concat([header(cmd, id++, 1, status), body])));
  const empty = Buffer.concat([u16(4), u16(0)]);
  const any = Buffer.alloc(16, 0xff);
  ask(5, createRequest('srvsvc'));

  answer(5, createResponse(0, 0x80));

  // [function, file id, input, status, answered with the Ioctl body (else, on an error, the 9-byte error body)]
  for (const [code, fid, input, status, full] of [
    [0x00140204, any, Buffer.alloc(24), 0, true],
    [0x0011c017, FID, Buffer.alloc(16), 0, true],
    [0x00060194, any, Buffer.alloc(8), 0xc0000225, false],
    [0x00abcdef, FID, Buffer.alloc(0), 0, true],
    [0x001401fc, any, Buffer.alloc(0), 0, true],
    [0x00060194, any, Buffer.concat([u16(4), Buffer.from('\\\\srv\\share\0', 'utf16le')]), 0, true],
    [0x000900a8, FID, Buffer.alloc(0), 0xc000000d, true],
  ] as const) {
    ask(11, ioctl(code, fid, input));
    answer(11, full ? ioctlAnswer(code, fid) : Buffer.concat([u16(9), Buffer.alloc(7)]), status);
  }
  ask(15, Buffer.concat([u16(32), u16(0), u32(1024), FID, u32(0x17), u32(0)]));
  answer(15, Buffer.concat([u16(9), Buffer.alloc(7)]), 0x103);
  ask(7, Buffer.concat([u16(24), u16(0), u32(0), FID]));
  answer(7, empty);
  ask(10, Buffer.concat([u16(48), u16(1), u32(0), FID, u64(0), u64(10), u32(2), u32(0)]));
  answer(10, empty);
  for (const cmd of [13, 4, 2]) {
    ask(cmd, empty);
    answer(cmd, empty);
  }
  c.close();
  return c.packets;
}
