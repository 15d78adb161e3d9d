/** A file put together from pieces of frames (TFTP blocks, FTP-DATA segments), read back when it is exported. */
import type { CaptureSession } from '../session/session.js';

/** A piece of a file: in frame `frame`'s own bytes at `off` (else `bytes` holds a copy). */
export interface FramePiece {
  frame: number;
  off: number;
  len: number;
  bytes?: Uint8Array;
}

/** The `size` bytes of file `name`: its pieces in order, read from the capture (or their copies). */
export function piecesBytes(
  session: CaptureSession,
  name: string,
  size: number,
  pieces: readonly FramePiece[],
): Uint8Array {
  const cap = session.capture;
  if (!cap) throw new Error('no capture is open');
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of pieces) {
    const src = p.bytes ?? cap.readPacket(p.frame - 1).subarray(p.off, p.off + p.len);
    if (src.length !== p.len)
      throw new Error(`${name}: the data in frame ${p.frame} is shorter than when it was read`);
    out.set(src, o);
    o += p.len;
  }
  return out;
}
