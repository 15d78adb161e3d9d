import type { PaneName, PaneSet } from './usePanes.js';
import { useApp } from '../state/context.js';
import { isTimeFormat, TIME_FORMATS } from '../../core/api/time-format.js';

const fmtBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;

const PANE_LABELS: [PaneName, string, string][] = [
  ['list', 'List', 'Packet list'],
  ['details', 'Details', 'Packet details'],
  ['bytes', 'Bytes', 'Packet bytes'],
];

export function StatusBar({
  panes,
  onTogglePane,
}: {
  panes?: PaneSet;
  onTogglePane?: (name: PaneName) => void;
}) {
  const info = useApp((s) => s.info);
  const displayed = useApp((s) => s.displayed);
  const total = useApp((s) => s.total);
  const progress = useApp((s) => s.progress);
  const cancel = useApp((s) => s.cancel);
  const selectMs = useApp((s) => s.selectMs);
  const filterMs = useApp((s) => s.filterMs);
  const error = useApp((s) => s.error);
  const setError = useApp((s) => s.setError);
  const loadKeyLog = useApp((s) => s.loadKeyLog);
  const opening = useApp((s) => s.opening);
  const live = useApp((s) => s.live);
  const timeFormat = useApp((s) => s.timeFormat);
  const setTimeFormat = useApp((s) => s.setTimeFormat);
  const pct = total ? ((displayed / total) * 100).toFixed(1) : '0.0';
  return (
    <div className="status-bar" data-testid="status-bar">
      <span className="sb-file" title={info?.path}>
        {opening
          ? `Opening ${opening}…`
          : info
            ? live
              ? info.name // the file grows: its size at open would mislead
              : `${info.name} (${fmtBytes(info.size)})`
            : 'No capture'}
      </span>
      {live && (
        <span className="sb-live" data-testid="status-live">
          ● Capturing on {live.iface} — {total} packets
        </span>
      )}
      {info && (
        <span className="sb-count" data-testid="status-count">
          Packets: {total} · Displayed: {displayed} ({pct}%)
        </span>
      )}
      {progress && (
        <span className="sb-progress" data-testid="status-progress">
          {progress.phase} <progress max={progress.total} value={progress.done} />{' '}
          {Math.floor((progress.done / Math.max(1, progress.total)) * 100)}%
          <button className="btn small" onClick={() => void cancel()}>
            Cancel
          </button>
        </span>
      )}
      {filterMs !== null && <span className="sb-metric">filter {filterMs.toFixed(0)} ms</span>}
      {selectMs !== null && (
        <span className="sb-metric" data-testid="select-ms">
          select {selectMs.toFixed(1)} ms
        </span>
      )}
      {error && (
        <span className="sb-error" role="alert" onClick={() => setError(null)} title="Click to dismiss">
          {error}
        </span>
      )}
      {info?.warnings.length ? <span className="sb-warn">{info.warnings.length} warning(s)</span> : null}
      {info?.tlsKeyLog && (
        <span
          className="sb-metric"
          data-testid="status-keylog"
          title="The TLS key log decrypting this capture"
        >
          TLS keys: {info.tlsKeyLog.name} ({info.tlsKeyLog.secrets} secrets){' '}
          <button className="btn small" data-testid="forget-keylog" onClick={() => void loadKeyLog(null)}>
            Forget
          </button>
        </span>
      )}
      {info && (
        <label className="sb-time" title="View › Time Display Format: the packet list's Time column">
          Time{' '}
          <select
            data-testid="time-format"
            aria-label="Time display format"
            value={timeFormat}
            onChange={(e) => {
              if (isTimeFormat(e.target.value)) setTimeFormat(e.target.value);
            }}
          >
            {TIME_FORMATS.map((f) => (
              <option key={f.code} value={f.code} title={f.label}>
                {f.short}
              </option>
            ))}
          </select>
        </label>
      )}
      {info && panes && onTogglePane && (
        <span className="sb-panes" role="group" aria-label="Panes">
          {PANE_LABELS.map(([name, label, title], i) => (
            <button
              key={name}
              className={'btn small' + (panes[name] ? ' active' : '')}
              aria-pressed={panes[name]}
              title={`${title} (Ctrl+Alt+${i + 1})`}
              data-testid={`pane-${name}`}
              onClick={() => onTogglePane(name)}
            >
              {label}
            </button>
          ))}
        </span>
      )}
    </div>
  );
}
