/**
 * Wireshark 4.0's TCP desegmentation bookkeeping (packet-tcp.c multi-segment PDUs + reassemble.c fragment_add),
 * without payload copies: a fragment names the frame and byte offset its data comes from.
 *
 * The rules matter for byte-exact results on damaged streams: fragments are kept sorted by offset (a later one
 * with the same offset goes after), the reassembled data is built first-come in that order (an overlap never
 * overwrites), a reassembly that already completed can only be extended after the sub-dissector asked for more
 * ("partial reassembly"), otherwise adding to it is a reassembly error.
 */

/** Bytes `len` at offset `off` of frame `frame`'s bytes. */
export type Piece = [frame: number, off: number, len: number];

export interface Frag {
  /** Offset in the reassembled PDU. */
  off: number;
  len: number;
  frame: number;
  /** Offset of the data in the frame's bytes. */
  foff: number;
}

/** reassemble.c's fragment_head for one PDU. */
export class FragHead {
  frags: Frag[] = [];
  datalen = 0;
  datalenSet = false;
  defragmented = false;
  partial = false;
  /** Highest frame number of the fragments. */
  maxFrame = 0;
  reassembledIn = 0;
  overlap = false;
  overlapConflict = false;
  multipleTails = false;
  tooLong = false;
  /** The reassembled data as pieces of frames (set when defragmented). */
  pieces: Piece[] = [];

  /** Errors that make Wireshark print "[Illegal Segments]". */
  get illegal(): boolean {
    return this.overlapConflict || this.multipleTails || this.tooLong;
  }
}

export class ReassemblyError extends Error {}

/** packet-tcp.c's tcp_multisegment_pdu. */
export interface Msp {
  seq: number;
  nxtpdu: number;
  firstFrame: number;
  lastFrame: number;
  /** MSP_FLAGS_REASSEMBLE_ENTIRE_SEGMENT: the next segment is taken whole. */
  entire: boolean;
  fh: FragHead;
}

/** Reads a frame's bytes (for the overlap comparison). */
export type FrameReader = (frame: number) => Uint8Array | undefined;

/**
 * fragment_add() on the first pass. Returns true when the PDU is complete (reassembled in frame `n`).
 * Throws ReassemblyError as Wireshark does when a completed PDU is added to.
 */
export function fragmentAdd(
  fh: FragHead,
  n: number,
  foff: number,
  fragOff: number,
  len: number,
  moreFrags: boolean,
  read: FrameReader,
): boolean {
  // fragment_add_common: the same frame and offset added twice on the first pass.
  if (n <= fh.maxFrame && fh.frags.some((x) => x.frame === n && x.off === fragOff)) {
    if (fh.defragmented) throw new ReassemblyError('Frame already added in first pass');
    return false;
  }
  if (fh.defragmented) {
    if (fragOff + len >= fh.datalen) {
      if (fh.partial) {
        // fragment_reset_defragmentation
        fh.defragmented = false;
        fh.partial = false;
        fh.datalenSet = false;
        fh.tooLong = false;
        fh.multipleTails = false;
        fh.datalen = 0;
        fh.reassembledIn = 0;
      } else if (fragOff >= fh.datalen) throw new ReassemblyError('New fragment past old data limits');
      else throw new ReassemblyError('New fragment overlaps old data (retransmission?)');
    } else throw new ReassemblyError('New fragment overlaps old data (retransmission?)');
  }
  const fd: Frag = { off: fragOff, len, frame: n, foff };
  if (n > fh.maxFrame) fh.maxFrame = n;
  if (!moreFrags) {
    if (fh.datalenSet) {
      if (fh.datalen !== fragOff + len) fh.multipleTails = true;
    } else {
      fh.datalen = fragOff + len;
      fh.datalenSet = true;
    }
  }
  // LINK_FRAG: sorted by offset, after fragments with the same offset.
  let i = fh.frags.length;
  while (i > 0 && fh.frags[i - 1].off > fragOff) i--;
  fh.frags.splice(i, 0, fd);
  if (!fh.datalenSet) return false;
  let max = 0;
  for (const x of fh.frags) if (x.off <= max && x.off + x.len > max) max = x.off + x.len;
  if (max < fh.datalen) return false;
  defragment(fh, read);
  fh.defragmented = true;
  fh.reassembledIn = n;
  return true;
}

function defragment(fh: FragHead, read: FrameReader): void {
  const pieces: Piece[] = [];
  let dfpos = 0;
  for (const x of fh.frags) {
    if (!x.len) continue;
    if (x.off >= fh.datalen) {
      fh.tooLong = true;
      continue;
    }
    let fraglen = x.len;
    if (x.off + fraglen > fh.datalen) {
      fh.tooLong = true;
      fraglen = fh.datalen - x.off;
    }
    const overlap = dfpos - x.off;
    if (overlap > 0) {
      fh.overlap = true;
      if (!fh.overlapConflict) {
        const cmp = Math.min(x.len, overlap);
        const mine = read(x.frame)?.subarray(x.foff, x.foff + cmp);
        const have = bytesAt(pieces, x.off, cmp, read);
        if (mine && have && !sameBytes(mine, have)) fh.overlapConflict = true;
      }
    }
    if (x.off + fraglen > dfpos) {
      const skip = Math.max(0, overlap);
      pieces.push([x.frame, x.foff + skip, fraglen - skip]);
      dfpos = x.off + fraglen;
    }
  }
  fh.pieces = pieces;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `len` bytes at offset `at` of the data the pieces describe. */
function bytesAt(pieces: Piece[], at: number, len: number, read: FrameReader): Uint8Array | undefined {
  const out = new Uint8Array(len);
  let pos = 0;
  let o = 0;
  for (const [frame, off, l] of pieces) {
    const lo = Math.max(at, pos);
    const hi = Math.min(at + len, pos + l);
    if (lo < hi) {
      const src = read(frame);
      if (!src) return undefined;
      out.set(src.subarray(off + lo - pos, off + hi - pos), lo - at);
      o += hi - lo;
    }
    pos += l;
  }
  return o === len ? out : undefined;
}

/** The multisegment_pdus tree of one direction: exact and "greatest key ≤ seq" lookups. */
export class MspTree {
  private keys: number[] = [];
  private map = new Map<number, Msp>();

  get(seq: number): Msp | undefined {
    return this.map.get(seq);
  }

  /** wmem_tree_lookup32_le */
  le(seq: number): Msp | undefined {
    const k = this.keys;
    let lo = 0;
    let hi = k.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (k[mid] <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.map.get(k[lo - 1]) : undefined;
  }

  /** pdu_store_sequencenumber_of_next_pdu (replaces an MSP stored at the same sequence number). */
  store(seq: number, nxtpdu: number, n: number): Msp {
    const msp: Msp = { seq, nxtpdu, firstFrame: n, lastFrame: n, entire: false, fh: new FragHead() };
    if (!this.map.has(seq)) {
      const k = this.keys;
      let i = k.length;
      while (i > 0 && k[i - 1] > seq) i--;
      k.splice(i, 0, seq);
    }
    this.map.set(seq, msp);
    return msp;
  }
}
