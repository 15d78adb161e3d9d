/**
 * PacketIndex: one entry per packet in typed arrays (no object per packet): file offset of the packet data
 * (Float64Array: exact up to 2^53, so > 4 GiB files work), captured and original length, timestamp seconds +
 * nanoseconds, interface. 26 bytes per packet (up to a third more before trim()); comments live in a sparse map.
 */
import { resized } from '../bytes/byteview.js';

export class PacketIndex {
  private offsets = new Float64Array(1024);
  private cap = new Uint32Array(1024);
  private orig = new Uint32Array(1024);
  private sec = new Uint32Array(1024);
  private nsec = new Uint32Array(1024);
  private ifc = new Uint16Array(1024);
  private readonly notes = new Map<number, string[]>();
  /** pcapng packet flags (epb_flags), for the packets that have them. */
  private readonly epbFlags = new Map<number, number>();
  count = 0;
  /** The captured bytes of the packets indexed (their capLen summed). */
  capturedBytes = 0;

  push(
    offset: number,
    capLen: number,
    origLen: number,
    tsSec: number,
    tsNsec: number,
    iface: number,
  ): number {
    if (this.count === this.offsets.length) this.grow(this.count * 2);
    const i = this.count++;
    this.offsets[i] = offset;
    this.cap[i] = capLen;
    this.capturedBytes += capLen;
    this.orig[i] = origLen;
    this.sec[i] = tsSec;
    this.nsec[i] = tsNsec;
    this.ifc[i] = iface;
    return i;
  }

  addComments(i: number, comments: string[]): void {
    if (comments.length) this.notes.set(i, comments);
  }

  addFlags(i: number, flags: number): void {
    this.epbFlags.set(i, flags);
  }

  /** Packets there is room for (at least `count`; reserve() sets it to what the file likely holds). */
  get capacity(): number {
    return this.offsets.length;
  }

  /** Makes room for `n` packets in all (one allocation instead of doubling up to them; trim() gives back the rest). */
  reserve(n: number): void {
    if (n > this.offsets.length) this.grow(n);
  }

  private grow(n: number): void {
    this.offsets = resized(this.offsets, n);
    this.cap = resized(this.cap, n);
    this.orig = resized(this.orig, n);
    this.sec = resized(this.sec, n);
    this.nsec = resized(this.nsec, n);
    this.ifc = resized(this.ifc, n);
  }

  /**
   * Releases the unused tail of the arrays when it is more than a quarter of them (the room reserve() makes is
   * the file's estimate and a tenth more: copying ~26 MB a million packets to give back a tenth is not worth it).
   */
  trim(): void {
    if (this.offsets.length - this.count > this.offsets.length / 4) this.grow(Math.max(1, this.count));
  }

  offset(i: number): number {
    return this.offsets[i];
  }
  capLen(i: number): number {
    return this.cap[i];
  }
  origLen(i: number): number {
    return this.orig[i];
  }
  tsSec(i: number): number {
    return this.sec[i];
  }
  tsNsec(i: number): number {
    return this.nsec[i];
  }
  iface(i: number): number {
    return this.ifc[i];
  }
  comments(i: number): string[] | undefined {
    return this.notes.get(i);
  }
  flags(i: number): number | undefined {
    return this.epbFlags.get(i);
  }

  /** Resident bytes per packet of the typed arrays. */
  bytesPerPacket(): number {
    const total =
      this.offsets.byteLength +
      this.cap.byteLength +
      this.orig.byteLength +
      this.sec.byteLength +
      this.nsec.byteLength +
      this.ifc.byteLength;
    return this.count ? total / this.count : 0;
  }
}
