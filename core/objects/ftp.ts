/**
 * The FTP-DATA file list of an open capture (File > Export Objects > FTP-DATA, `tshark --export-objects
 * ftp-data`): every file a RETR, STOR, STOU or APPE moved over a data connection, in the order its data began,
 * named after the command's argument (escaped like every export name), with its bytes read back from the frames
 * that carried them — all of each frame's data, in capture order, as tshark takes it.
 */
import { ftpState, type FtpFile } from '../protocols/l7-ftp.js';
import type { CaptureSession } from '../session/session.js';
import type { Exportable, ObjectMeta } from './export.js';
import { piecesBytes } from './pieces.js';
import { massage, NameAllocator } from './naming.js';

export interface FtpEntry extends ObjectMeta {
  size: number;
  record: FtpFile;
}

/** Every file of the capture (the whole capture is analysed first). */
export function listFtp(session: CaptureSession, signal?: AbortSignal): FtpEntry[] {
  session.analyseTo(session.total, signal);
  const names = new NameAllocator(Infinity);
  return [...ftpState({ state: session.captureState }).files.values()]
    .sort((a, b) => a.frame - b.frame)
    .map((f, index) => ({
      index,
      frame: f.frame,
      filename: names.next(massage(f.name)),
      host: f.source,
      uri: f.name,
      contentType: 'FTP file',
      source: f.source,
      destination: f.destination,
      size: f.size,
      record: f,
    }));
}

/** A file's bytes: its frames' data in order. */
export function ftpBytes(session: CaptureSession, entry: FtpEntry): Uint8Array {
  return piecesBytes(session, entry.filename, entry.record.size, entry.record.pieces);
}

/** A file as exportObjects takes it: its bytes read back when it is written. */
export function ftpExportable(session: CaptureSession, entry: FtpEntry): Exportable {
  return { ...entry, bytes: () => ftpBytes(session, entry) };
}
