/**
 * File › Export Specified Packets: the displayed packets (the applied display filter's view) or all of them,
 * optionally only a packet range, to a new pcapng or pcap file at a path on the host. Works the same in the web
 * host (no native dialogs) and in Electron. The engine never overwrites a file nor the capture itself; the dialog
 * shows what was written (path, count, SHA-256) or why not.
 */
import { useState } from 'react';
import type { PacketExportResult } from '../../core/api/types.js';
import { useApp } from '../state/context.js';

type Format = 'pcapng' | 'pcap';

/** `path` with the extension of `format` when it ends in the other one's. */
function withExtension(path: string, format: Format): string {
  return path.replace(/\.(pcapng|pcap)$/i, `.${format}`);
}

export function ExportPacketsDialog() {
  const api = useApp((s) => s.api);
  const info = useApp((s) => s.info);
  const displayed = useApp((s) => s.displayed);
  const total = useApp((s) => s.total);
  const filter = useApp((s) => s.appliedFilter);
  const setOpen = useApp((s) => s.setExportOpen);
  const [which, setWhich] = useState<'displayed' | 'all'>('displayed');
  const [range, setRange] = useState('');
  const [format, setFormat] = useState<Format>('pcapng');
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PacketExportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    if (busy) return;
    if (!path.trim()) {
      setError('Enter the path of the new file (on the host)');
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(
        await api.call('exportPackets', {
          path: path.trim(),
          which,
          format,
          ...(range.trim() ? { range: range.trim() } : {}),
        }),
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const stem = (info?.name ?? 'capture').replace(/\.gz$/i, '').replace(/\.(pcapng|pcap|cap)$/i, '');
  return (
    <div
      className="dialog export-dialog"
      role="dialog"
      aria-label="Export specified packets"
      data-testid="export-packets-dialog"
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      <h2>Export Specified Packets</h2>
      <div className="ep-row" role="radiogroup" aria-label="Packets">
        <span className="ep-label">Packets</span>
        {(
          [
            ['displayed', `Displayed (${displayed})`],
            ['all', `All captured (${total})`],
          ] as const
        ).map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name="ep-which"
              checked={which === value}
              onChange={() => setWhich(value)}
              data-testid={`export-which-${value}`}
            />{' '}
            {label}
          </label>
        ))}
      </div>
      <div className="ep-row">
        <span className="ep-label" />
        <span className="muted">
          {filter ? (
            <>
              Display filter: <code>{filter}</code>
            </>
          ) : (
            'No display filter: displayed = all'
          )}
        </span>
      </div>
      <div className="ep-row">
        <label className="ep-label" htmlFor="ep-range">
          Range
        </label>
        <input
          id="ep-range"
          className="text mono"
          placeholder="every packet (or e.g. 1-10,15,20-)"
          value={range}
          onChange={(e) => setRange(e.target.value)}
          data-testid="export-range"
        />
      </div>
      <div className="ep-row">
        <label className="ep-label" htmlFor="ep-format">
          Format
        </label>
        <select
          id="ep-format"
          value={format}
          onChange={(e) => {
            const f = e.target.value as Format;
            setFormat(f);
            setPath((p) => withExtension(p, f));
          }}
          data-testid="export-format"
        >
          <option value="pcapng">pcapng (interfaces, comments, provenance)</option>
          <option value="pcap">pcap (one link type only)</option>
        </select>
      </div>
      <div className="ep-row">
        <label className="ep-label" htmlFor="ep-path">
          Save as
        </label>
        <input
          id="ep-path"
          autoFocus
          className="text mono"
          placeholder={`/path/on/the/host/${stem}-export.${format}`}
          value={path}
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void run();
          }}
          data-testid="export-path"
        />
      </div>
      <p className="muted ep-note">
        A new file only: an existing file (or the capture itself) is never overwritten.
      </p>
      <div className="ep-row ep-actions">
        <button
          className="btn primary"
          disabled={busy}
          onClick={() => void run()}
          data-testid="export-packets-go"
        >
          {busy ? 'Exporting…' : 'Export'}
        </button>
        <button className="btn" onClick={() => setOpen(false)} data-testid="export-packets-close">
          Close
        </button>
      </div>
      {result && (
        <div className="export-result ep-result" role="status" data-testid="export-packets-result">
          Wrote {result.packets} packet{result.packets === 1 ? '' : 's'} to <code>{result.path}</code>
          <div className="muted">
            {result.format}, {result.bytes.toLocaleString('en')} bytes
          </div>
          <div>
            SHA-256 <code data-testid="export-packets-sha256">{result.sha256}</code>
          </div>
          {result.notes.map((n) => (
            <div key={n} className="muted" data-testid="export-packets-note">
              Not carried over: {n}
            </div>
          ))}
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="export-packets-error">
          {error}
        </p>
      )}
    </div>
  );
}
