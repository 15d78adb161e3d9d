/**
 * An SMB2 compound for tests, as Windows clients send them: one NBSS message holding Create, GetInfo and Close
 * (the last two "related", on the file id of all ones meaning "the file just created"), and the server's
 * compound answer (the GetInfo refused with STATUS_ACCESS_DENIED).
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

export function smbCompoundPackets(): SynthPacket[] {
  const name = Buffer.from(COMPOUND_FILE, 'utf16le');
  const createReq = Buffer.concat([
    u16(57),
    Buffer.from([0, 0]),
    u32(2),
    u64(0),
    u64(0),
    u32(0x80),
    u32(0),
    u32(7),
    u32(1),
    u32(0),
    u16(64 + 56),
    u16(name.length),
    u32(0),
    u32(0),
    name,
  ]);
  const getInfoReq = Buffer.concat([
    u16(41),
    Buffer.from([1, 0x12]),
    u32(4096),
    Buffer.alloc(16),
    Buffer.alloc(16, 0xff),
  ]);
  const closeReq = Buffer.concat([u16(24), u16(0), u32(0), Buffer.alloc(16, 0xff)]);
  const createResp = Buffer.concat([
    u16(89),
    Buffer.from([0, 0]),
    u32(1),
    Buffer.alloc(32),
    u64(100),
    u64(100),
    u32(0x20),
    u32(0),
    FID,
    u32(0),
    u32(0),
  ]);
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
