import { useEffect, useState, type DragEvent } from 'react';
import type { FileHashResult, HttpObject } from '../../core/api/types.js';
import { useApp } from '../state/context.js';

export function HashingPanel() {
  const api = useApp((s) => s.api);
  const [result, setResult] = useState<FileHashResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const info = useApp((s) => s.info);
  const [objects, setObjects] = useState<HttpObject[]>([]);

  useEffect(() => {
    setObjects([]);
    if (!info) return;
    api.call('objects', {}).then(setObjects, () => undefined);
  }, [api, info]);

  const hashObject = async (index: number) => {
    const o = objects.find((x) => x.index === index);
    if (!o) return;
    try {
      await hash(o.filename, await api.call('objectBytes', { index }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const hash = async (name: string, bytes: Uint8Array) => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.call('hashFile', { name, bytes }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const hashFile = async (f: File) => hash(f.name, new Uint8Array(await f.arrayBuffer()));

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) void hashFile(f);
  };

  return (
    <section className="panel" data-testid="hashing-panel">
      <h2>Hashing</h2>
      <div
        className={'drop-zone' + (over ? ' over' : '')}
        data-testid="hash-drop"
        onDragOver={(e) => {
          e.preventDefault();
          e.stopPropagation();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        Drop any file here to hash it, or{' '}
        <label className="link">
          choose a file
          <input
            type="file"
            hidden
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void hashFile(f);
            }}
          />
        </label>
      </div>
      {objects.length > 0 && (
        <div className="row">
          <label>
            Or pick an object from the capture:{' '}
            <select
              data-testid="hash-object"
              value=""
              onChange={(e) => {
                if (e.target.value !== '') void hashObject(Number(e.target.value));
              }}
            >
              <option value="">—</option>
              {objects.map((o) => (
                <option key={o.index} value={o.index}>
                  {o.filename} ({o.size} B, packet {o.frame})
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {busy && <p className="muted">Hashing…</p>}
      {error && <p className="error">{error}</p>}
      {result && (
        <table className="kv" data-testid="hash-result">
          <tbody>
            <tr>
              <th>File</th>
              <td>
                {result.name} ({result.size} bytes)
              </td>
            </tr>
            <tr>
              <th>MD5</th>
              <td>
                <code data-testid="hash-md5">{result.hashes.md5}</code>
              </td>
            </tr>
            <tr>
              <th>SHA-1</th>
              <td>
                <code>{result.hashes.sha1}</code>
              </td>
            </tr>
            <tr>
              <th>SHA-256</th>
              <td>
                <code>{result.hashes.sha256}</code>
              </td>
            </tr>
            <tr>
              <th>Encoding</th>
              <td>{result.encoding.encoding}</td>
            </tr>
            {result.encoding.textHashes && (
              <tr>
                <th>Text MD5 (UTF-8, no BOM)</th>
                <td>
                  <code>{result.encoding.textHashes.md5}</code>
                </td>
              </tr>
            )}
            <tr>
              <th>Signature</th>
              <td>
                {result.signature.detected ? `${result.signature.detected.mime}` : 'unknown'} —{' '}
                {result.signature.verdict}
                {result.signature.reason ? ` (${result.signature.reason})` : ''}
              </td>
            </tr>
            <tr>
              <th>Hash set</th>
              <td className={`verdict-${result.hashSet}`}>{result.hashSet}</td>
            </tr>
          </tbody>
        </table>
      )}
    </section>
  );
}
