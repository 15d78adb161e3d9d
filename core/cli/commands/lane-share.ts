/**
 * One lane's share of a fast-lane pass (list-fast.ts): the rows of the frames it is given, for every address
 * pair it has not given up on, written to a RowOut (core/fastlane/records.ts). The thread reading the capture
 * has one (for TCP); the thread formatting the rows (lane-thread.ts) may have another, for the frames it is sent
 * (those without TCP). What the lane remembers about TCP connections and about the other protocols is apart, so
 * each share gives the rows one lane would give; QUIC's watch, the one thing learnt across conversations, comes
 * with each frame sent. A pair either share gives up on is the engine's whole.
 */
import { FastLane } from '../../fastlane/lane.js';
import type { RowOut } from '../../fastlane/records.js';
import { PairSet } from '../../fastlane/pairs.js';
import { tsvLine } from './list-rows.js';
import { displayText, printableAscii } from '../../fields/text.js';

/** How a share lists its rows. */
export interface ShareOptions {
  /** false when TLS may be decrypted (the engine's then: see FastLane). */
  tls: boolean;
  out: RowOut;
  /** Text rows instead of TSV: the row of frame i from the lane's columns (made whole by FastLane.texts()). */
  text?: (i: number, lane: FastLane) => string;
  /** Rows only of the frames this accepts (a display filter), asked once the lane vouched for the frame. */
  accept?: (i: number, bytes: Uint8Array, lane: FastLane) => boolean;
  /** Rows not kept, only counted (an empty row each). */
  count?: boolean;
}

export class LaneShare {
  readonly fast: FastLane;
  readonly givenUp = new PairSet();

  constructor(private readonly opts: ShareOptions) {
    this.fast = new FastLane({ tls: opts.tls });
  }

  /**
   * Frame i of pair `h`: `bytes` captured of `len` on the wire, `sec` s + `ns` ns after the first frame. Its row
   * goes out, or, when the lane cannot vouch for it, the pair is given up (its rows so far are then not to be
   * used: see list-fast.ts).
   */
  frame(i: number, h: number, bytes: Uint8Array, len: number, sec: number, ns: number): void {
    if (this.givenUp.has(h)) return;
    const fast = this.fast;
    if (bytes.length !== len || !fast.row(i + 1, bytes)) {
      this.givenUp.add(h);
      return;
    }
    const { out, text, accept, count } = this.opts;
    if (accept && !accept(i, bytes, fast)) return;
    if (count) out.line(i, '');
    else if (text) out.line(i, text(i, fast));
    else {
      // A TSV row from its parts: the same text as tsvRow of the session's row (addresses and protocol names the
      // lane gives, and its own Info texts, have nothing to escape); a plain one (or one whose Info is printable
      // ASCII) as a record of numbers and bytes.
      const c = fast.cols;
      if (c.plain || printableAscii(c.info)) out.plain(i, sec, ns, len, c, fast.ipv6Addresses());
      else {
        const t = fast.texts();
        out.line(
          i,
          tsvLine(i + 1, sec + ns / 1e9, t.source, t.destination, t.protocol, len, displayText(t.info)),
        );
      }
    }
  }
}
