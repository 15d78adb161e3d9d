import { useEffect, useState } from 'react';
import type { ObjectAnalysis } from '../../core/api/types.js';
import { useApp } from '../state/context.js';

const ORDER = { mismatch: 0, unknown: 1, match: 2 } as const;

/** Mismatches first, then unknown, then matches; otherwise in the order the service lists them (stable). */
export function sortAnalyses(list: ObjectAnalysis[]): ObjectAnalysis[] {
  return [...list].sort((a, b) => ORDER[a.signature.verdict] - ORDER[b.signature.verdict]);
}

const FROM = { http: 'HTTP', tftp: 'TFTP', 'ftp-data': 'FTP', smb: 'SMB' } as const;

export function SignaturesPanel() {
  const api = useApp((s) => s.api);
  const info = useApp((s) => s.info);
  const [rows, setRows] = useState<ObjectAnalysis[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setRows(null);
    setError(null);
    if (!info) return;
    api.call('analyseObjects', {}).then(
      (r) => setRows(sortAnalyses(r)),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [api, info?.path, info]);

  return (
    <section className="panel" data-testid="signatures-panel">
      <h2>Signatures</h2>
      {!info && <p className="muted">Open a capture to check its objects.</p>}
      {error && <p className="error">{error}</p>}
      {rows && (
        <table className="grid">
          <thead>
            <tr>
              <th>From</th>
              <th>Filename</th>
              <th>Extension</th>
              <th>Content-Type</th>
              <th>Magic</th>
              <th>Verdict</th>
              <th>MD5</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr
                key={`${a.protocol} ${a.object.index}`}
                data-testid="signature-row"
                data-filename={a.object.filename}
                data-verdict={a.signature.verdict}
                className={`verdict-${a.signature.verdict}`}
              >
                <td>{FROM[a.protocol] ?? a.protocol}</td>
                <td>{a.object.filename}</td>
                <td>{a.signature.extension}</td>
                <td>{a.signature.contentType ?? a.object.contentType}</td>
                <td>{a.signature.detected?.mime ?? 'unknown'}</td>
                <td title={a.signature.reason}>
                  {a.signature.verdict}
                  {a.signature.reason ? ` — ${a.signature.reason}` : ''}
                </td>
                <td title={`MD5 ${a.hashes.md5}\nSHA-256 ${a.hashes.sha256}`}>
                  <code className="short-hash">{a.hashes.md5.slice(0, 12)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
