/** Service handlers for objects, hashing, signatures, found GIFs and follow stream. */
import { basename, join } from 'node:path';
import type { MethodName, Req, Res } from '../api/methods.js';
import type { HttpObject, ObjectAnalysis } from '../api/types.js';
import type { CaptureSession } from './session.js';
import type { Emit } from './service.js';
import { SessionError } from './session.js';
import { listObjects, objectBytes, type ObjectEntry } from '../objects/list.js';
import { exportObjects, type Exportable } from '../objects/export.js';
import { emailExportable, listEmails, type EmailEntry } from '../objects/imf.js';
import { listTftp, tftpBytes, tftpExportable, type TftpEntry } from '../objects/tftp.js';
import { ftpBytes, ftpExportable, listFtp, type FtpEntry } from '../objects/ftp.js';
import { listSmb, smbBytes, smbExportable, type SmbEntry } from '../objects/smb.js';
import { exportable, matchesType } from '../objects/select.js';
import { findGifDownloads } from '../objects/gifs.js';
import { hashBytes } from '../forensics/hash.js';
import { encodingInfo } from '../forensics/encoding.js';
import { checkSignature } from '../forensics/signature.js';
import { HashSetStore } from '../forensics/hashset.js';
import { followStream } from '../stats/run.js';

type ForensicMethods =
  'objects' | 'objectBytes' | 'analyseObjects' | 'exportObjects' | 'gifs' | 'hashFile' | 'follow';
type Handler<M extends MethodName> = (req: Req<M>) => Res<M> | Promise<Res<M>>;

/** An object list entry as it crosses the API: without the engine's record behind it. */
const plain = (o: ObjectEntry | EmailEntry | TftpEntry | FtpEntry | SmbEntry): HttpObject => {
  const { record: _record, ...rest } = o;
  return rest;
};

export function forensicHandlers(
  session: CaptureSession,
  ctx: { dataDir: string; emit: Emit },
): { [M in ForensicMethods]: Handler<M> } {
  const hashSets = new HashSetStore(join(ctx.dataDir, 'hashsets'));
  const need = () => {
    if (!session.capture) throw new SessionError('no capture is open');
    return session.capture;
  };
  const objects = () => {
    need();
    return listObjects(session);
  };
  const emails = () => {
    need();
    return listEmails(session);
  };
  const tftpFiles = () => {
    need();
    return listTftp(session);
  };
  const ftpFiles = () => {
    need();
    return listFtp(session);
  };
  const smbFiles = () => {
    need();
    return listSmb(session);
  };
  const byIndex = <T>(list: readonly T[], index: number, what: string): T => {
    const o = list[index];
    if (!o) throw new SessionError(`there is no ${what} ${index}`);
    return o;
  };
  return {
    objects: ({ protocol }) =>
      (protocol === 'imf'
        ? emails()
        : protocol === 'tftp'
          ? tftpFiles()
          : protocol === 'ftp-data'
            ? ftpFiles()
            : protocol === 'smb'
              ? smbFiles()
              : objects()
      ).map(plain),
    objectBytes: ({ index, protocol }) =>
      protocol === 'imf'
        ? byIndex(emails(), index, 'e-mail').record.bytes
        : protocol === 'tftp'
          ? tftpBytes(session, byIndex(tftpFiles(), index, 'TFTP file'))
          : protocol === 'ftp-data'
            ? ftpBytes(session, byIndex(ftpFiles(), index, 'FTP file'))
            : protocol === 'smb'
              ? smbBytes(byIndex(smbFiles(), index, 'SMB file'))
              : objectBytes(session, byIndex(objects(), index, 'object')),
    analyseObjects: async () => {
      const out: ObjectAnalysis[] = [];
      const add = async (
        protocol: ObjectAnalysis['protocol'],
        o: ObjectEntry | TftpEntry | FtpEntry | SmbEntry,
        data: Uint8Array,
      ) => {
        const hashes = hashBytes(data);
        out.push({
          protocol,
          object: plain(o),
          hashes,
          // A file FTP, TFTP or SMB moved has no Content-Type: its magic bytes are checked against its name alone.
          signature: await checkSignature(data, o.filename, protocol === 'http' ? o.contentType : undefined),
          encoding: encodingInfo(data),
          hashSet: hashSets.verdictOf(hashes),
        });
      };
      // Every file the capture carried: HTTP bodies, and the files TFTP, FTP and SMB moved.
      for (const o of objects()) await add('http', o, objectBytes(session, o));
      for (const t of tftpFiles()) await add('tftp', t, tftpBytes(session, t));
      for (const f of ftpFiles()) await add('ftp-data', f, ftpBytes(session, f));
      for (const f of smbFiles()) await add('smb', f, smbBytes(f));
      // Mismatches first, as an investigator wants them; then in list order.
      const order = { http: 0, tftp: 1, 'ftp-data': 2, smb: 3 };
      return out.sort(
        (a, b) =>
          Number(b.signature.verdict === 'mismatch') - Number(a.signature.verdict === 'mismatch') ||
          order[a.protocol] - order[b.protocol] ||
          a.object.index - b.object.index,
      );
    },
    exportObjects: async ({ dir, indices, type, protocol }) => {
      const want = indices && new Set(indices);
      const chosen = <T extends { index: number }>(list: T[]) =>
        want ? list.filter((o) => want.has(o.index)) : list;
      const list: Exportable[] =
        protocol === 'imf'
          ? chosen(emails()).map(emailExportable)
          : protocol === 'tftp'
            ? chosen(tftpFiles()).map((e) => tftpExportable(session, e))
            : protocol === 'ftp-data'
              ? chosen(ftpFiles()).map((e) => ftpExportable(session, e))
              : protocol === 'smb'
                ? chosen(smbFiles()).map(smbExportable)
                : chosen(objects())
                    .filter((o) => !type || matchesType(o, type))
                    .map((o) => exportable(session, o));
      const sha = await session.fileSha256();
      const r = await exportObjects(list, dir, (h) => hashSets.verdictOf(h), {
        name: basename(need().path),
        sha256: sha,
      });
      return { dir: r.dir, written: r.written, failed: r.failed, reports: r.reports };
    },
    gifs: () => {
      const cap = need();
      const pkts: [number, Uint8Array][] = [];
      cap.forEach(0, cap.index.count, (i, b) => void pkts.push([i + 1, b]));
      return findGifDownloads(basename(cap.path), pkts);
    },
    hashFile: async ({ name, bytes }) => {
      const hashes = hashBytes(bytes);
      return {
        name,
        size: bytes.length,
        hashes,
        encoding: encodingInfo(bytes),
        signature: await checkSignature(bytes.subarray(0, 1 << 20), name),
        hashSet: hashSets.verdictOf(hashes),
      };
    },
    follow: ({ stream, proto }) => {
      need();
      return followStream(session, proto ?? 'tcp', stream);
    },
  };
}
