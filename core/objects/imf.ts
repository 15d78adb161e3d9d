/**
 * The e-mail list of an open capture (File > Export Objects > IMF, `tshark --export-objects imf`): every message
 * a client sent over SMTP, and every one a POP3 RETR fetched (tshark lists none of those), named as tshark names
 * them (the subject, ".eml"), with their bytes as sent (a fetched one dot-unstuffed).
 */
import { emailRecords, type EmailRecord } from '../protocols/l7-smtp.js';
import type { CaptureSession } from '../session/session.js';
import type { Exportable, ObjectMeta } from './export.js';
import { NameAllocator } from './naming.js';

export interface EmailEntry extends ObjectMeta {
  from: string;
  to: string;
  subject: string;
  size: number;
  record: EmailRecord;
}

/** The content type an exported message has (a whole Internet Message). */
export const EMAIL_CONTENT_TYPE = 'message/rfc822';

/** Every message of the capture, in frame order (the whole capture is analysed first). */
export function listEmails(session: CaptureSession, signal?: AbortSignal): EmailEntry[] {
  session.analyseTo(session.total, signal);
  // Never capped: every message keeps a name of its own (tshark stops counting duplicates at 1000).
  const names = new NameAllocator(Infinity);
  return emailRecords({ state: session.captureState }).map((r, index) => ({
    index,
    frame: r.frame,
    filename: names.next(`${r.subject}.eml`),
    host: '',
    uri: '',
    contentType: EMAIL_CONTENT_TYPE,
    source: r.source,
    destination: r.destination,
    from: r.from,
    to: r.to,
    subject: r.subject,
    size: r.bytes.length,
    record: r,
  }));
}

/** A message as exportObjects takes it (its bytes as sent). */
export function emailExportable(entry: EmailEntry): Exportable {
  return { ...entry, bytes: () => entry.record.bytes };
}
