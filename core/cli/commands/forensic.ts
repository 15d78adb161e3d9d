/** Forensic commands: gifs, export, hash, hashset, sig, report. */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs, UsageError, withSession, type CliIO, type Command } from '../command.js';
import { findGifDownloads } from '../../objects/gifs.js';
import {
  ObjectExporter,
  analyse,
  exportObjects,
  type HashSetVerdict,
  type ReportRow,
} from '../../objects/export.js';
import { exportable, matchesType, selectObjects } from '../../objects/select.js';
import { forEachObject, objectBytes } from '../../objects/list.js';
import { shardThreads } from '../shards.js';
import { exportSharded } from './export-shard.js';
import { emailExportable, listEmails } from '../../objects/imf.js';
import { listTftp, tftpBytes, tftpExportable } from '../../objects/tftp.js';
import { ftpBytes, ftpExportable, listFtp } from '../../objects/ftp.js';
import { listSmb, smbBytes, smbExportable } from '../../objects/smb.js';
import { findCredentials } from '../../stats/credentials.js';
import { hashFile } from '../../forensics/hash.js';
import { encodingInfo } from '../../forensics/encoding.js';
import { checkSignature, detectType } from '../../forensics/signature.js';
import { HashSetStore } from '../../forensics/hashset.js';
import { writeReport } from '../../forensics/report.js';
import { resolvedHosts } from '../../stats/hosts.js';
import { tlsHandshakes } from '../../stats/tls.js';
import { defaultDataDir } from '../../session/service.js';
import type { CaptureFile } from '../../capture/index.js';
import type { CaptureSession } from '../../session/session.js';
import type { ExportResult } from '../../api/types.js';
import { displayText } from '../../fields/text.js';

const store = () => new HashSetStore(join(defaultDataDir(), 'hashsets'));

function* packets(cap: CaptureFile): Generator<[number, Uint8Array]> {
  // Sequential reads in chunks (forEach) cannot yield; collect per chunk of 10k to bound memory.
  for (let from = 0; from < cap.index.count; from += 10_000) {
    const chunk: [number, Uint8Array][] = [];
    cap.forEach(from, Math.min(cap.index.count, from + 10_000), (i, b) => void chunk.push([i + 1, b]));
    yield* chunk;
  }
}

export const gifsCommand: Command = {
  name: 'gifs',
  summary: 'GIF downloads, exactly as the course lab script (dpkt) prints them; --by content checks bodies',
  usage: 'Usage: wirelens gifs FILE [--by request|content] [--json]',
  async run(args, io) {
    const { flags, options, positionals } = parseArgs(args, { flags: ['--json'], options: ['--by'] });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const by = options.get('--by') ?? 'request';
    if (by !== 'request' && by !== 'content') throw new UsageError('--by must be request or content');
    const file = positionals[0];
    if (by === 'request') {
      const r = await withSession(file, (s) => findGifDownloads(basename(file), packets(s.capture!)));
      io.out(flags.has('--json') ? `${JSON.stringify(r, null, 2)}\n` : `${r.lines.join('\n')}\n`);
      return 0;
    }
    // By content: every HTTP body whose magic bytes say GIF, whatever its name.
    const found = await withSession(file, async (s) => {
      const out: {
        frame: number;
        filename: string;
        uri: string;
        host: string;
        size: number;
        contentType: string;
      }[] = [];
      for (const o of selectObjects(s, {})) {
        const t = await detectType(objectBytes(s, o));
        if (t?.ext === 'gif')
          out.push({
            frame: o.frame,
            filename: o.filename,
            uri: o.uri,
            host: o.host,
            size: o.size,
            contentType: o.contentType,
          });
      }
      return out;
    });
    if (flags.has('--json')) io.out(`${JSON.stringify(found, null, 2)}\n`);
    else {
      io.out(`[*] Analysing ${basename(file)} for GIF content in HTTP bodies\n`);
      for (const g of found)
        io.out(
          // Host, URI and type are the packet's text: escaped, so no capture can send a terminal escape.
          displayText(
            `[!] frame ${g.frame}: ${g.filename} (${g.size} bytes, served as ${g.contentType || 'no type'}) from ${g.host}${g.uri}`,
          ) + '\n',
        );
      if (!found.length) io.out('No GIF content found in this file\n');
    }
    return 0;
  },
};

/** `wirelens export` on one thread: objects of any protocol, optionally chosen by a display filter. */
async function exportOneThread(
  s: CaptureSession,
  file: string,
  out: string,
  verdict: HashSetVerdict,
  opts: { protocol: 'http' | 'imf' | 'tftp' | 'ftp-data' | 'smb'; type?: string; filter?: string },
): Promise<ExportResult & { rows: ReportRow[] }> {
  const capture = async () => ({ name: basename(file), sha256: await s.fileSha256() });
  if (opts.protocol === 'imf')
    return exportObjects(listEmails(s).map(emailExportable), out, verdict, await capture());
  if (opts.protocol === 'tftp')
    return exportObjects(
      listTftp(s).map((e) => tftpExportable(s, e)),
      out,
      verdict,
      await capture(),
    );
  if (opts.protocol === 'ftp-data')
    return exportObjects(
      listFtp(s).map((e) => ftpExportable(s, e)),
      out,
      verdict,
      await capture(),
    );
  if (opts.protocol === 'smb')
    return exportObjects(listSmb(s).map(smbExportable), out, verdict, await capture());
  const { type, filter } = opts;
  // A filter's frames are known only after the whole first pass: its objects' frames are dissected again.
  if (filter)
    return exportObjects(
      selectObjects(s, { type, filter }).map((o) => exportable(s, o)),
      out,
      verdict,
      await capture(),
    );
  const ex = new ObjectExporter(out, verdict);
  await forEachObject(s, (o, data) => (type && !matchesType(o, type) ? undefined : ex.add(o, data)));
  return await ex.finish(await capture());
}

export const exportCommand: Command = {
  name: 'export',
  summary:
    'export HTTP objects, e-mails, TFTP, FTP or SMB files (like tshark --export-objects http|imf|tftp|ftp-data|smb) with report.json/report.csv',
  usage:
    'Usage: wirelens export FILE --out DIR [--type gif|image/png|…] [-Y FILTER]\n' +
    '       wirelens export FILE --out DIR --protocol imf|tftp|ftp-data|smb\n' +
    '  --protocol   http (default): HTTP bodies; imf: every e-mail sent over SMTP, as SUBJECT.eml; tftp: every\n' +
    '               file a TFTP transfer completed, under its name; ftp-data: every file an FTP RETR, STOR,\n' +
    '               STOU or APPE moved, under the name the command gave; smb: every file SMB2 read or wrote,\n' +
    '               under its path in the share',
  async run(args, io) {
    const { options, positionals } = parseArgs(args, { options: ['--out', '--type', '-Y', '--protocol'] });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const out = options.get('--out');
    if (!out) throw new UsageError('--out DIR is required');
    const protocol = options.get('--protocol') ?? 'http';
    if (
      protocol !== 'http' &&
      protocol !== 'imf' &&
      protocol !== 'tftp' &&
      protocol !== 'ftp-data' &&
      protocol !== 'smb'
    )
      throw new UsageError(`unknown object protocol "${protocol}" (http, imf, tftp, ftp-data or smb)`);
    if (protocol !== 'http' && (options.has('--type') || options.has('-Y')))
      throw new UsageError(
        `--type and -Y select HTTP objects; --protocol ${protocol} exports every ${protocol === 'imf' ? 'e-mail' : 'file'}`,
      );
    const type = options.get('--type');
    const filter = options.get('-Y');
    const hs = store();
    const verdict: HashSetVerdict = (h) => hs.verdictOf(h);
    const file = positionals[0];
    // A big capture's HTTP objects: the first pass on several threads (core/cli/shards.ts).
    const threads = protocol === 'http' && !filter ? shardThreads(file) : 1;
    const r =
      threads > 1
        ? await exportSharded(file, out, threads, verdict, (o) => !type || matchesType(o, type))
        : await withSession(
            file,
            (s) => exportOneThread(s, file, out, verdict, { protocol, type, filter }),
            true,
          );
    for (const w of r.written) io.out(`${w.filename}\t${w.size}\t${w.sha256}\n`);
    for (const f of r.failed) io.err(`wirelens export: ${f.filename}: ${f.reason}\n`);
    const reports = (r.reports ?? []).map((p) => basename(p)).join(', ');
    io.err(
      `wirelens export: ${r.written.length} object(s) written to ${r.dir}${r.failed.length ? `, ${r.failed.length} failed` : ''}${reports ? ` (report: ${reports})` : ''}\n`,
    );
    return r.failed.length ? 1 : 0;
  },
};

async function hashOne(path: string, io: CliIO, json: boolean): Promise<boolean> {
  try {
    const h = await hashFile(path);
    const head = readFileSync(path).subarray(0, 1 << 20);
    const enc = statSync(path).size <= 64 << 20 ? encodingInfo(readFileSync(path)) : encodingInfo(head);
    const verdict = store().verdictOf(h);
    if (json)
      io.out(
        `${JSON.stringify({ file: path, size: h.size, md5: h.md5, sha1: h.sha1, sha256: h.sha256, encoding: enc.encoding, textHashes: enc.textHashes, hashSet: verdict })}\n`,
      );
    else {
      io.out(
        `${path}\n  size     ${h.size}\n  MD5      ${h.md5}\n  SHA-1    ${h.sha1}\n  SHA-256  ${h.sha256}\n  encoding ${enc.encoding}\n`,
      );
      if (enc.textHashes)
        io.out(
          `  text MD5 ${enc.textHashes.md5}  (decoded text as UTF-8 without BOM)\n  text SHA-256 ${enc.textHashes.sha256}\n`,
        );
      io.out(`  hash set ${verdict}\n`);
    }
    return true;
  } catch (e) {
    io.err(`wirelens hash: ${path}: ${(e as Error).message}\n`);
    return false;
  }
}

export const hashCommand: Command = {
  name: 'hash',
  summary: 'MD5, SHA-1, SHA-256, text encoding and text hash of files; hash-set verdict',
  usage: 'Usage: wirelens hash FILE… [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { flags: ['--json'] });
    if (!positionals.length) throw new UsageError('expected at least one FILE');
    let ok = true;
    for (const p of positionals) ok = (await hashOne(p, io, flags.has('--json'))) && ok;
    return ok ? 0 : 1;
  },
};

export const hashsetCommand: Command = {
  name: 'hashset',
  summary: 'import and query hash sets (plain lists, hashdeep, NSRL RDS): known-bad / known-good',
  usage:
    'Usage: wirelens hashset import NAME FILE [--known-bad|--known-good]\n' +
    '       wirelens hashset lookup HASH…\n' +
    '       wirelens hashset list',
  async run(args, io) {
    const [sub, ...rest] = args;
    const hs = store();
    if (sub === 'import') {
      const { flags, positionals } = parseArgs(rest, { flags: ['--known-bad', '--known-good'] });
      if (positionals.length !== 2) throw new UsageError('expected NAME FILE');
      const kind = flags.has('--known-good') ? 'known-good' : 'known-bad';
      const t0 = performance.now();
      const r = await hs.importFile(positionals[0], positionals[1], kind);
      io.out(
        `imported ${r.name} (${r.kind}, ${r.format}): ${r.counts.md5} MD5, ${r.counts.sha1} SHA-1, ${r.counts.sha256} SHA-256 from ${r.lines} lines in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`,
      );
      if (r.badLines) {
        io.out(`${r.badLines} line(s) were not hashes and were skipped:\n`);
        for (const b of r.bad) io.out(`  line ${b.line}: ${b.reason}\n`);
        if (r.badLines > r.bad.length) io.out(`  … and ${r.badLines - r.bad.length} more\n`);
      }
      return 0;
    }
    if (sub === 'lookup') {
      if (!rest.length) throw new UsageError('expected at least one HASH');
      for (const h of rest) {
        const r = hs.lookup(h.toLowerCase());
        io.out(`${h}\t${r.verdict}${r.sets.length ? `\t${r.sets.join(',')}` : ''}\n`);
      }
      return 0;
    }
    if (sub === 'list') {
      for (const s of hs.list())
        io.out(
          `${s.name}\t${s.kind}\tMD5 ${s.counts.md5}\tSHA-1 ${s.counts.sha1}\tSHA-256 ${s.counts.sha256}\t${s.importedAt}\t${s.source}\n`,
        );
      return 0;
    }
    throw new UsageError('expected import, lookup or list');
  },
};

export const sigCommand: Command = {
  name: 'sig',
  summary: 'file signature (magic bytes) against extension: flags a PNG named .gif',
  usage: 'Usage: wirelens sig FILE… [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { flags: ['--json'] });
    if (!positionals.length) throw new UsageError('expected at least one FILE');
    let status = 0;
    for (const p of positionals) {
      try {
        const fd = readFileSync(p);
        const s = await checkSignature(fd.subarray(0, 1 << 20), basename(p));
        if (flags.has('--json')) io.out(`${JSON.stringify({ file: p, ...s })}\n`);
        else
          io.out(
            `${p}\t${s.detected ? `${s.detected.ext} (${s.detected.mime})` : 'unknown'}\t.${s.extension || '(none)'}\t${s.verdict}${s.reason ? `\t${s.reason}` : ''}\n`,
          );
      } catch (e) {
        io.err(`wirelens sig: ${p}: ${(e as Error).message}\n`);
        status = 1;
      }
    }
    return status;
  },
};

export const reportCommand: Command = {
  name: 'report',
  summary:
    'evidence report (JSON, CSV, self-contained HTML): capture identity, objects, e-mails and TFTP/FTP/SMB files, hashes, verdicts, credentials, resolved addresses, GIFs',
  usage: 'Usage: wirelens report FILE --out DIR',
  async run(args, io) {
    const { options, positionals } = parseArgs(args, { options: ['--out'] });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const out = options.get('--out');
    if (!out) throw new UsageError('--out DIR is required');
    mkdirSync(out, { recursive: true });
    const files = await withSession(
      positionals[0],
      async (s) => {
        await s.fileSha256();
        const capture = s.info();
        const hs = store();
        const thumbs = new Map<string, Uint8Array>();
        const rows: ReportRow[] = [];
        await forEachObject(s, async (o, data) => {
          rows.push(await analyse(o, data, (h) => hs.verdictOf(h)));
          if (data.length <= 256 * 1024) thumbs.set(o.filename, data);
        });
        // E-mails sent over SMTP are evidence too: each message with its hashes, as export --protocol imf names it;
        // and so are the files TFTP, FTP and SMB moved (export --protocol tftp / ftp-data / smb).
        for (const m of listEmails(s)) rows.push(await analyse(m, m.record.bytes, (h) => hs.verdictOf(h)));
        for (const t of listTftp(s)) rows.push(await analyse(t, tftpBytes(s, t), (h) => hs.verdictOf(h)));
        for (const f of listFtp(s)) rows.push(await analyse(f, ftpBytes(s, f), (h) => hs.verdictOf(h)));
        for (const f of listSmb(s)) rows.push(await analyse(f, smbBytes(f), (h) => hs.verdictOf(h)));
        const gifs = findGifDownloads(basename(positionals[0]), packets(s.capture!)).findings;
        const credentials = findCredentials(s);
        const hosts = resolvedHosts(s).list();
        const tls = tlsHandshakes(s);
        return writeReport(
          out,
          {
            tool: 'Wirelens 0.1.0',
            generatedAt: new Date().toISOString(),
            capture,
            objects: rows,
            credentials,
            hosts,
            tls,
            gifs,
          },
          thumbs,
        );
      },
      true,
    );
    for (const f of files) io.out(`${f}\n`);
    return 0;
  },
};
