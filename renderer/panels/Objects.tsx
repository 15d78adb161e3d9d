import { useEffect, useMemo, useState } from 'react';
import type { ExportResult, GifFinding, HttpObject, ObjectProtocol } from '../../core/api/types.js';
import { useApp } from '../state/context.js';
import { Tabs } from './Tabs.js';

function Thumb({ index, type }: { index: number; type: string }) {
  const api = useApp((s) => s.api);
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!type.startsWith('image/')) return;
    let u: string | null = null;
    let live = true;
    api.call('objectBytes', { index }).then(
      (b) => {
        if (!live) return;
        u = URL.createObjectURL(new Blob([b as Uint8Array<ArrayBuffer>], { type }));
        setUrl(u);
      },
      () => undefined,
    );
    return () => {
      live = false;
      if (u) URL.revokeObjectURL(u);
    };
  }, [api, index, type]);
  return url ? <img className="thumb" src={url} alt="" /> : <span className="thumb" />;
}

/**
 * The lists of File > Export Objects we have: HTTP bodies, e-mails sent or fetched, files sent over TFTP, FTP or
 * SMB.
 */
const KINDS: readonly [ObjectProtocol, string][] = [
  ['http', 'HTTP'],
  ['imf', 'IMF (e-mail)'],
  ['tftp', 'TFTP'],
  ['ftp-data', 'FTP-DATA'],
  ['smb', 'SMB'],
];

export function ObjectsPanel() {
  const api = useApp((s) => s.api);
  const info = useApp((s) => s.info);
  const goTo = useApp((s) => s.goTo);
  const [kind, setKind] = useState<ObjectProtocol>('http');
  const [objects, setObjects] = useState<HttpObject[] | null>(null);
  const [gifs, setGifs] = useState<{ header: string; findings: GifFinding[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [dir, setDir] = useState('');
  const [result, setResult] = useState<ExportResult | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setGifs(null);
    if (!info) return;
    api.call('gifs', {}).then(setGifs, () => undefined);
  }, [api, info?.path, info]);

  useEffect(() => {
    setObjects(null);
    setError(null);
    setChosen(new Set());
    setResult(null);
    if (!info) return;
    let live = true;
    api.call('objects', kind === 'http' ? {} : { protocol: kind }).then(
      (list) => live && setObjects(list),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, info?.path, info, kind]);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (objects ?? []).filter(
      (o) =>
        !f ||
        `${o.filename} ${o.host} ${o.contentType} ${o.uri} ${o.from ?? ''} ${o.to ?? ''} ${o.subject ?? ''}`
          .toLowerCase()
          .includes(f),
    );
  }, [objects, filter]);

  const doExport = async (indices?: number[]) => {
    if (!dir.trim()) {
      setError('Enter a folder to export into');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setResult(
        await api.call('exportObjects', {
          dir: dir.trim(),
          ...(indices ? { indices } : {}),
          ...(kind === 'http' ? {} : { protocol: kind }),
        }),
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" data-testid="objects-panel">
      <h2>Export objects</h2>
      <Tabs tabs={KINDS} value={kind} onChange={setKind} testId="objects-kind" />
      {!info && <p className="muted">Open a capture to list its objects.</p>}
      {error && <p className="error">{error}</p>}
      {objects?.length === 0 && (
        <p className="muted" data-testid="objects-none">
          {kind === 'imf'
            ? 'No e-mails: no message was sent over SMTP or fetched over POP3 or IMAP in this capture.'
            : kind === 'tftp'
              ? 'No TFTP files: no TFTP transfer in this capture completed.'
              : kind === 'ftp-data'
                ? 'No FTP files: no RETR, STOR, STOU or APPE moved data in this capture.'
                : kind === 'smb'
                  ? 'No SMB files: no SMB2 Read or Write moved file data in this capture.'
                  : 'No HTTP objects: no HTTP response in this capture carries a body.'}
        </p>
      )}
      {objects && (
        <>
          <div className="row">
            <input
              className="text"
              placeholder={
                kind === 'imf'
                  ? 'Filter e-mails (subject, sender, recipient)'
                  : 'Filter objects (name, host, type)'
              }
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              data-testid="objects-filter"
            />
            <span className="muted">
              {shown.length} of {objects.length}
            </span>
          </div>
          <table className="grid">
            <thead>
              <tr>
                <th>
                  <input
                    type="checkbox"
                    aria-label="select all"
                    checked={shown.length > 0 && shown.every((o) => chosen.has(o.index))}
                    onChange={(e) =>
                      setChosen(e.target.checked ? new Set(shown.map((o) => o.index)) : new Set())
                    }
                  />
                </th>
                {kind === 'http' && <th />}
                <th>Packet</th>
                {kind === 'imf' ? (
                  <>
                    <th>From</th>
                    <th>To</th>
                    <th>Subject</th>
                  </>
                ) : (
                  <>
                    <th>Host</th>
                    <th>Content type</th>
                  </>
                )}
                <th>Size</th>
                <th>Filename</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((o) => (
                <tr key={o.index} data-testid="object-row" data-filename={o.filename}>
                  <td>
                    <input
                      type="checkbox"
                      checked={chosen.has(o.index)}
                      onChange={(e) => {
                        const s = new Set(chosen);
                        if (e.target.checked) s.add(o.index);
                        else s.delete(o.index);
                        setChosen(s);
                      }}
                    />
                  </td>
                  {kind === 'http' && (
                    <td>{o.size < 4_000_000 && <Thumb index={o.index} type={o.contentType} />}</td>
                  )}
                  <td>
                    <a href="#" onClick={(e) => (e.preventDefault(), void goTo(o.frame))}>
                      {o.frame}
                    </a>
                  </td>
                  {kind === 'imf' ? (
                    <>
                      <td>{o.from}</td>
                      <td>{o.to}</td>
                      <td>{o.subject}</td>
                    </>
                  ) : (
                    <>
                      <td>{o.host}</td>
                      <td>{o.contentType}</td>
                    </>
                  )}
                  <td className="num">{o.size}</td>
                  <td>{o.filename}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <input
              className="text"
              placeholder="Export folder (on the host)"
              value={dir}
              onChange={(e) => setDir(e.target.value)}
              data-testid="export-dir"
            />
            <button
              className="btn"
              disabled={busy || chosen.size === 0}
              onClick={() => void doExport([...chosen])}
            >
              Export selected ({chosen.size})
            </button>
            <button
              className="btn"
              disabled={busy || objects.length === 0}
              onClick={() => void doExport()}
              data-testid="export-all"
            >
              Export all
            </button>
          </div>
          {result && (
            <div className="export-result" data-testid="export-result">
              Wrote {result.written.length} file(s) to {result.dir}
              {result.failed.length ? `, ${result.failed.length} failed` : ''}
              {result.reports?.length
                ? ` — report: ${result.reports.map((p) => p.split(/[\\/]/).pop()).join(', ')}`
                : ''}
              <ul>
                {result.written.map((w) => (
                  <li key={w.index}>
                    {w.filename} — {w.size} B — sha256 <code>{w.sha256}</code>
                  </li>
                ))}
                {result.failed.map((f) => (
                  <li key={f.index} className="error">
                    {f.filename}: {f.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
      {gifs && kind === 'http' && (
        <>
          <h3>Found GIFs ({gifs.findings.length})</h3>
          <table className="grid" data-testid="gifs-table">
            <thead>
              <tr>
                <th>Packet</th>
                <th>Source</th>
                <th>Destination</th>
                <th>URI</th>
              </tr>
            </thead>
            <tbody>
              {gifs.findings.map((g) => (
                <tr key={g.frame}>
                  <td>{g.frame}</td>
                  <td>{g.source}</td>
                  <td>{g.destination}</td>
                  <td>{g.uri}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
