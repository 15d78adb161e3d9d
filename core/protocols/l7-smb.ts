/**
 * Windows file sharing as Wireshark 4.0 shows it: the NetBIOS Session Service framing on TCP 445 and 139 (a
 * message cut by TCP is put together; until then the segment's Info is "Session message"), SMB's Negotiate
 * Protocol (the one SMB1 command a modern client sends, to offer SMB2), and SMB2: its header, every command's
 * name, and the Info tshark gives the commands an investigator follows — who logged in (NTLMSSP), which share
 * (Tree Connect), which file was opened (Create), read or written (Len, Off, File), listed (Find), queried or
 * changed (GetInfo, SetInfo), closed, and the errors ("Error: STATUS_NO_SUCH_FILE").
 *
 * The files read and written are SMB objects (File › Export Objects › SMB, `wirelens export --protocol smb`),
 * put together by offset as `tshark --export-objects smb` does; an NTLMv2 login's response is kept in
 * hashcat's form among the credentials (tshark 4.0 lists no NTLMSSP login).
 *
 * Not done: the security blob's ASN.1 (GSS-API and SPNEGO are shown as layers over it, and NTLMSSP is found by its
 * signature), DCE/RPC over named pipes, SMB1 beyond Negotiate, SMB3 encryption and compression. Compounds (the
 * Create, GetInfo and Close a Windows client sends in one message) are read message by message.
 */
import {
  bool,
  bytes as bytesField,
  frameNum,
  proto,
  relTime,
  str,
  uint,
  type FieldDef,
} from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import { timeDiff } from '../fields/format.js';
import type { Item } from '../dissect/types.js';
import type { Desegment } from './l4-tcp.js';

const f = {
  nbssType: uint('nbss.type', 'Message Type', 8, {
    base: 'hex',
    strings: {
      0x00: 'Session message',
      0x81: 'Session request',
      0x82: 'Positive session response',
      0x83: 'Negative session response',
      0x84: 'Retarget session response',
      0x85: 'Session keep-alive',
    },
  }),
  nbssLength: uint('nbss.length', 'Length', 24),
  smbCmd: uint('smb.cmd', 'SMB Command', 8, { base: 'hex', strings: { 0x72: 'Negotiate Protocol' } }),
  smbResponse: bool('smb.flags.response', 'Request/Response'),
  smbDialect: str('smb.dialect', 'Dialect'),
  protocolId: uint('smb2.protocol_id', 'ProtocolId', 32, { base: 'hex' }),
  headerLen: uint('smb2.header_len', 'Header Length', 16),
  creditCharge: uint('smb2.credit.charge', 'Credit Charge', 16),
  ntStatus: uint('smb2.nt_status', 'NT Status', 32, { base: 'hex' }),
  cmd: uint('smb2.cmd', 'Command', 16),
  flags: uint('smb2.flags', 'Flags', 32, { base: 'hex' }),
  flagsResponse: bool('smb2.flags.response', 'Response'),
  chainOffset: uint('smb2.chain_offset', 'Chain Offset', 32, { base: 'hex' }),
  msgId: uint('smb2.msg_id', 'Message ID', 64),
  pid: uint('smb2.pid', 'Process Id', 32, { base: 'hex' }),
  tid: uint('smb2.tid', 'Tree Id', 32, { base: 'hex' }),
  sesid: uint('smb2.sesid', 'Session Id', 64, { base: 'hex' }),
  signature: bytesField('smb2.signature', 'Signature'),
  tree: str('smb2.tree', 'Tree'),
  filename: str('smb2.filename', 'Filename'),
  fid: str('smb2.fid', 'File Id'),
  readLength: uint('smb2.read_length', 'Read Length', 32),
  writeLength: uint('smb2.write_length', 'Write Length', 32),
  fileOffset: uint('smb2.file_offset', 'File Offset', 64),
  findLevel: uint('smb2.find.infolevel', 'Info Level', 8),
  findPattern: str('smb2.find.pattern', 'Search Pattern'),
  infoClass: uint('smb2.class', 'Class', 8, { base: 'hex' }),
  ioctlFunction: uint('smb2.ioctl.function', 'Function', 32, { base: 'hex' }),
  responseTo: frameNum('smb2.response_to', 'Response to'),
  responseIn: frameNum('smb2.response_in', 'Response in'),
  time: relTime('smb2.time', 'Time from request'),
  ntlmType: uint('ntlmssp.messagetype', 'NTLM Message Type', 32, {
    base: 'hex',
    strings: { 1: 'NTLMSSP_NEGOTIATE', 2: 'NTLMSSP_CHALLENGE', 3: 'NTLMSSP_AUTH' },
  }),
  ntlmChallenge: bytesField('ntlmssp.ntlmserverchallenge', 'NTLM Server Challenge'),
  ntlmDomain: str('ntlmssp.auth.domain', 'Domain name'),
  ntlmUser: str('ntlmssp.auth.username', 'User name'),
  ntlmHost: str('ntlmssp.auth.hostname', 'Host name'),
};
const gssApi = proto('gss-api', 'GSS-API Generic Security Service Application Program Interface');
const spnego = proto('spnego', 'Simple Protected Negotiation');
const ntlmssp = proto('ntlmssp', 'NTLM Secure Service Provider');

/** Wireshark's names of the SMB2 commands (smb2_cmd_vals). */
const COMMANDS = [
  'Negotiate Protocol',
  'Session Setup',
  'Session Logoff',
  'Tree Connect',
  'Tree Disconnect',
  'Create',
  'Close',
  'Flush',
  'Read',
  'Write',
  'Lock',
  'Ioctl',
  'Cancel',
  'KeepAlive',
  'Find',
  'Notify',
  'GetInfo',
  'SetInfo',
  'Break',
];
const CMD = {
  negotiate: 0,
  sessionSetup: 1,
  treeConnect: 3,
  create: 5,
  close: 6,
  flush: 7,
  read: 8,
  write: 9,
  lock: 10,
  ioctl: 11,
  find: 14,
  notify: 15,
  getInfo: 16,
  setInfo: 17,
} as const;

/** Ioctl function names (the FSCTLs clients send most). */
const FSCTLS = new Map<number, string>([
  [0x00060194, 'FSCTL_DFS_GET_REFERRALS'],
  [0x000601b0, 'FSCTL_DFS_GET_REFERRALS_EX'],
  [0x0009009c, 'FSCTL_GET_OBJECT_ID'],
  [0x000900a4, 'FSCTL_SET_REPARSE_POINT'],
  [0x000900a8, 'FSCTL_GET_REPARSE_POINT'],
  [0x000900c0, 'FSCTL_CREATE_OR_GET_OBJECT_ID'],
  [0x000900c4, 'FSCTL_SET_SPARSE'],
  [0x000940cf, 'FSCTL_QUERY_ALLOCATED_RANGES'],
  [0x000980c8, 'FSCTL_SET_ZERO_DATA'],
  [0x0011400c, 'FSCTL_PIPE_PEEK'],
  [0x00110018, 'FSCTL_PIPE_WAIT'],
  [0x0011c017, 'FSCTL_PIPE_TRANSCEIVE'],
  [0x00140078, 'FSCTL_SRV_REQUEST_RESUME_KEY'],
  [0x001401fc, 'FSCTL_QUERY_NETWORK_INTERFACE_INFO'],
  [0x00140204, 'FSCTL_VALIDATE_NEGOTIATE_INFO'],
  [0x00144064, 'FSCTL_SRV_ENUMERATE_SNAPSHOTS'],
  [0x001440f2, 'FSCTL_SRV_COPYCHUNK'],
  [0x001441bb, 'FSCTL_SRV_READ_HASH'],
  [0x001480f2, 'FSCTL_SRV_COPYCHUNK_WRITE'],
]);
/** Device types of an Ioctl code Wireshark does not name, by number. */
const IOCTL_DEVICES = new Map<number, string>([
  [0x0006, 'DFS'],
  [0x0009, 'FILE_SYSTEM'],
  [0x0011, 'NAMED_PIPE'],
  [0x0014, 'NETWORK_FILE_SYSTEM'],
]);

/** An Ioctl code as tshark writes it: its FSCTL name, else its device and function number. */
function ioctlName(code: number): string {
  const known = FSCTLS.get(code);
  if (known) return known;
  const device = code >>> 16;
  const deviceName =
    IOCTL_DEVICES.get(device) ?? `Unknown (0x${device.toString(16).toUpperCase().padStart(8, '0')})`;
  return `${deviceName} Function:0x${((code >>> 2) & 0xfff).toString(16).padStart(4, '0')}`;
}

/** NT status names for the codes SMB2 servers answer with most. */
const NT_STATUS = new Map<number, string>([
  [0x00000000, 'STATUS_SUCCESS'],
  [0x00000103, 'STATUS_PENDING'],
  [0x0000010b, 'STATUS_NOTIFY_CLEANUP'],
  [0x0000010c, 'STATUS_NOTIFY_ENUM_DIR'],
  [0x80000005, 'STATUS_BUFFER_OVERFLOW'],
  [0x80000006, 'STATUS_NO_MORE_FILES'],
  [0xc000000d, 'STATUS_INVALID_PARAMETER'],
  [0xc000000f, 'STATUS_NO_SUCH_FILE'],
  [0xc0000010, 'STATUS_INVALID_DEVICE_REQUEST'],
  [0xc0000011, 'STATUS_END_OF_FILE'],
  [0xc0000016, 'STATUS_MORE_PROCESSING_REQUIRED'],
  [0xc0000022, 'STATUS_ACCESS_DENIED'],
  [0xc0000023, 'STATUS_BUFFER_TOO_SMALL'],
  [0xc0000034, 'STATUS_OBJECT_NAME_NOT_FOUND'],
  [0xc0000035, 'STATUS_OBJECT_NAME_COLLISION'],
  [0xc000003a, 'STATUS_OBJECT_PATH_NOT_FOUND'],
  [0xc0000043, 'STATUS_SHARING_VIOLATION'],
  [0xc0000056, 'STATUS_DELETE_PENDING'],
  [0xc0000064, 'STATUS_NO_SUCH_USER'],
  [0xc000006a, 'STATUS_WRONG_PASSWORD'],
  [0xc000006d, 'STATUS_LOGON_FAILURE'],
  [0xc0000071, 'STATUS_PASSWORD_EXPIRED'],
  [0xc0000072, 'STATUS_ACCOUNT_DISABLED'],
  [0xc00000ba, 'STATUS_FILE_IS_A_DIRECTORY'],
  [0xc00000bb, 'STATUS_NOT_SUPPORTED'],
  [0xc00000cc, 'STATUS_BAD_NETWORK_NAME'],
  [0xc0000101, 'STATUS_DIRECTORY_NOT_EMPTY'],
  [0xc0000103, 'STATUS_NOT_A_DIRECTORY'],
  [0xc0000120, 'STATUS_CANCELLED'],
  [0xc0000203, 'STATUS_USER_SESSION_DELETED'],
  [0xc0000225, 'STATUS_NOT_FOUND'],
]);

const statusName = (s: number) => NT_STATUS.get(s) ?? `Unknown (0x${s.toString(16).padStart(8, '0')})`;

/** Find's information levels by number. */
const FIND_LEVELS = new Map<number, string>([
  [0x01, 'SMB2_FIND_DIRECTORY_INFO'],
  [0x02, 'SMB2_FIND_FULL_DIRECTORY_INFO'],
  [0x03, 'SMB2_FIND_BOTH_DIRECTORY_INFO'],
  [0x0c, 'SMB2_FIND_NAME_INFO'],
  [0x25, 'SMB2_FIND_ID_BOTH_DIRECTORY_INFO'],
  [0x26, 'SMB2_FIND_ID_FULL_DIRECTORY_INFO'],
]);

/** GetInfo/SetInfo: the info type, and the class names of each type. */
const INFO_TYPES = new Map<number, string>([
  [1, 'FILE_INFO'],
  [2, 'FS_INFO'],
  [3, 'SEC_INFO'],
  [4, 'QUOTA_INFO'],
]);
const FILE_CLASSES = new Map<number, string>([
  [0x04, 'SMB2_FILE_BASIC_INFO'],
  [0x05, 'SMB2_FILE_STANDARD_INFO'],
  [0x06, 'SMB2_FILE_INTERNAL_INFO'],
  [0x07, 'SMB2_FILE_EA_INFO'],
  [0x08, 'SMB2_FILE_ACCESS_INFO'],
  [0x0a, 'SMB2_FILE_RENAME_INFO'],
  [0x0d, 'SMB2_FILE_DISPOSITION_INFO'],
  [0x0e, 'SMB2_FILE_POSITION_INFO'],
  [0x0f, 'SMB2_FILE_FULL_EA_INFO'],
  [0x10, 'SMB2_FILE_MODE_INFO'],
  [0x11, 'SMB2_FILE_ALIGNMENT_INFO'],
  [0x12, 'SMB2_FILE_ALL_INFO'],
  [0x13, 'SMB2_FILE_ALLOCATION_INFO'],
  [0x14, 'SMB2_FILE_ENDOFFILE_INFO'],
  [0x15, 'SMB2_FILE_ALTERNATE_NAME_INFO'],
  [0x16, 'SMB2_FILE_STREAM_INFO'],
  [0x1c, 'SMB2_FILE_COMPRESSION_INFO'],
  [0x22, 'SMB2_FILE_NETWORK_OPEN_INFO'],
  [0x23, 'SMB2_FILE_ATTRIBUTE_TAG_INFO'],
]);
const FS_CLASSES = new Map<number, string>([
  [0x01, 'SMB2_FS_VOLUME_INFO'],
  [0x03, 'SMB2_FS_SIZE_INFO'],
  [0x04, 'SMB2_FS_DEVICE_INFO'],
  [0x05, 'SMB2_FS_ATTRIBUTE_INFO'],
  [0x06, 'SMB2_FS_QUOTA_INFO'],
  [0x07, 'SMB2_FS_FULL_SIZE_INFO'],
  [0x08, 'SMB2_FS_OBJECTID_INFO'],
]);

function infoLevel(type: number, cls: number): string {
  const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
  const typeName = INFO_TYPES.get(type) ?? `Unknown (${hex(type)})`;
  const classes = type === 1 ? FILE_CLASSES : type === 2 ? FS_CLASSES : undefined;
  const className =
    classes?.get(cls) ?? (type === 3 ? `SMB2_SEC_INFO_${hex(cls).slice(2)}` : `Unknown (${hex(cls)})`);
  return `${typeName}/${className}`;
}

/** What a request asked, kept (by message id) for its response. */
interface Request {
  frame: number;
  cmd: number;
  at: { s: number; ns: number };
  response?: number;
  /** Create: the name opened. Read/Write: the file and where. Find: what its response's Info repeats. */
  name?: string;
  fid?: string;
  offset?: number;
  infoTail?: string;
  /** Find's information level, GetInfo's class: what the response's entries are. */
  level?: number;
}

/** A file read or written, put together by offset for the export. */
export interface SmbFile {
  /** The frame its data first came in. */
  frame: number;
  /** "\" and the path within the share, as tshark names it. */
  name: string;
  /** Pieces of its data in the order they came, each at its offset in the file. */
  pieces: { offset: number; bytes: Uint8Array }[];
  /** The bytes known: the end of the furthest piece. */
  size: number;
  /** How many of the pieces a Read returned (the others a Write sent). */
  reads: number;
  server: string;
  client: string;
}

/** One SMB connection's state on the first pass. */
interface Connection {
  requests: Map<bigint, Request>;
  /** File names by file id (from Create responses). */
  files: Map<string, string>;
  /** Share paths by tree id (from Tree Connect responses). */
  trees: Map<number, string>;
  /** The server challenge of the last NTLMSSP_CHALLENGE (for the NTLMv2 hash of the AUTH that answers it). */
  challenge?: Uint8Array;
}

export interface SmbState {
  connections: Map<unknown, Connection>;
  /** Files by connection and file id, in the order their data first came. */
  files: Map<string, SmbFile>;
  /** NTLMSSP logins: user, domain, host, and the NTLMv2 response in hashcat's form (empty for NTLMv1). */
  logins: { frame: number; user: string; domain: string; host: string; hash: string }[];
}

export function smbState(ctx: { state: DissectCtx['state'] }): SmbState {
  return ctx.state.get<SmbState>('smb', () => ({ connections: new Map(), files: new Map(), logins: [] }));
}

function connection(ctx: DissectCtx): Connection {
  const key = ctx.pinfo.data.get('tcp.stream');
  const all = smbState(ctx).connections;
  let c = all.get(key);
  if (!c) all.set(key, (c = { requests: new Map(), files: new Map(), trees: new Map() }));
  return c;
}

const utf16 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length & ~1).toString('utf16le');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A 16-byte SMB2 file id as Wireshark shows it: a GUID (little-endian first three groups). */
function guid(b: Uint8Array): string {
  const h = (from: number, to: number, le: boolean) => {
    const part = Array.from(b.subarray(from, to));
    return hex(Uint8Array.from(le ? part.reverse() : part));
  };
  return `${h(0, 4, true)}-${h(4, 6, true)}-${h(6, 8, true)}-${h(8, 10, false)}-${h(10, 16, false)}`;
}

const NBSS_PORTS = [445, 139];

defineProtocol({
  abbrev: 'nbss',
  name: 'NetBIOS Session Service',
  registerIn: { 'tcp.port': NBSS_PORTS },
  dissect(ctx) {
    const v = ctx.view;
    let off = 0;
    while (off < v.length) {
      if (!v.has(off, 4)) return more(ctx, off, 4);
      const type = v.u8(off);
      // Direct hosting on 445: a 24-bit length; NetBIOS on 139: 17 bits.
      const len =
        ctx.pinfo.srcPort === 139 || ctx.pinfo.dstPort === 139
          ? v.u24be(off + 1) & 0x1ffff
          : v.u24be(off + 1);
      if (!v.has(off, 4 + len)) {
        ctx.columns.info = f.nbssType.strings?.get(type) ?? 'Session message';
        return more(ctx, off, 4 + len);
      }
      // The first message is the layer TCP called; each further one in the segment is a layer of its own.
      let top = ctx.top;
      if (off === 0) ctx.setLength(top, 4 + len);
      else top = ctx.layerItem(top.field, off, 4 + len);
      ctx.add(f.nbssType, off, 1, type, { parent: top });
      ctx.add(f.nbssLength, off + 1, 3, len, { parent: top });
      if (type === 0 && len > 0) {
        const sub = ctx.sub(off + 4, len);
        // The first four bytes say which SMB: 0xFE "SMB" is SMB2 (and 3), 0xFF "SMB" the first one.
        const sig = len >= 4 ? v.u32be(off + 4) : 0;
        if (sig === 0xfe534d42) sub.call(smb2, 0, len);
        else if (sig === 0xff534d42) sub.call(smb1, 0, len);
        else sub.data(0);
      } else if (type !== 0) {
        ctx.columns.protocol = 'NBSS';
        ctx.columns.info = f.nbssType.strings?.get(type) ?? `Unknown (0x${type.toString(16)})`;
      }
      off += 4 + len;
    }
    return true;
  },
});

/** Asks TCP for the rest of a message: `length` bytes from `offset`. */
function more(ctx: DissectCtx, offset: number, length: number): true {
  ctx.pinfo.data.set('tcp.desegment', { offset, need: length } satisfies Desegment);
  return true;
}

const smb1 = defineProtocol({
  abbrev: 'smb',
  name: 'SMB (Server Message Block Protocol)',
  dissect(ctx) {
    const v = ctx.view;
    ctx.columns.protocol = 'SMB';
    const cmd = v.u8(4);
    const response = (v.u8(9) & 0x80) !== 0;
    ctx.add(f.smbCmd, 4, 1, cmd);
    ctx.add(f.smbResponse, 9, 1, response);
    const name = f.smbCmd.strings?.get(cmd) ?? `Unknown (0x${cmd.toString(16)})`;
    append(ctx, `${name} ${response ? 'Response' : 'Request'}`);
    if (cmd === 0x72 && !response) {
      // Word count (0), byte count, then dialects: 0x02 and a NUL-terminated name each.
      let o = 32 + 1 + 2;
      while (o < v.length && v.u8(o) === 2) {
        const end = v.bytes.indexOf(0, o + 1);
        const stop = end < 0 || end >= v.length ? v.length : end;
        ctx.add(f.smbDialect, o + 1, stop - o, v.latin1(o + 1, stop - o - 1));
        o = stop + 1;
      }
    }
    return true;
  },
});

/** Adds to the frame's Info, a ", " between what two SMB messages of one segment say. */
function append(ctx: DissectCtx, text: string): void {
  const k = ctx.callIndex('smb.messages');
  ctx.columns.info = k === 0 || ctx.columns.info === '' ? text : `${ctx.columns.info}, ${text}`;
}

const smb2 = defineProtocol({
  abbrev: 'smb2',
  name: 'SMB2 (Server Message Block Protocol version 2)',
  dissect(ctx) {
    ctx.columns.protocol = 'SMB2';
    // A compound: each message's header says where the next one starts (0 for the last). Info joins what they
    // say with ";", as tshark does; every message after the first is a top-level SMB2 item of its own.
    const said: string[] = [];
    let off = 0;
    let top = ctx.top;
    for (let n = 0; n < 64 && ctx.view.has(off, 64); n++) {
      const next = ctx.view.u32le(off + 20);
      const len = next > 0 && off + next < ctx.view.length ? next : ctx.view.length - off;
      const m = ctx.sub(off, len);
      if (n === 0) ctx.setLength(top, len);
      else {
        top = m.topItem(ctx.top.field, null);
        ctx.setLength(top, len);
      }
      said.push(message(m, top));
      if (len === ctx.view.length - off) break;
      off += len;
    }
    append(ctx, said.join(';'));
    return true;
  },
});

/** One SMB2 message (header and command) under `top`: its items, and what it adds to Info. */
function message(ctx: DissectCtx, top: Item): string {
  const v = ctx.view;
  const c = connection(ctx);
  const flags = v.u32le(16);
  const response = (flags & 1) !== 0;
  const cmd = v.u16le(12);
  const status = response ? v.u32le(8) : 0;
  const msgId = v.u64le(24);
  const hdr = ctx.text('SMB2 Header', 0, 64, top);
  const o = { parent: hdr };
  ctx.add(f.protocolId, 0, 4, v.u32be(0), o);
  ctx.add(f.headerLen, 4, 2, v.u16le(4), o);
  ctx.add(f.creditCharge, 6, 2, v.u16le(6), o);
  if (response) ctx.add(f.ntStatus, 8, 4, status, { ...o, label: () => `NT Status: ${statusName(status)}` });
  ctx.add(f.cmd, 12, 2, cmd, { ...o, label: () => `Command: ${COMMANDS[cmd] ?? 'Unknown'} (${cmd})` });
  ctx.add(f.flags, 16, 4, flags, o);
  ctx.add(f.flagsResponse, 16, 4, response, o);
  ctx.add(f.chainOffset, 20, 4, v.u32le(20), o);
  ctx.add(f.msgId, 24, 8, Number(msgId), o);
  const tid = v.u32le(36);
  if ((flags & 2) === 0) {
    ctx.add(f.pid, 32, 4, v.u32le(32), o);
    ctx.add(f.tid, 36, 4, tid, o);
  }
  ctx.add(f.sesid, 40, 8, v.u64le(40), o);
  ctx.add(f.signature, 48, 16, v.slice(48, 16), o);
  const tree = c.trees.get(tid);
  if (tree !== undefined && (flags & 2) === 0) ctx.add(f.tree, 36, 4, tree, { ...o, generated: true });
  // Pairing by message id: a request is kept on the first pass, its response finds it.
  let req = c.requests.get(msgId);
  if (!ctx.visited && !response && (!req || req.frame !== ctx.frame.number)) {
    req = { frame: ctx.frame.number, cmd, at: { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec } };
    c.requests.set(msgId, req);
  }
  if (req && response && !ctx.visited && req.response === undefined && status !== 0x103)
    req.response = ctx.frame.number;
  if (req && !response && req.response !== undefined)
    ctx.add(f.responseIn, 0, 0, req.response, { ...o, generated: true });
  if (req && response && req.frame < ctx.frame.number) {
    ctx.add(f.responseTo, 0, 0, req.frame, { ...o, generated: true });
    const now = { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec };
    ctx.add(f.time, 0, 0, timeDiff(now, req.at), { ...o, generated: true });
  }
  let info = `${COMMANDS[cmd] ?? `Unknown (0x${cmd.toString(16)})`} ${response ? 'Response' : 'Request'}`;
  if (response && status !== 0) info += `, Error: ${statusName(status)}`;
  const body = ctx.text(
    `${COMMANDS[cmd] ?? 'Unknown'} ${response ? 'Response' : 'Request'} (0x${cmd.toString(16).padStart(2, '0')})`,
    64,
    v.length - 64,
    top,
  );
  // An error answer has the 9-byte error body; one with the command's own body (an Ioctl refused with its
  // output, STATUS_MORE_PROCESSING_REQUIRED's Session Setup, STATUS_BUFFER_OVERFLOW's data) is read as usual.
  const error =
    response &&
    status !== 0 &&
    status !== 0xc0000016 &&
    status !== 0x80000005 &&
    v.has(64, 2) &&
    v.u16le(64) === 9;
  info += error ? errorTail(ctx, cmd, req, body) : command(ctx, c, cmd, response, req, body);
  return info;
}

/** An error response: Find's still names its level, and Info repeats its level and pattern. */
function errorTail(ctx: DissectCtx, cmd: number, req: Request | undefined, parent: Item): string {
  if (cmd !== CMD.find || req?.infoTail === undefined) return '';
  if (req.level !== undefined) ctx.add(f.findLevel, 0, 0, req.level, { parent, generated: true });
  return req.infoTail;
}

/** A command's body: its items, and what it adds to Info. */
function command(
  ctx: DissectCtx,
  c: Connection,
  cmd: number,
  response: boolean,
  req: Request | undefined,
  parent: Item,
): string {
  const v = ctx.view;
  const o = { parent };
  const at = 64;
  const name16 = (off: number, len: number) => utf16(v.slice(off, len));
  const fidAt = (off: number): string => {
    const id = guid(v.slice(off, 16));
    const fi = ctx.add(f.fid, off, 16, id, o);
    const file = c.files.get(id);
    if (file !== undefined) ctx.text(`File: ${file}`, off, 16, fi);
    return id;
  };
  // A file id not seen opened (a compound's "the file just created", all ones) names no file.
  const fileOf = (id: string) => (c.files.has(id) ? ` File: ${c.files.get(id)}` : '');
  switch (cmd) {
    case CMD.negotiate:
      return response ? securityBlob(ctx, c, v.u16le(at + 56), v.u16le(at + 58)) : '';
    case CMD.sessionSetup: {
      const [bo, bl] = response ? [v.u16le(at + 4), v.u16le(at + 6)] : [v.u16le(at + 12), v.u16le(at + 14)];
      return securityBlob(ctx, c, bo, bl);
    }
    case CMD.treeConnect: {
      if (response) {
        if (req?.name !== undefined && !ctx.visited) c.trees.set(v.u32le(36), req.name);
        return '';
      }
      const path = name16(v.u16le(at + 4), v.u16le(at + 6));
      ctx.add(f.tree, v.u16le(at + 4), v.u16le(at + 6), path, o);
      if (req && !ctx.visited) req.name = path;
      return ` Tree: ${path}`;
    }
    case CMD.create: {
      if (response) {
        const id = guid(v.slice(at + 64, 16));
        if (req?.name !== undefined && !ctx.visited) c.files.set(id, req.name);
        ctx.add(f.fid, at + 64, 16, id, o);
        return ` File: ${req?.name ?? ''}`;
      }
      const name = name16(v.u16le(at + 44), v.u16le(at + 46));
      ctx.add(f.filename, v.u16le(at + 44), v.u16le(at + 46), name, o);
      if (req && !ctx.visited) req.name = name;
      return ` File: ${name}`;
    }
    case CMD.close:
      return response ? '' : fileOf(fidAt(at + 8));
    case CMD.flush:
    case CMD.lock:
    case CMD.notify:
      return response ? '' : fileOf(fidAt(at + 8));
    case CMD.ioctl: {
      const code = v.u32le(at + 4);
      ctx.add(f.ioctlFunction, at + 4, 4, code, {
        ...o,
        label: () => `Function: ${ioctlName(code)} (0x${code.toString(16).padStart(8, '0')})`,
      });
      const id = fidAt(at + 8);
      let tail = ` ${ioctlName(code)}`;
      // A DFS referral request names the path it asks about (after the 2-byte maximum referral level).
      const inOff = v.u32le(at + 24);
      const inLen = v.u32le(at + 28);
      if (!response && code === 0x00060194 && inLen >= 2 && v.has(inOff, inLen))
        tail += `, File: ${name16(inOff + 2, inLen - 2).replace(/\0+$/, '')}`;
      return `${tail}${fileOf(id)}`;
    }
    case CMD.read: {
      if (response) {
        const dataOff = v.u8(at + 2);
        const len = v.u32le(at + 4);
        if (len > 0 && req?.fid !== undefined) keep(ctx, c, req.fid, req.offset ?? 0, v.slice(dataOff, len));
        if (len > 0) ctx.sub(dataOff, len).data(0);
        return '';
      }
      const len = v.u32le(at + 4);
      const offset = Number(v.u64le(at + 8));
      ctx.add(f.readLength, at + 4, 4, len, o);
      ctx.add(f.fileOffset, at + 8, 8, offset, o);
      const id = fidAt(at + 16);
      if (req && !ctx.visited) Object.assign(req, { fid: id, offset });
      return ` Len:${len} Off:${offset}${fileOf(id)}`;
    }
    case CMD.write: {
      if (response) return '';
      const dataOff = v.u16le(at + 2);
      const len = v.u32le(at + 4);
      const offset = Number(v.u64le(at + 8));
      ctx.add(f.writeLength, at + 4, 4, len, o);
      ctx.add(f.fileOffset, at + 8, 8, offset, o);
      const id = fidAt(at + 16);
      if (len > 0) keep(ctx, c, id, offset, v.slice(dataOff, len));
      if (len > 0) ctx.sub(dataOff, len).data(0);
      return ` Len:${len} Off:${offset}${fileOf(id)}`;
    }
    case CMD.find: {
      if (response) {
        if (req?.level !== undefined) {
          ctx.add(f.findLevel, 0, 0, req.level, { ...o, generated: true });
          findEntries(ctx, req.level, v.u16le(at + 2), v.u32le(at + 4), parent);
        }
        return req?.infoTail ?? '';
      }
      const level = v.u8(at + 2);
      ctx.add(f.findLevel, at + 2, 1, level, o);
      const id = fidAt(at + 8);
      const pattern = name16(v.u16le(at + 24), v.u16le(at + 26));
      ctx.add(f.findPattern, v.u16le(at + 24), v.u16le(at + 26), pattern, o);
      const tail = ` ${FIND_LEVELS.get(level) ?? `Unknown (0x${level.toString(16)})`} Pattern: ${pattern}`;
      if (req && !ctx.visited) Object.assign(req, { infoTail: tail, level });
      return `${fileOf(id)}${tail}`;
    }
    case CMD.getInfo:
    case CMD.setInfo: {
      if (response) {
        if (req?.level !== undefined) ctx.add(f.infoClass, 0, 0, req.level, { ...o, generated: true });
        return '';
      }
      const type = v.u8(at + 2);
      const cls = v.u8(at + 3);
      ctx.add(f.infoClass, at + 3, 1, cls, o);
      if (req && !ctx.visited) req.level = cls;
      const id = fidAt(at + (cmd === CMD.getInfo ? 24 : 16));
      return ` ${infoLevel(type, cls)}${fileOf(id)}`;
    }
    default:
      return '';
  }
}

/** Where an entry's name (its length, then the name) is in each Find information level. */
const FIND_NAME_AT = new Map<number, [lengthAt: number, nameAt: number]>([
  [0x01, [60, 64]],
  [0x02, [60, 68]],
  [0x03, [60, 94]],
  [0x0c, [8, 12]],
  [0x25, [60, 104]],
  [0x26, [60, 80]],
]);

/** A Find response's entries (the buffer at `off`, `len` bytes): each file's name, as a directory listing. */
function findEntries(ctx: DissectCtx, level: number, off: number, len: number, parent: Item): void {
  const v = ctx.view;
  const at = FIND_NAME_AT.get(level);
  if (!at || len === 0 || !v.has(off, len)) return;
  const end = off + len;
  for (let e = off; e + at[1] <= end;) {
    const n = v.u32le(e + at[0]);
    if (e + at[1] + n > end) break;
    const name = utf16(v.slice(e + at[1], n));
    const item = ctx.text(name, e, Math.min(end, e + (v.u32le(e) || end - e)) - e, parent);
    ctx.add(f.filename, e + at[1], n, name, { parent: item });
    const next = v.u32le(e);
    if (next === 0) break;
    e += next;
  }
}

/** Data read or written at `offset` of file `fid`: a piece of the SMB object (first pass). */
function keep(ctx: DissectCtx, c: Connection, fid: string, offset: number, data: Uint8Array): void {
  if (ctx.visited) return;
  const files = smbState(ctx).files;
  const key = `${String(ctx.pinfo.data.get('tcp.stream'))} ${fid}`;
  let file = files.get(key);
  // Data from the server is a Read's answer; from the client, a Write.
  const response = ctx.pinfo.srcPort !== undefined && NBSS_PORTS.includes(ctx.pinfo.srcPort);
  if (!file) {
    const server = (response ? ctx.pinfo.netSrc : ctx.pinfo.netDst) ?? '';
    const client = (response ? ctx.pinfo.netDst : ctx.pinfo.netSrc) ?? '';
    files.set(
      key,
      (file = {
        reads: 0,
        frame: ctx.frame.number,
        name: `\\${c.files.get(fid) ?? fid}`,
        pieces: [],
        size: 0,
        server,
        client,
      }),
    );
  }
  file.pieces.push({ offset, bytes: data });
  if (response) file.reads++;
  file.size = Math.max(file.size, offset + data.length);
}

const NTLMSSP = Buffer.from('NTLMSSP\0', 'latin1');

/**
 * A Session Setup's (or Negotiate's) security blob: GSS-API and SPNEGO layers over it, and the NTLMSSP message
 * in it, found by its signature. Returns what Info adds (", NTLMSSP_AUTH, User: DOMAIN\user").
 */
function securityBlob(ctx: DissectCtx, c: Connection, off: number, len: number): string {
  const v = ctx.view;
  if (len === 0 || !v.has(off, len)) return '';
  const blob = v.slice(off, len);
  const g = ctx.layerItem(gssApi, off, len);
  const s = ctx.layerItem(spnego, off, len, undefined, g);
  const at = Buffer.from(blob).indexOf(NTLMSSP);
  if (at < 0 || at + 12 > len) return '';
  const m = off + at;
  const top = ctx.layerItem(ntlmssp, m, off + len - m, undefined, s);
  const o = { parent: top };
  const type = v.u32le(m + 8);
  ctx.add(f.ntlmType, m + 8, 4, type, o);
  const name = f.ntlmType.strings?.get(type) ?? `Unknown (${type})`;
  if (type === 2 && v.has(m + 24, 8)) {
    const challenge = v.slice(m + 24, 8);
    ctx.add(f.ntlmChallenge, m + 24, 8, challenge, o);
    if (!ctx.visited) c.challenge = challenge;
  }
  if (type !== 3 || !v.has(m + 64, 0)) return `, ${name}`;
  const unicode = (v.u32le(m + 60) & 1) !== 0;
  /** A security buffer (length, max length, offset from the message start) as text. */
  const field = (at: number, field: FieldDef): string => {
    const l = v.u16le(m + at);
    const p = m + v.u32le(m + at + 4);
    if (!v.has(p, l)) return '';
    const text = unicode ? utf16(v.slice(p, l)) : v.latin1(p, l);
    ctx.add(field, p, l, text, o);
    return text;
  };
  const domain = field(28, f.ntlmDomain);
  const user = field(36, f.ntlmUser);
  const host = field(44, f.ntlmHost);
  if (!ctx.visited) {
    const ntLen = v.u16le(m + 20);
    const nt = v.slice(m + v.u32le(m + 24), ntLen);
    // NTLMv2 (a response longer than v1's 24 bytes): hashcat mode 5600, user::domain:challenge:proof:blob.
    const hash =
      ntLen > 24 && c.challenge
        ? `${user}::${domain}:${hex(c.challenge)}:${hex(nt.subarray(0, 16))}:${hex(nt.subarray(16))}`
        : '';
    smbState(ctx).logins.push({ frame: ctx.frame.number, user, domain, host, hash });
  }
  return `, ${name}, User: ${domain}\\${user}`;
}
