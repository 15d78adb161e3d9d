import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { LiveInterfaceInfo } from '../../core/api/types.js';
import { useApp } from '../state/context.js';

export const isLoopback = (i: LiveInterfaceInfo): boolean =>
  /^lo\d*$/.test(i.name) || /loopback/i.test(i.description ?? '');

/** "m:ss" (or "h:mm:ss") for the elapsed capture time. */
export function fmtElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Re-renders every `ms` while `on`, returning Date.now(). */
function useNow(on: boolean, ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [on, ms]);
  return now;
}

/** Capture panel: interfaces, capture filter, start/stop (save as), live count, and the live HTTP requests. */
export function CapturePanel() {
  const interfaces = useApp((s) => s.interfaces);
  const interfacesError = useApp((s) => s.interfacesError);
  const loadInterfaces = useApp((s) => s.loadInterfaces);
  const live = useApp((s) => s.live);
  const busy = useApp((s) => s.liveBusy);
  const liveError = useApp((s) => s.liveError);
  const result = useApp((s) => s.liveResult);
  const httpRows = useApp((s) => s.httpRows);
  const total = useApp((s) => s.total);
  const startCapture = useApp((s) => s.startCapture);
  const stopCapture = useApp((s) => s.stopCapture);
  const goTo = useApp((s) => s.goTo);
  const [iface, setIface] = useState(live?.iface ?? '');
  const [filter, setFilter] = useState(live?.filter ?? '');
  const [saveAs, setSaveAs] = useState('');
  const now = useNow(live !== null);

  useEffect(() => {
    if (interfaces === null) void loadInterfaces();
  }, [interfaces, loadInterfaces]);
  useEffect(() => {
    // Default to the first interface that is not loopback (Wireshark's choice), else the first.
    if (!iface && interfaces?.length)
      setIface((interfaces.find((i) => !isLoopback(i)) ?? interfaces[0]).name);
  }, [iface, interfaces]);

  // The newest request stays in view while the user is at the bottom of the table.
  const tableRef = useRef<HTMLDivElement | null>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = tableRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [httpRows.length]);

  const start = () => {
    if (iface && !live && !busy) void startCapture(iface, filter);
  };
  const elapsed = live ? (now - live.startedAt) / 1000 : (result?.seconds ?? 0);

  return (
    <section className="panel capture-panel" data-testid="capture-panel">
      <h2>Capture</h2>
      <div className="cap-ifaces" role="radiogroup" aria-label="Interface" data-testid="capture-interfaces">
        {interfaces === null && <p className="muted">Listing interfaces…</p>}
        {interfaces?.length === 0 && (
          <p className="muted">No capture interfaces found{interfacesError ? `: ${interfacesError}` : ''}.</p>
        )}
        {interfaces?.map((i) => (
          <label
            key={i.name}
            className={'cap-iface' + (iface === i.name ? ' selected' : '')}
            data-testid="capture-iface"
            data-name={i.name}
            onDoubleClick={() => {
              setIface(i.name);
              if (!live && !busy) void startCapture(i.name, filter);
            }}
          >
            <input
              type="radio"
              name="capture-iface"
              value={i.name}
              checked={iface === i.name}
              disabled={live !== null}
              onChange={() => setIface(i.name)}
            />
            <span className="cap-name">{i.name}</span>
            {i.description && <span className="muted">{i.description}</span>}
            {isLoopback(i) && <span className="badge">loopback</span>}
          </label>
        ))}
      </div>
      <div className="row">
        <label htmlFor="capture-filter">Capture filter (BPF):</label>
        <input
          id="capture-filter"
          className="text mono"
          data-testid="capture-filter"
          placeholder="e.g. tcp port 80 (empty: everything)"
          spellCheck={false}
          value={filter}
          disabled={live !== null}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') start();
          }}
        />
      </div>
      <div className="row">
        <label htmlFor="capture-save-as" title="On stop, the capture is copied to this path on the host">
          Save as:
        </label>
        <input
          id="capture-save-as"
          className="text mono"
          data-testid="capture-save-as"
          placeholder="/path/on/the/host/capture.pcap (optional, used on Stop; never overwrites)"
          spellCheck={false}
          value={saveAs}
          onChange={(e) => setSaveAs(e.target.value)}
        />
      </div>
      <div className="row">
        <button
          className="btn primary"
          data-testid="capture-start"
          disabled={!iface || live !== null || busy !== null}
          onClick={start}
        >
          {busy === 'starting' ? 'Starting…' : 'Start'}
        </button>
        <button
          className="btn"
          data-testid="capture-stop"
          disabled={live === null || busy !== null}
          onClick={() => void stopCapture(saveAs)}
        >
          {busy === 'stopping' ? 'Stopping…' : 'Stop'}
        </button>
        {(live || result) && (
          <span className="cap-stats" data-testid="capture-stats">
            {live ? <span className="cap-dot">●</span> : null}
            <span data-testid="capture-count">{live ? total : (result?.packets ?? 0)} packets</span>
            {' · '}
            <span data-testid="capture-elapsed">{fmtElapsed(elapsed)}</span>
            {live ? ` · ${live.iface}${live.filter ? ` (${live.filter})` : ''}` : ' · stopped'}
          </span>
        )}
      </div>
      {liveError && (
        <pre className="capture-error" role="alert" data-testid="capture-error">
          {liveError}
        </pre>
      )}
      {!live && result?.savedAs && (
        <p data-testid="capture-saved">
          Saved {result.packets} packets to <code>{result.savedAs}</code>
        </p>
      )}
      {!live && result && !result.savedAs && result.path && !liveError && (
        <p className="muted" data-testid="capture-temp">
          Captured to the temporary file <code>{result.path}</code> (give a path above before stopping to keep
          a copy).
        </p>
      )}
      <h3>
        HTTP requests <span className="muted">({httpRows.length})</span>
      </h3>
      <div
        className="cap-http"
        ref={tableRef}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
        }}
      >
        <table className="grid" data-testid="http-requests">
          <thead>
            <tr>
              <th className="num">Time</th>
              <th>Source</th>
              <th>Method</th>
              <th>Host</th>
              <th>URL</th>
            </tr>
          </thead>
          <tbody>
            {httpRows.map((r) => (
              <tr
                key={r.frame}
                data-testid="http-request"
                data-frame={r.frame}
                title={`Packet ${r.frame}: click to select it`}
                onClick={() => void goTo(r.frame)}
              >
                <td className="num">{r.time.toFixed(3)}</td>
                <td>{r.source}</td>
                <td>{r.method}</td>
                <td>{r.host}</td>
                <td className="cap-url">{r.url || r.uri}</td>
              </tr>
            ))}
            {httpRows.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  {live ? 'No HTTP requests seen yet.' : 'Requests appear here while capturing.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
