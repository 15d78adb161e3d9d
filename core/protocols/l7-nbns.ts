/**
 * NetBIOS Name Service (RFC 1001/1002, UDP port 137): the name queries, registrations and node-status requests
 * of Windows networks, which tell an investigator which host claimed which name. DNS-like messages whose names
 * are NetBIOS names in first-level encoding ("FILESRV<20>": 15 characters, then the name type).
 *
 * As Wireshark 4.0 shows them, quirks included: the node type of an NB record's flags has a value string only
 * for B-node (its other values read "Unknown"), and the Info column of an NB answer shows the address after the
 * record's flags even when the record has no data (read past the end of the message: "[Malformed Packet]").
 */
import { bool, ether, ipv4 as ipv4Field, str, uint, none, type FieldDef } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { formatIPv4, secondsText } from '../fields/format.js';
import type { ByteView } from '../bytes/byteview.js';
import { readName } from './l4-udp.js';

const OPCODES: Record<number, string> = {
  0: 'Name query',
  5: 'Registration',
  6: 'Release',
  7: 'Wait for acknowledgment',
  8: 'Refresh',
  9: 'Refresh (alternate opcode)',
  15: 'Multi-homed registration',
};
const WACK = 7;
const RCODES: Record<number, string> = {
  0: 'No error',
  1: 'Request was invalidly formatted',
  2: 'Server failure',
  3: 'Requested name does not exist',
  4: 'Request is not implemented',
  5: 'Request was refused',
  6: 'Name is owned by another node',
  7: 'Name is in conflict',
};
const TYPES: Record<number, string> = { 32: 'NB', 33: 'NBSTAT' };
const CLASSES: Record<number, string> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

/** What the 16th byte of a NetBIOS name says the name is for. */
const NAME_TYPES: Record<number, string> = {
  0x00: 'Workstation/Redirector',
  0x01: 'Browser',
  0x02: 'Workstation/Redirector',
  0x03: 'Messenger service/Main name',
  0x05: 'Forwarded name',
  0x06: 'RAS Server service',
  0x1b: 'Domain Master Browser',
  0x1c: 'Domain Controllers',
  0x1d: 'Local Master Browser',
  0x1e: 'Browser Election Service',
  0x1f: 'Net DDE Service',
  0x20: 'Server service',
  0x21: 'RAS client service',
  0x22: 'Exchange Interchange (MSMail Connector)',
  0x23: 'Exchange Store',
  0x24: 'Exchange Directory',
  0x2b: 'Lotus Notes Server service',
  0x30: 'Modem sharing server service',
  0x31: 'Modem sharing client service',
  0x43: 'SMS Clients Remote Control',
  0x44: 'SMS Administrators Remote Control Tool',
  0x45: 'SMS Clients Remote Chat',
  0x46: 'SMS Clients Remote Transfer',
  0x4c: 'DEC Pathworks TCP/IP Service on Windows NT',
  0x52: 'DEC Pathworks TCP/IP Service on Windows NT',
  0x6a: 'Microsoft Exchange IMC',
  0x87: 'Microsoft Exchange MTA',
  0xbe: 'Network Monitor Agent',
  0xbf: 'Network Monitor Analyzer',
};
/** The node types of NB flags, by their unshifted bits (the text after the flags). */
const NODE_TYPES: Record<number, string> = {
  0x0000: 'B-node',
  0x2000: 'P-node',
  0x4000: 'M-node',
  0x6000: 'H-node',
};

const yesNo = ['Yes', 'No'] as const;
const n = {
  id: uint('nbns.id', 'Transaction ID', 16, { base: 'hex' }),
  flags: uint('nbns.flags', 'Flags', 16, { base: 'hex' }),
  response: bool('nbns.flags.response', 'Response', {
    bits: 16,
    bitmask: 0x8000,
    trueFalse: ['Message is a response', 'Message is a query'],
  }),
  opcode: uint('nbns.flags.opcode', 'Opcode', 16, { bitmask: 0x7800, strings: OPCODES }),
  authoritative: bool('nbns.flags.authoritative', 'Authoritative', {
    bits: 16,
    bitmask: 0x0400,
    trueFalse: ['Server is an authority for domain', 'Server is not an authority for domain'],
  }),
  truncated: bool('nbns.flags.truncated', 'Truncated', {
    bits: 16,
    bitmask: 0x0200,
    trueFalse: ['Message is truncated', 'Message is not truncated'],
  }),
  recdesired: bool('nbns.flags.recdesired', 'Recursion desired', {
    bits: 16,
    bitmask: 0x0100,
    trueFalse: ['Do query recursively', "Don't do query recursively"],
  }),
  recavail: bool('nbns.flags.recavail', 'Recursion available', {
    bits: 16,
    bitmask: 0x0080,
    trueFalse: ['Server can do recursive queries', "Server can't do recursive queries"],
  }),
  broadcast: bool('nbns.flags.broadcast', 'Broadcast', {
    bits: 16,
    bitmask: 0x0010,
    trueFalse: ['Broadcast packet', 'Not a broadcast packet'],
  }),
  rcode: uint('nbns.flags.rcode', 'Reply code', 16, { bitmask: 0x000f, strings: RCODES }),
  queries: uint('nbns.count.queries', 'Questions', 16),
  answers: uint('nbns.count.answers', 'Answer RRs', 16),
  authRr: uint('nbns.count.auth_rr', 'Authority RRs', 16),
  addRr: uint('nbns.count.add_rr', 'Additional RRs', 16),
  name: str('nbns.name', 'Name'),
  type: uint('nbns.type', 'Type', 16, { strings: TYPES }),
  class: uint('nbns.class', 'Class', 16, { strings: CLASSES }),
  ttl: uint('nbns.ttl', 'Time to live', 32),
  dataLength: uint('nbns.data_length', 'Data length', 16),
  nbFlags: uint('nbns.nb_flags', 'Name flags', 16, { base: 'hex' }),
  nbGroup: bool('nbns.nb_flags.group', 'Name type', {
    bits: 16,
    bitmask: 0x8000,
    trueFalse: ['Group name', 'Unique name'],
  }),
  nbOnt: uint('nbns.nb_flags.ont', 'ONT', 16, { bitmask: 0x6000, strings: { 0: 'B-node' } }),
  addr: ipv4Field('nbns.addr', 'Addr'),
  numberOfNames: uint('nbns.number_of_names', 'Number of names', 8),
  netbiosName: str('nbns.netbios_name', 'Name'),
  nameFlags: uint('nbns.name_flags', 'Name flags', 16, { base: 'hex' }),
  nameGroup: bool('nbns.name_flags.group', 'Name type', {
    bits: 16,
    bitmask: 0x8000,
    trueFalse: ['Group name', 'Unique name'],
  }),
  nameOnt: uint('nbns.name_flags.ont', 'ONT', 16, { bitmask: 0x6000, strings: { 0: 'B-node' } }),
  nameDrg: bool('nbns.name_flags.drg', 'Name is being deregistered', {
    bits: 16,
    bitmask: 0x1000,
    trueFalse: yesNo,
  }),
  nameCnf: bool('nbns.name_flags.cnf', 'Name is in conflict', {
    bits: 16,
    bitmask: 0x0800,
    trueFalse: yesNo,
  }),
  nameAct: bool('nbns.name_flags.act', 'Name is active', { bits: 16, bitmask: 0x0400, trueFalse: yesNo }),
  namePrm: bool('nbns.name_flags.prm', 'Permanent node name', {
    bits: 16,
    bitmask: 0x0200,
    trueFalse: yesNo,
  }),
  unitId: ether('nbns.unit_id', 'Unit ID'),
  jumpers: uint('nbns.jumpers', 'Jumpers', 8, { base: 'hex' }),
  testResult: uint('nbns.test_result', 'Test result', 8, { base: 'hex' }),
  version: uint('nbns.version_number', 'Version number', 16, { base: 'hex' }),
  period: uint('nbns.period_of_statistics', 'Period of statistics', 16, { base: 'hex' }),
  incomplete: none('nbns.incomplete_entry', 'incomplete entry'),
};

/** The statistics after a node status answer's unit id: field, width in bytes. */
const NODE_STATS: [FieldDef, 1 | 2 | 4][] = [
  [n.jumpers, 1],
  [n.testResult, 1],
  [n.version, 2],
  [n.period, 2],
  [uint('nbns.num_crcs', 'Number of CRCs', 16), 2],
  [uint('nbns.num_alignment_errors', 'Number of alignment errors', 16), 2],
  [uint('nbns.num_collisions', 'Number of collisions', 16), 2],
  [uint('nbns.num_send_aborts', 'Number of send aborts', 16), 2],
  [uint('nbns.num_good_sends', 'Number of good sends', 32), 4],
  [uint('nbns.num_good_receives', 'Number of good receives', 32), 4],
  [uint('nbns.numretransmits', 'Number of retransmits', 16), 2],
  [uint('nbns.num_no_resource_conditions', 'Number of no resource conditions', 16), 2],
  [uint('nbns.numcommand_blocks', 'Number of command blocks', 16), 2],
  [uint('nbns.numpending_sessions', 'Number of pending sessions', 16), 2],
  [uint('nbns.max_num_pending_sessions', 'Max number of pending sessions', 16), 2],
  [uint('nbns.max_total_sessions_possible', 'Max total sessions possible', 16), 2],
  [uint('nbns.session_data_packet_size', 'Session data packet size', 16), 2],
];

const hex = (v: number, digits: number) => `0x${v.toString(16).padStart(digits, '0')}`;

/** The 15 characters of a NetBIOS name as Wireshark prints them: non-printable bytes as <xx>, spaces trimmed. */
function printable(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < 15; i++) {
    const c = bytes[i];
    s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : `<${hex(c, 2).slice(2)}>`;
  }
  return s.replace(/ +$/, '');
}

/**
 * A name of the message at `off` (a DNS name whose first label is the 32-letter first-level encoding):
 * "NAME<xx>" plus any scope ID, its type byte (-1 when the encoding is illegal) and the bytes it takes.
 */
function nbName(v: ByteView, off: number): { text: string; type: number; len: number } {
  const { name, len } = readName(v, off);
  const bytes: number[] = [];
  let i = 0;
  let bad: string | undefined;
  for (; i < name.length && name[i] !== '.'; i += 2) {
    const a = name.charCodeAt(i) - 65;
    if (a < 0 || a > 25) {
      bad = 'Illegal NetBIOS name (1st character not between A and Z in first-level encoding)';
      break;
    }
    if (i + 1 >= name.length || name[i + 1] === '.') {
      bad = 'Illegal NetBIOS name (odd number of bytes)';
      break;
    }
    const b = name.charCodeAt(i + 1) - 65;
    if (b < 0 || b > 25) {
      bad = 'Illegal NetBIOS name (2nd character not between A and Z in first-level encoding)';
      break;
    }
    bytes.push(((a << 4) | b) & 0xff);
  }
  if (!bad && bytes.length !== 16) bad = `Illegal NetBIOS name (${bytes.length} bytes long)`;
  if (bad) return { text: bad, type: -1, len };
  return { text: `${printable(bytes)}<${hex(bytes[15], 2).slice(2)}>${name.slice(i)}`, type: bytes[15], len };
}

const typeDescr = (t: number) => NAME_TYPES[t] ?? 'Unknown';
const withDescr = (text: string, type: number) => (type < 0 ? text : `${text} (${typeDescr(type)})`);

/**
 * The NBNS flags at `off` with their bits: a response's Authoritative and Recursion available bits, and its
 * reply code unless the flags are a WACK record's (the request being acknowledged).
 */
function flagsItems(
  ctx: DissectCtx,
  off: number,
  flags: number,
  parent: Item | undefined,
  wack: boolean,
): void {
  const resp = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 15;
  const rcode = resp && !wack;
  const label = () => {
    let s = `Flags: ${hex(flags, 4)}${resp ? ', Response' : ''}, Opcode: ${OPCODES[opcode] ?? 'Unknown'}`;
    if (resp && flags & 0x0400) s += ', Authoritative';
    if (flags & 0x0200) s += ', Truncated';
    if (flags & 0x0100) s += ', Recursion desired';
    if (resp && flags & 0x0080) s += ', Recursion available';
    if (flags & 0x0010) s += ', Broadcast';
    if (rcode) s += `, Reply code: ${RCODES[flags & 15] ?? 'Unknown'}`;
    return s;
  };
  const fl = ctx.add(n.flags, off, 2, flags, { parent, label });
  ctx.add(n.response, off, 2, resp, { parent: fl });
  ctx.add(n.opcode, off, 2, opcode, { parent: fl });
  if (resp) ctx.add(n.authoritative, off, 2, (flags & 0x0400) !== 0, { parent: fl });
  ctx.add(n.truncated, off, 2, (flags & 0x0200) !== 0, { parent: fl });
  ctx.add(n.recdesired, off, 2, (flags & 0x0100) !== 0, { parent: fl });
  if (resp) ctx.add(n.recavail, off, 2, (flags & 0x0080) !== 0, { parent: fl });
  ctx.add(n.broadcast, off, 2, (flags & 0x0010) !== 0, { parent: fl });
  if (rcode) ctx.add(n.rcode, off, 2, flags & 15, { parent: fl });
}

/** An NB record's flags: group bit and node type; the text after them names both (e.g. "(H-node, unique)"). */
function nbFlagsItems(ctx: DissectCtx, off: number, parent: Item): void {
  const v = ctx.view.u16be(off);
  const group = (v & 0x8000) !== 0;
  const ont = (v & 0x6000) >> 13;
  const label = () =>
    `Name flags: ${hex(v, 4)}${group ? ', Name type' : ''}, ONT: ${ont ? 'Unknown' : 'B-node'} (${NODE_TYPES[v & 0x6000]}, ${group ? 'group' : 'unique'})`;
  const it = ctx.add(n.nbFlags, off, 2, v, { parent, label });
  ctx.add(n.nbGroup, off, 2, group, { parent: it });
  ctx.add(n.nbOnt, off, 2, ont, { parent: it });
}

/** A node status entry's name flags. */
function nameFlagsItems(ctx: DissectCtx, off: number, parent: Item): void {
  const v = ctx.view.u16be(off);
  const bits: [FieldDef, number][] = [
    [n.nameDrg, 0x1000],
    [n.nameCnf, 0x0800],
    [n.nameAct, 0x0400],
    [n.namePrm, 0x0200],
  ];
  const ont = (v & 0x6000) >> 13;
  const label = () =>
    `Name flags: ${hex(v, 4)}${v & 0x8000 ? ', Name type' : ''}, ONT: ${ont ? 'Unknown' : 'B-node'}` +
    bits.map(([f, m]) => (v & m ? `, ${f.name}` : '')).join('');
  const it = ctx.add(n.nameFlags, off, 2, v, { parent, label });
  ctx.add(n.nameGroup, off, 2, (v & 0x8000) !== 0, { parent: it });
  ctx.add(n.nameOnt, off, 2, ont, { parent: it });
  for (const [f, m] of bits) ctx.add(f, off, 2, (v & m) !== 0, { parent: it });
}

/** Node status data (NBSTAT): the names the node holds, its unit id and statistics; stops at a short entry. */
function nodeStatus(ctx: DissectCtx, off: number, dataLen: number, parent: Item): void {
  const v = ctx.view;
  let left = dataLen;
  const incomplete = () => void ctx.add(n.incomplete, off, left, null, { parent });
  if (left < 1) return incomplete();
  let names = v.u8(off);
  ctx.add(n.numberOfNames, off, 1, names, { parent });
  off += 1;
  for (; names > 0; names--) {
    if (left < 16) return incomplete();
    const raw = v.slice(off, 16);
    // The field holds the name alone; the line adds its type and meaning.
    const name = printable(raw);
    const label = () => `Name: ${withDescr(`${name}<${hex(raw[15], 2).slice(2)}>`, raw[15])}`;
    ctx.add(n.netbiosName, off, 16, name, { parent, label });
    off += 16;
    left -= 16;
    if (left < 2) return incomplete();
    nameFlagsItems(ctx, off, parent);
    off += 2;
    left -= 2;
  }
  if (left < 6) return incomplete();
  ctx.add(n.unitId, off, 6, v.slice(off, 6), { parent });
  off += 6;
  left -= 6;
  for (const [f, w] of NODE_STATS) {
    if (left < w) return incomplete();
    ctx.add(f, off, w, w === 1 ? v.u8(off) : w === 2 ? v.u16be(off) : v.u32be(off), { parent });
    off += w;
    left -= w;
  }
}

/** One resource record at `off`; returns its length. Adds its part of the Info text when `info` (answers). */
function record(ctx: DissectCtx, off: number, opcode: number, parent: Item, info: boolean): number {
  const v = ctx.view;
  const name = nbName(v, off);
  const type = v.u16be(off + name.len);
  const cls = v.u16be(off + name.len + 2);
  const ttl = v.u32be(off + name.len + 4);
  const dataLen = v.u16be(off + name.len + 8);
  const rd = off + name.len + 10;
  const typeName = TYPES[type] ?? 'unknown';
  if (info && ctx.columnsWanted) {
    if (type !== 32) ctx.columns.info += ` ${typeName}`;
    else if (opcode !== WACK && (v.has(rd + 2, 4) || !ctx.fullTree))
      // Wireshark reads the address after the flags for the Info text whatever the record holds: past the end of
      // a record without data (a negative response) the packet list shows "[Malformed Packet]".
      ctx.columns.info += ` NB ${formatIPv4(v.u32be(rd + 2))}`;
  }
  const rr = ctx.text(
    `${name.text}: type ${typeName}, class ${CLASSES[cls] ?? 'Unknown'}`,
    off,
    rd - off + dataLen,
    parent,
  );
  // A node status answer's own name is shown without the name type's meaning.
  const shown = type === 33 ? name.text : withDescr(name.text, name.type);
  // (A record's name field holds the meaning too, a question's only the name: as in Wireshark.)
  ctx.add(n.name, off, name.len, shown, { parent: rr, label: () => `Name: ${shown}` });
  ctx.add(n.type, off + name.len, 2, type, { parent: rr });
  ctx.add(n.class, off + name.len + 2, 2, cls, { parent: rr });
  ctx.add(n.ttl, off + name.len + 4, 4, ttl, {
    parent: rr,
    label: () => `Time to live: ${secondsText(ttl)}`,
  });
  ctx.add(n.dataLength, off + name.len + 8, 2, dataLen, { parent: rr });
  v.check(rd, dataLen);
  if (type === 33) nodeStatus(ctx, rd, dataLen, rr);
  else if (type === 32) {
    for (let p = rd, left = dataLen; left > 0;) {
      if (opcode === WACK) {
        if (left < 2) {
          ctx.add(n.incomplete, p, left, null, { parent: rr });
          break;
        }
        flagsItems(ctx, p, v.u16be(p), rr, true);
        p += 2;
        left -= 2;
        continue;
      }
      if (left < 2) {
        ctx.add(n.incomplete, p, left, null, { parent: rr });
        break;
      }
      nbFlagsItems(ctx, p, rr);
      p += 2;
      left -= 2;
      if (left < 4) {
        ctx.add(n.incomplete, p, left, null, { parent: rr });
        break;
      }
      ctx.add(n.addr, p, 4, v.u32be(p), { parent: rr });
      p += 4;
      left -= 4;
    }
  }
  return rd - off + dataLen;
}

defineProtocol({
  abbrev: 'nbns',
  name: 'NetBIOS Name Service',
  registerIn: { 'udp.port': 137 },
  dissect(ctx) {
    const v = ctx.view;
    const id = v.u16be(0);
    const flags = v.u16be(2);
    const opcode = (flags >> 11) & 15;
    const resp = (flags & 0x8000) !== 0;
    ctx.columns.protocol = 'NBNS';
    const cols = ctx.columnsWanted;
    if (cols) {
      ctx.columns.info = `${OPCODES[opcode] ?? 'Unknown operation'}${resp ? ' response' : ''}`;
      if (resp && flags & 15) ctx.columns.info += `, ${RCODES[flags & 15] ?? 'Unknown error'}`;
    }
    ctx.add(n.id, 0, 2, id);
    flagsItems(ctx, 2, flags, undefined, false);
    const counts = [v.u16be(4), v.u16be(6), v.u16be(8), v.u16be(10)];
    [n.queries, n.answers, n.authRr, n.addRr].forEach((f, i) => ctx.add(f, 4 + 2 * i, 2, counts[i]));
    let off = 12;
    if (counts[0]) {
      const start = off;
      const list = ctx.text('Queries', off, 0);
      for (let i = 0; i < counts[0]; i++) {
        const name = nbName(v, off);
        const type = v.u16be(off + name.len);
        const cls = v.u16be(off + name.len + 2);
        const typeName = TYPES[type] ?? 'unknown';
        if (cols) ctx.columns.info += ` ${typeName} ${name.text}`;
        const q = ctx.text(
          `${name.text}: type ${typeName}, class ${CLASSES[cls] ?? 'Unknown'}`,
          off,
          name.len + 4,
          list,
        );
        ctx.add(n.name, off, name.len, name.text, {
          parent: q,
          label: () => `Name: ${withDescr(name.text, name.type)}`,
        });
        ctx.add(n.type, off + name.len, 2, type, { parent: q });
        ctx.add(n.class, off + name.len + 2, 2, cls, { parent: q });
        off += name.len + 4;
      }
      ctx.setLength(list, off - start);
    }
    const sections = ['Answers', 'Authoritative nameservers', 'Additional records'];
    for (let s = 0; s < 3; s++) {
      if (!counts[s + 1]) continue;
      const start = off;
      const list = ctx.text(sections[s], off, 0);
      for (let i = 0; i < counts[s + 1]; i++) off += record(ctx, off, opcode, list, s === 0);
      ctx.setLength(list, off - start);
    }
  },
});
