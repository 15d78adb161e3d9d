/**
 * The TFTP file list of an open capture (File > Export Objects > TFTP, `tshark --export-objects tftp`): every
 * transfer that completed (its last, short block seen), named as tshark names it (the file name's last path
 * part, escaped like every export name), with its bytes read back from the frames that carried them.
 */
import { tftpState, type TftpTransfer } from '../protocols/l7-tftp.js';
import type { CaptureSession } from '../session/session.js';
import type { Exportable, ObjectMeta } from './export.js';
import { piecesBytes } from './pieces.js';
import { massage, NameAllocator, uriBasename } from './naming.js';

export interface TftpEntry extends ObjectMeta {
  size: number;
  record: TftpTransfer;
}

/** Every completed transfer of the capture, in the order they completed (the whole capture is analysed first). */
export function listTftp(session: CaptureSession, signal?: AbortSignal): TftpEntry[] {
  session.analyseTo(session.total, signal);
  const names = new NameAllocator(Infinity);
  return tftpState({ state: session.captureState })
    .transfers.filter((t) => t.doneFrame !== undefined)
    .sort((a, b) => (a.doneFrame ?? 0) - (b.doneFrame ?? 0))
    .map((t, index) => ({
      index,
      frame: t.doneFrame ?? t.requestFrame,
      filename: names.next(massage(uriBasename(t.file))),
      host: t.server,
      uri: t.file,
      contentType: '',
      // The file goes from the server to the client on a read, the other way on a write.
      source: t.write ? t.client : t.server,
      destination: t.write ? t.server : t.client,
      size: t.size,
      record: t,
    }));
}

/** A transfer's bytes: its data blocks in order. */
export function tftpBytes(session: CaptureSession, entry: TftpEntry): Uint8Array {
  return piecesBytes(session, entry.filename, entry.record.size, entry.record.pieces);
}

/** A transfer as exportObjects takes it: its file read back when it is written. */
export function tftpExportable(session: CaptureSession, entry: TftpEntry): Exportable {
  return { ...entry, bytes: () => tftpBytes(session, entry) };
}
