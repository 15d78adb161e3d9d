/**
 * The evidence report: capture identity, every object with hashes, signature and hash-set verdicts, the
 * credentials sent in the clear, the names the capture gives addresses, the TLS handshakes (names, JA3/JA3S,
 * certificates), and the found-GIFs list, as report.json,
 * report.csv and one self-contained report.html (images inline as data: URIs, everything escaped — object names
 * and URIs come from the capture and are hostile by default).
 */
import { writeNewSet } from './safe-write.js';
import type { CaptureInfo, Credential, GifFinding, ResolvedHost, TlsHandshake } from '../api/types.js';
import { reportCsv, type ReportRow } from '../objects/export.js';

export interface EvidenceReport {
  tool: string;
  generatedAt: string;
  capture: CaptureInfo;
  objects: ReportRow[];
  /** Logins sent in the clear (FTP, HTTP Basic, SMTP AUTH), with their packets. */
  credentials: Credential[];
  /** The names the capture gives addresses (DNS answers, pcapng name records): who the addresses were. */
  hosts: ResolvedHost[];
  /** The TLS handshakes: who spoke TLS to whom, the names, fingerprints and certificates. */
  tls: TlsHandshake[];
  gifs: GifFinding[];
}

const esc = (s: string | number) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const IMAGE_MIME = new Set(['image/gif', 'image/png', 'image/jpeg', 'image/webp', 'image/bmp']);

export function reportHtml(r: EvidenceReport, thumbnails: Map<string, Uint8Array>): string {
  const c = r.capture;
  const rows = r.objects
    .map((o) => {
      const img = thumbnails.get(o.object);
      const mime = o.detectedType;
      const thumb =
        img && IMAGE_MIME.has(mime)
          ? `<img alt="" src="data:${mime};base64,${Buffer.from(img).toString('base64')}">`
          : '';
      const cls = o.signature === 'mismatch' || o.hashSet === 'known-bad' ? ' class="alert"' : '';
      return `<tr${cls}><td>${thumb}</td><td>${esc(o.object)}</td><td>${o.frame}</td><td>${esc(o.host)}</td><td class="uri">${esc(o.uri)}</td><td>${esc(o.contentType)}</td><td>${esc(mime)}</td><td>${o.size}</td><td class="h">${o.md5}<br>${o.sha1}<br>${o.sha256}</td><td>${esc(o.signature)}${o.signatureReason ? `<br><small>${esc(o.signatureReason)}</small>` : ''}</td><td>${esc(o.hashSet)}</td></tr>`;
    })
    .join('\n');
  const gifs = r.gifs.length
    ? r.gifs.map((g) => `<li>frame ${g.frame}: <code>${esc(g.line)}</code></li>`).join('\n')
    : '<li>No gif downloads found in this file</li>';
  const credentials = r.credentials
    .map(
      (c) =>
        `<tr><td>${c.frame}</td><td>${esc(c.protocol)}</td><td>${esc(c.username)}</td><td><code>${esc(c.hash !== undefined ? `${c.info}: ${c.hash}` : c.password)}</code>${c.rejected ? ' (refused by the server)' : ''}</td><td>${c.usernameFrame ?? ''}</td></tr>`,
    )
    .join('\n');
  const hosts = r.hosts
    .map(
      (h) =>
        `<tr><td>${esc(h.address)}</td><td>${esc(h.name)}</td><td>${h.frame ?? "the capture file's name records"}</td></tr>`,
    )
    .join('\n');
  const tls = r.tls
    .map(
      (h) =>
        `<tr><td>${h.frame}</td><td>${esc(h.client)}</td><td>${esc(h.server)}</td><td>${esc(h.sni)}</td><td>${esc([h.version, h.cipherSuite].filter(Boolean).join(' '))}</td><td class="h">${esc(h.ja3)}<br>${esc(h.ja3s)}</td><td>${esc(h.subject)}${h.issuer ? `<br><small>issued by ${esc(h.issuer)}</small>` : ''}</td><td>${esc(h.notBefore)}${h.notAfter ? ` – ${esc(h.notAfter)}` : ''}</td></tr>`,
    )
    .join('\n');
  const t = (x?: number) => (x === undefined ? 'n/a' : new Date(x * 1000).toISOString());
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>Wirelens evidence report — ${esc(c.name)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3}.h{font:11px monospace;word-break:break-all}.uri{word-break:break-all;max-width:24em}
img{max-width:96px;max-height:96px;image-rendering:pixelated}tr.alert{background:#ffe9e6}dl{display:grid;grid-template-columns:max-content auto;gap:2px 1em}dt{font-weight:600}
</style></head><body>
<h1>Wirelens evidence report</h1>
<dl>
<dt>Capture</dt><dd>${esc(c.name)}</dd>
<dt>Path</dt><dd>${esc(c.path)}</dd>
<dt>Size</dt><dd>${c.size} bytes</dd>
<dt>SHA-256</dt><dd class="h">${esc(c.sha256 ?? 'n/a')}</dd>
<dt>Format</dt><dd>${esc(c.format)}${c.gzip ? ' (gzip)' : ''}</dd>
${c.tlsSecretsInCapture ? `<dt>TLS secrets</dt><dd>${c.tlsSecretsInCapture} in the capture's Decryption Secrets Blocks</dd>` : ''}
${c.tlsKeyLog ? `<dt>TLS key log</dt><dd>${esc(c.tlsKeyLog.name)} (${c.tlsKeyLog.secrets} secrets), SHA-256 <span class="h">${c.tlsKeyLog.sha256}</span></dd>` : ''}
<dt>Packets</dt><dd>${c.packets}</dd>
<dt>First packet</dt><dd>${t(c.firstTime)}</dd>
<dt>Last packet</dt><dd>${t(c.lastTime)}</dd>
<dt>Generated</dt><dd>${esc(r.generatedAt)} by ${esc(r.tool)}</dd>
</dl>
${c.warnings.length ? `<p><strong>Warnings:</strong> ${c.warnings.map(esc).join('<br>')}</p>` : ''}
<h2>Objects (${r.objects.length})</h2>
<table><thead><tr><th></th><th>Object</th><th>Frame</th><th>Host</th><th>URI</th><th>Content-Type</th><th>Detected</th><th>Size</th><th>MD5 / SHA-1 / SHA-256</th><th>Signature</th><th>Hash set</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Credentials in the clear (${r.credentials.length})</h2>
${r.credentials.length ? `<table><thead><tr><th>Frame</th><th>Protocol</th><th>Username</th><th>Password</th><th>Username in frame</th></tr></thead>\n<tbody>\n${credentials}\n</tbody></table>` : '<p>None: no FTP, POP3, IMAP, Telnet or LDAP login, HTTP Basic authorization, login form or password field, SMTP AUTH, SNMP community, NTLMSSP login or crackable Kerberos or SNMPv3 exchange in this capture.</p>'}
<h2>Resolved addresses (${r.hosts.length})</h2>
${r.hosts.length ? `<table><thead><tr><th>Address</th><th>Name</th><th>Named in frame</th></tr></thead>\n<tbody>\n${hosts}\n</tbody></table>` : '<p>None: no DNS, mDNS or LLMNR answer with an address, and no name records in the capture file.</p>'}
<h2>TLS handshakes (${r.tls.length})</h2>
${r.tls.length ? `<table><thead><tr><th>Frame</th><th>Client</th><th>Server</th><th>Server name</th><th>Version, cipher suite</th><th>JA3 / JA3S</th><th>Certificate</th><th>Valid</th></tr></thead>\n<tbody>\n${tls}\n</tbody></table>` : '<p>None: no TLS handshake in this capture.</p>'}
<h2>Found GIFs (the lab's dpkt logic)</h2>
<ul>
${gifs}
</ul>
</body></html>
`;
}

export function writeReport(dir: string, r: EvidenceReport, thumbnails: Map<string, Uint8Array>): string[] {
  // report(1).json, … when an earlier report is in the folder: evidence reports are never replaced.
  return writeNewSet(dir, 'report', [
    { ext: '.json', data: JSON.stringify(r, null, 2) },
    { ext: '.csv', data: reportCsv(r.objects) },
    { ext: '.html', data: reportHtml(r, thumbnails) },
  ]);
}
