/**
 * File signatures: the real type from magic bytes (file-type, plus our own table for capture formats and text),
 * compared with the file name's extension and the HTTP Content-Type. A PNG served as x.gif with image/gif is a
 * mismatch.
 */
import type { SignatureInfo } from '../api/types.js';
import { detectEncoding } from './encoding.js';

export interface Detected {
  ext: string;
  mime: string;
  description?: string;
}

/** Magic numbers file-type does not know, or that investigators meet in captures. */
const OWN: { ext: string; mime: string; description: string; test: (b: Uint8Array) => boolean }[] = [
  {
    ext: 'pcapng',
    mime: 'application/x-pcapng',
    description: 'pcapng capture',
    test: (b) => b.length >= 12 && b[0] === 0x0a && b[1] === 0x0d && b[2] === 0x0d && b[3] === 0x0a,
  },
  {
    ext: 'pcap',
    mime: 'application/vnd.tcpdump.pcap',
    description: 'pcap capture',
    test: (b) => {
      const m = b.length >= 4 ? ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0 : 0;
      return m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1;
    },
  },
  {
    ext: 'gif',
    mime: 'image/gif',
    description: 'GIF image',
    test: (b) => /^GIF8[79]a/.test(String.fromCharCode(...b.subarray(0, 6))),
  },
];

/** Extensions that mean the same type. */
const SAME: Record<string, string> = {
  jpeg: 'jpg',
  jpe: 'jpg',
  tif: 'tiff',
  htm: 'html',
  cap: 'pcap',
  txt: 'text',
  text: 'text',
  csv: 'text',
  log: 'text',
  md: 'text',
  json: 'text',
  xml: 'text',
  html: 'text',
  css: 'text',
  js: 'text',
  // An e-mail (Internet Message Format) is text.
  eml: 'text',
};
const norm = (e: string) => SAME[e.toLowerCase()] ?? e.toLowerCase();

export async function detectType(b: Uint8Array): Promise<Detected | undefined> {
  for (const o of OWN) if (o.test(b)) return { ext: o.ext, mime: o.mime, description: o.description };
  // Loaded on first use: ~35 ms of every command's start otherwise (list and filters never need it).
  const { fileTypeFromBuffer } = await import('file-type');
  const ft = await fileTypeFromBuffer(b).catch(() => undefined);
  if (ft) return { ext: ft.ext, mime: ft.mime };
  const enc = detectEncoding(b.subarray(0, 65536));
  if (enc !== 'binary' && b.length > 0) {
    const head = new TextDecoder().decode(b.subarray(0, 512)).trimStart().toLowerCase();
    if (head.startsWith('<!doctype html') || head.startsWith('<html'))
      return { ext: 'html', mime: 'text/html', description: `HTML text (${enc})` };
    return { ext: 'txt', mime: 'text/plain', description: `text (${enc})` };
  }
  return undefined;
}

export function extensionOf(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? name;
  const clean = base.split(/%3f|\?/i)[0];
  const dot = clean.lastIndexOf('.');
  return dot > 0 ? clean.slice(dot + 1).toLowerCase() : '';
}

/** Compares magic bytes with the extension and (optionally) the Content-Type. */
export async function checkSignature(
  b: Uint8Array,
  name: string,
  contentType?: string,
): Promise<SignatureInfo> {
  return signatureVerdict(await detectType(b), name, contentType);
}

/** The verdict on a type detected from the content (detectType) for a file `name` served as `contentType`. */
export function signatureVerdict(
  detected: Detected | undefined,
  name: string,
  contentType?: string,
): SignatureInfo {
  const extension = extensionOf(name);
  const info: SignatureInfo = { extension, verdict: 'unknown' };
  if (detected) info.detected = detected;
  if (contentType) info.contentType = contentType;
  if (!detected) {
    info.reason = 'the content has no known signature';
    return info;
  }
  const problems: string[] = [];
  const isText = detected.mime.startsWith('text/');
  if (extension && norm(extension) !== norm(detected.ext) && !(isText && norm(extension) === 'text')) {
    problems.push(
      `content is ${detected.ext.toUpperCase()} (${detected.mime}) but the name ends in .${extension}`,
    );
  }
  const ct = contentType?.split(';')[0].trim().toLowerCase();
  if (
    ct &&
    ct !== detected.mime &&
    !(isText && (ct.startsWith('text/') || ct === 'message/rfc822')) &&
    ct !== 'application/octet-stream'
  ) {
    problems.push(`content is ${detected.mime} but it was served as ${ct}`);
  }
  info.verdict = problems.length ? 'mismatch' : 'match';
  if (problems.length) info.reason = problems.join('; ');
  return info;
}
