/**
 * The SMB file list of an open capture (File > Export Objects > SMB, `tshark --export-objects smb`): every file
 * an SMB2 Read returned or a Write sent, in the order its data first came, named after its path in the share
 * ("\docs\report.pdf", escaped like every export name: "%5cdocs%5creport.pdf"), its bytes put together by
 * offset. A part never read stays zero bytes, as in tshark's export.
 */
import { smbState, type SmbFile } from '../protocols/l7-smb.js';
import type { CaptureSession } from '../session/session.js';
import type { Exportable, ObjectMeta } from './export.js';
import { massage, NameAllocator } from './naming.js';

export interface SmbEntry extends ObjectMeta {
  size: number;
  record: SmbFile;
}

/** Every file of the capture (the whole capture is analysed first). */
export function listSmb(session: CaptureSession, signal?: AbortSignal): SmbEntry[] {
  session.analyseTo(session.total, signal);
  const names = new NameAllocator(Infinity);
  return [...smbState({ state: session.captureState }).files.values()]
    .sort((a, b) => a.frame - b.frame)
    .map((f, index) => {
      const read = f.reads > 0;
      return {
        index,
        frame: f.frame,
        filename: names.next(massage(f.name)),
        host: f.server,
        uri: f.name,
        contentType: 'SMB file',
        // What was read goes from the server to the client; what was written, the other way.
        source: read ? f.server : f.client,
        destination: read ? f.client : f.server,
        size: f.size,
        record: f,
      };
    });
}

/** A file's bytes: each piece at its offset. */
export function smbBytes(entry: SmbEntry): Uint8Array {
  const out = new Uint8Array(entry.record.size);
  for (const p of entry.record.pieces) out.set(p.bytes, p.offset);
  return out;
}

/** A file as exportObjects takes it. */
export function smbExportable(entry: SmbEntry): Exportable {
  return { ...entry, bytes: () => smbBytes(entry) };
}
