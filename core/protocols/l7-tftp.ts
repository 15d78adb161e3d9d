/**
 * TFTP (RFC 1350; options RFC 2347-2349, 7440): router configurations, boot images and, at times, tools an
 * intruder staged. A read or write request on port 69 sets up a conversation with the client's port, which the
 * server answers from a port of its own (core/protocols/l4-udp.ts: setUdpConversation). Each transfer's data
 * blocks are remembered (where they are, not copied, when they lie in the frame itself) so that a completed
 * file can be exported (core/objects/tftp.ts), as Wireshark's File > Export Objects > TFTP.
 */
import { frameNum, none, str, uint } from '../fields/registry.js';
import { defineProtocol, registerInTable, type DissectCtx } from '../dissect/engine.js';
import { setUdpConversation } from './l4-udp.js';

const OPCODES: Record<number, string> = {
  1: 'Read Request',
  2: 'Write Request',
  3: 'Data Packet',
  4: 'Acknowledgement',
  5: 'Error Code',
  6: 'Option Acknowledgement',
};
const ERRORS: Record<number, string> = {
  0: 'Not defined',
  1: 'File not found',
  2: 'Access violation',
  3: 'Disk full or allocation exceeded',
  4: 'Illegal TFTP Operation',
  5: 'Unknown transfer ID',
  6: 'File already exists',
  7: 'No such user',
  8: 'Option negotiation failed',
};

const t = {
  opcode: uint('tftp.opcode', 'Opcode', 16, { strings: OPCODES }),
  sourceFile: str('tftp.source_file', 'Source File'),
  destinationFile: str('tftp.destination_file', 'Destination File'),
  requestFrame: frameNum('tftp.request_frame', 'Request frame'),
  type: str('tftp.type', 'Type'),
  block: uint('tftp.block', 'Block', 16),
  blockFull: uint('tftp.block.full', 'Full Block Number', 32),
  errorCode: uint('tftp.error.code', 'Error code', 16, { strings: ERRORS }),
  errorMessage: str('tftp.error.message', 'Error message'),
  optionName: str('tftp.option.name', 'Option name'),
  optionValue: str('tftp.option.value', 'Option value'),
  error: none('tftp.error', 'TFTP ERROR packet'),
};

/** A piece of a transferred file: in frame `frame`'s own bytes at `off` (else `bytes` holds a copy). */
export interface TftpPiece {
  frame: number;
  off: number;
  len: number;
  bytes?: Uint8Array;
}

/** One transfer (a read or write request and what followed it). */
export interface TftpTransfer {
  file: string;
  requestFrame: number;
  write: boolean;
  /** The client's and the server's addresses (source/destination of the file: the server's for a read). */
  client: string;
  server: string;
  blksize: number;
  /** The last block number seen and how often block numbers wrapped past 65535. */
  lastBlock: number;
  wraps: number;
  /** The data in order (retransmitted blocks not repeated). */
  pieces: TftpPiece[];
  size: number;
  /** The frame of the last (short) data block, once the transfer is complete. */
  doneFrame?: number;
  error?: string;
}

interface TftpState {
  transfers: TftpTransfer[];
  /** The latest transfer of each conversation: "client address:port|server address" (the server's port open). */
  byConversation: Map<string, TftpTransfer>;
  onTransfer?: (t: TftpTransfer) => void;
}

export function tftpState(ctx: { state: DissectCtx['state'] }): TftpState {
  return ctx.state.get<TftpState>('tftp', () => ({ transfers: [], byConversation: new Map() }));
}

/** Zero-terminated strings from `off` (the last may lack its NUL): [text, offset, bytes taken]. */
function strings(ctx: DissectCtx, off: number): [string, number, number][] {
  const v = ctx.view;
  const out: [string, number, number][] = [];
  while (off < v.length) {
    let e = off;
    while (e < v.length && v.u8(e) !== 0) e++;
    out.push([v.latin1(off, e - off), off, Math.min(v.length, e + 1) - off]);
    off = e + 1;
  }
  return out;
}

/** Options (name, value pairs) as tshark shows them; returns their Info text (", blksize=1024"). */
function options(ctx: DissectCtx, list: [string, number, number][], tr?: TftpTransfer): string {
  let info = '';
  for (let i = 0; i + 1 < list.length; i += 2) {
    const [name, no, nl] = list[i];
    const [value, vo, vl] = list[i + 1];
    const o = ctx.text(`Option: ${name} = ${value}`, no, nl + vl);
    ctx.add(t.optionName, no, nl, name, { parent: o });
    ctx.add(t.optionValue, vo, vl, value, { parent: o });
    info += `, ${name}=${value}`;
    if (tr && name.toLowerCase() === 'blksize' && /^\d+$/.test(value)) tr.blksize = Number(value);
  }
  return info;
}

function dissect(ctx: DissectCtx, request: boolean): boolean | void {
  const v = ctx.view;
  const opcode = v.u16be(0);
  const name = OPCODES[opcode];
  if (!name) return false;
  ctx.columns.protocol = 'TFTP';
  ctx.add(t.opcode, 0, 2, opcode);
  const st = tftpState(ctx);
  const cols = ctx.columnsWanted;
  let info = name;
  if (request && (opcode === 1 || opcode === 2)) {
    const list = strings(ctx, 2);
    const [file = '', fo = 2, fl = 0] = list[0] ?? [];
    const [mode = '', mo = 2, ml = 0] = list[1] ?? [];
    ctx.add(opcode === 1 ? t.sourceFile : t.destinationFile, fo, fl, file);
    ctx.add(t.type, mo, ml, mode);
    info += `, File: ${file}, Transfer type: ${mode}`;
    if (!ctx.visited) {
      const tr: TftpTransfer = {
        file,
        requestFrame: ctx.frame.number,
        write: opcode === 2,
        client: ctx.pinfo.netSrc ?? '',
        server: ctx.pinfo.netDst ?? '',
        blksize: 512,
        lastBlock: 0,
        wraps: 0,
        pieces: [],
        size: 0,
      };
      st.transfers.push(tr);
      st.byConversation.set(`${tr.client}:${ctx.pinfo.srcPort ?? 0}|${tr.server}`, tr);
      ctx.state.setFrame('tftp.transfer', ctx.frame.number, tr);
      setUdpConversation(ctx, tr.client, ctx.pinfo.srcPort ?? 0, tr.server, 'tftp');
    }
    info += options(ctx, list.slice(2));
    if (cols) ctx.columns.info = info;
    return;
  }
  const tr = ctx.visited
    ? ctx.state.getFrame<TftpTransfer>('tftp.transfer', ctx.frame.number)
    : conversationTransfer(ctx, st);
  if (!ctx.visited && tr) ctx.state.setFrame('tftp.transfer', ctx.frame.number, tr);
  if (tr) {
    ctx.add(t.destinationFile, 0, 0, tr.file, { generated: true });
    ctx.add(t.requestFrame, 0, 0, tr.requestFrame, {
      generated: true,
      label: () => `[${tr.write ? 'Write' : 'Read'} Request in frame ${tr.requestFrame}]`,
    });
  }
  switch (opcode) {
    case 3:
    case 4: {
      const block = v.u16be(2);
      ctx.add(t.block, 2, 2, block);
      const full = blockNumber(ctx, tr, block);
      ctx.add(t.blockFull, 2, 2, full, { generated: true });
      info += `, Block: ${block}`;
      if (opcode === 3) {
        const len = v.length - 4;
        if (len < (tr?.blksize ?? 512)) info += ' (last)';
        if (cols) ctx.columns.info = info;
        if (tr && !ctx.visited) keepData(ctx, tr, full, len);
        ctx.data(4, len);
        return;
      }
      break;
    }
    case 5: {
      const code = v.u16be(2);
      ctx.add(t.errorCode, 2, 2, code);
      const [msg = '', mo = 4, ml = 0] = strings(ctx, 4)[0] ?? [];
      ctx.add(t.errorMessage, mo, ml, msg);
      ctx.expert(undefined, 'warn', 'response', 'TFTP ERROR packet');
      info += `, Code: ${ERRORS[code] ?? `Unknown (${code})`}, Message: ${msg}`;
      if (tr && !ctx.visited) tr.error = msg;
      break;
    }
    case 6:
      info += options(ctx, strings(ctx, 2), ctx.visited ? undefined : tr);
      break;
    default:
  }
  if (cols) ctx.columns.info = info;
}

/** The transfer of the conversation this datagram belongs to (the latest request from its client port). */
function conversationTransfer(ctx: DissectCtx, st: TftpState): TftpTransfer | undefined {
  const { netSrc: src = '', netDst: dst = '', srcPort, dstPort } = ctx.pinfo;
  // From the client's port, or to it: the same key setUdpConversation found the datagram by.
  return (
    st.byConversation.get(`${src}:${srcPort}|${dst}`) ?? st.byConversation.get(`${dst}:${dstPort}|${src}`)
  );
}

/** The block number counted past 65535 (Wireshark's "Full Block Number"), kept per frame. */
function blockNumber(ctx: DissectCtx, tr: TftpTransfer | undefined, block: number): number {
  if (!tr) return block;
  if (ctx.visited) return ctx.state.getFrame<number>('tftp.block', ctx.frame.number) ?? block;
  if (block < tr.lastBlock && tr.lastBlock - block > 32768) tr.wraps++;
  tr.lastBlock = block;
  const full = block + tr.wraps * 65536;
  ctx.state.setFrame('tftp.block', ctx.frame.number, full);
  return full;
}

/** Remembers a data block of a transfer (once: a retransmitted block adds nothing) and notes its end. */
function keepData(ctx: DissectCtx, tr: TftpTransfer, full: number, len: number): void {
  if (tr.doneFrame !== undefined || full !== tr.pieces.length + 1) return;
  const piece: TftpPiece = { frame: ctx.frame.number, off: ctx.base + 4, len };
  // Bytes not in the frame's own (a reassembled IP datagram): a copy.
  if (ctx.src !== 0) piece.bytes = ctx.view.slice(4, len).slice();
  tr.pieces.push(piece);
  tr.size += len;
  if (len < tr.blksize) {
    tr.doneFrame = ctx.frame.number;
    tftpState(ctx).onTransfer?.(tr);
  }
}

const tftp = defineProtocol({
  abbrev: 'tftp',
  name: 'Trivial File Transfer Protocol',
  registerIn: { 'udp.port': 69 },
  dissect(ctx) {
    return dissect(ctx, true);
  },
});
// The datagrams of a transfer after its request (setUdpConversation): never a new request.
registerInTable('udp.conversation', 'tftp', { ...tftp, dissect: (ctx) => dissect(ctx, false) });
