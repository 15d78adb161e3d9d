/**
 * Wireshark 4.0's TCP desegmentation bookkeeping (packet-tcp.c multi-segment PDUs + reassemble.c fragment_add),
 * without payload copies: a fragment names the frame and byte offset its data comes from.
 *
 * The rules matter for byte-exact results on damaged streams: fragments are kept sorted by offset (a later one
 * with the same offset goes after), the reassembled data is built first-come in that order (an overlap never
 * overwrites), a reassembly that already completed can only be extended after the sub-dissector asked for more
 * ("partial reassembly"), otherwise adding to it is a reassembly error.
 *
 * A PDU the sub-dissector asks to extend segment after segment (an HTTP chunked body: "one more segment" until
 * the last chunk) is reassembled again after each one. So that a segment costs its own bytes rather than the
 * whole PDU so far, the work of the last reassembly is continued when the PDU only grew at its end: the
 * coverage scan and the pieces (fragmentAdd), the fragment and piece lists the steps of earlier frames refer to
 * (shared, not copied), and on the first pass the reassembled bytes themselves (Assemblies).
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

/** The bytes of a FragHead's pieces[0, count) in buf[0, len). */
interface Assembly {
  pieces: Piece[];
  count: number;
  buf: Uint8Array;
  len: number;
}

/** reassemble.c's fragment_head for one PDU. */
export class FragHead {
  /**
   * Sorted by offset. Only ever appended to in place (a fragment that goes before others makes a new array), so
   * a step recorded for an earlier frame keeps the array and its length at the time instead of a copy.
   */
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
  /**
   * The reassembled data as pieces of frames (set when defragmented), exactly datalen bytes. Appended to in
   * place when the PDU grew at its end, a new array otherwise: a reference taken earlier still describes its
   * first `datalen at the time` bytes.
   */
  pieces: Piece[] = [];
  /** fragment_add's coverage scan went through frags[0, scanned): the data is contiguous from 0 to `covered`. */
  scanned = 0;
  covered = 0;
  /**
   * The last defragmentation went through frags[0, dfFrags) (0: start over next time) up to offset dfpos, with
   * datalen dfLen, none of them cut by it.
   */
  dfFrags = 0;
  dfpos = 0;
  dfLen = 0;
  /** First pass: the reassembled bytes kept for the next extension (see Assemblies). */
  asm?: Assembly;

  /** Errors that make Wireshark print "[Illegal Segments]". */
  get illegal(): boolean {
    return this.overlapConflict || this.multipleTails || this.tooLong;
  }

  /** LINK_FRAG: sorted by offset, after fragments with the same offset. */
  link(fd: Frag): void {
    const a = this.frags;
    let i = a.length;
    while (i > 0 && a[i - 1].off > fd.off) i--;
    if (i === a.length) a.push(fd);
    else {
      this.frags = [...a.slice(0, i), fd, ...a.slice(i)];
      this.restart();
    }
  }

  /** fragment_truncate: the PDU ends at `at` (what follows became a PDU of its own). */
  truncate(at: number): void {
    this.frags = this.frags
      .filter((x) => x.off < at)
      .map((x) => ({ ...x, len: Math.min(x.len, at - x.off) }));
    this.datalen = at;
    let o = 0;
    const pieces: Piece[] = [];
    for (const [fr, off, l] of this.pieces) {
      if (o >= at) break;
      pieces.push([fr, off, Math.min(l, at - o)]);
      o += l;
    }
    this.pieces = pieces;
    this.restart();
  }

  /** The fragments changed other than at their end: the next scans start over. */
  private restart(): void {
    this.scanned = 0;
    this.covered = 0;
    this.dfFrags = 0;
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
  fh.link(fd);
  if (!fh.datalenSet) return false;
  // How far the data is contiguous from offset 0 (fragments in offset order), continuing the last scan.
  const frags = fh.frags;
  let max = fh.covered;
  for (let i = fh.scanned; i < frags.length; i++) {
    const x = frags[i];
    if (x.off <= max && x.off + x.len > max) max = x.off + x.len;
  }
  fh.scanned = frags.length;
  fh.covered = max;
  if (max < fh.datalen) return false;
  defragment(fh, read);
  fh.defragmented = true;
  fh.reassembledIn = n;
  return true;
}

/**
 * Builds fh.pieces from the fragments. When the fragments of the last defragmentation are still the first ones,
 * none was cut by its datalen and the datalen did not shrink, going through them again would give the same
 * pieces (and set the same sticky flags): it continues with the fragments added since, on the same array.
 */
function defragment(fh: FragHead, read: FrameReader): void {
  const resume = fh.dfFrags > 0 && fh.datalen >= fh.dfLen;
  const pieces: Piece[] = resume ? fh.pieces : [];
  let dfpos = resume ? fh.dfpos : 0;
  let uncut = true;
  const frags = fh.frags;
  for (let i = resume ? fh.dfFrags : 0; i < frags.length; i++) {
    const x = frags[i];
    if (!x.len) continue;
    if (x.off >= fh.datalen) {
      fh.tooLong = true;
      uncut = false;
      continue;
    }
    let fraglen = x.len;
    if (x.off + fraglen > fh.datalen) {
      fh.tooLong = true;
      uncut = false;
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
  fh.dfFrags = uncut ? frags.length : 0;
  fh.dfpos = dfpos;
  fh.dfLen = fh.datalen;
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

/**
 * The first `len` bytes the pieces describe, read from the frames (zeros where a frame cannot be read): the
 * reassembled data of a step replayed on a later pass.
 */
export function piecesBytes(pieces: readonly Piece[], len: number, read: FrameReader): Uint8Array {
  const out = new Uint8Array(len);
  let o = 0;
  for (const [frame, off, l] of pieces) {
    if (o >= len) break;
    const take = Math.min(l, len - o);
    const src = read(frame);
    if (src) out.set(src.subarray(off, off + take), o);
    o += take;
  }
  return out;
}

const EMPTY = new Uint8Array(0);

/**
 * Reassembled bytes from Assemblies.data. Every earlier call with the same `key` got a prefix of these bytes
 * (the same PDU before it grew), so a sub-dissector may continue what it parsed of those (pinfo.data
 * 'tcp.extends').
 */
export interface Extending {
  bytes: Uint8Array;
  key: object;
}

/**
 * First pass: the reassembled bytes of PDUs, kept from one reassembly to the next so that a PDU growing a
 * segment at a time (re-dissected after each) costs a copy of each segment, not of everything so far. A buffer
 * grows by doubling, and bytes once written are never changed (a PDU whose pieces changed otherwise gets a new
 * buffer): the data handed to earlier calls stays what it was. release() drops a PDU's bytes once it is
 * complete; past `budget` bytes in all (PDUs that never complete, as in a capture cut in a download), those
 * extended least recently are dropped, to be read again from the frames should they grow after all.
 */
export class Assemblies {
  /** The PDUs holding bytes, least recently extended first. */
  private readonly heads = new Set<FragHead>();
  private bytes = 0;

  constructor(private readonly budget = 64 << 20) {}

  /** The reassembled data of `fh` (fh.datalen bytes): what was kept, and the pieces added since. */
  data(fh: FragHead, read: FrameReader): Extending {
    const pieces = fh.pieces;
    let a = fh.asm;
    if (a && a.pieces !== pieces) {
      this.release(fh);
      a = undefined;
    }
    if (a) this.heads.delete(fh);
    else a = fh.asm = { pieces, count: 0, buf: EMPTY, len: 0 };
    this.heads.add(fh);
    if (fh.datalen > a.buf.length) {
      const buf = new Uint8Array(Math.max(fh.datalen, 2 * a.buf.length));
      buf.set(a.buf.subarray(0, a.len));
      this.bytes += buf.length - a.buf.length;
      a.buf = buf;
    }
    for (; a.count < pieces.length; a.count++) {
      const [frame, off, l] = pieces[a.count];
      if (a.len + l > fh.datalen) break;
      const src = read(frame);
      if (src) a.buf.set(src.subarray(off, off + l), a.len);
      a.len += l;
    }
    for (const h of this.heads) {
      if (this.bytes <= this.budget || h === fh) break;
      this.release(h);
    }
    // The pieces are exactly datalen bytes; should they not be, the data is read as a later pass would.
    if (a.count < pieces.length || a.len !== fh.datalen) {
      this.release(fh);
      return { bytes: piecesBytes(pieces, fh.datalen, read), key: {} };
    }
    // The assembly itself is the key: it is replaced whenever the bytes would change other than at their end.
    return { bytes: a.buf.subarray(0, a.len), key: a };
  }

  /** Drops the bytes kept for `fh`. */
  release(fh: FragHead): void {
    const a = fh.asm;
    if (!a) return;
    this.bytes -= a.buf.length;
    this.heads.delete(fh);
    fh.asm = undefined;
  }
}

/** The multisegment_pdus tree of one direction: exact and "greatest key ≤ seq" lookups. */
export class MspTree {
  // Made with the first MSP: most directions never have one (a client's requests, ACKs only), and an empty
  // Map still takes a few hundred bytes, per direction of every connection of the capture.
  private keys: number[] | undefined;
  private map: Map<number, Msp> | undefined;

  get(seq: number): Msp | undefined {
    return this.map?.get(seq);
  }

  /** wmem_tree_lookup32_le */
  le(seq: number): Msp | undefined {
    const k = this.keys;
    if (!k) return undefined;
    let lo = 0;
    let hi = k.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (k[mid] <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.map?.get(k[lo - 1]) : undefined;
  }

  /** pdu_store_sequencenumber_of_next_pdu (replaces an MSP stored at the same sequence number). */
  store(seq: number, nxtpdu: number, n: number): Msp {
    const msp: Msp = { seq, nxtpdu, firstFrame: n, lastFrame: n, entire: false, fh: new FragHead() };
    const map = (this.map ??= new Map());
    if (!map.has(seq)) {
      const k = (this.keys ??= []);
      let i = k.length;
      while (i > 0 && k[i - 1] > seq) i--;
      k.splice(i, 0, seq);
    }
    map.set(seq, msp);
    return msp;
  }
}
