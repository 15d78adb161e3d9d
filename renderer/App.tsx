import { useEffect, useRef, useState, type DragEvent } from 'react';
import { useApp } from './state/context.js';
import { PacketList } from './panes/PacketList.js';
import { DetailTree } from './panes/DetailTree.js';
import { HexDump } from './panes/HexDump.js';
import { FilterBar } from './panes/FilterBar.js';
import { StatusBar } from './panes/StatusBar.js';
import { FindBar } from './panes/FindBar.js';
import { paneRows, usePanes } from './panes/usePanes.js';
import { ObjectsPanel } from './panels/Objects.js';
import { HashingPanel } from './panels/Hashing.js';
import { SignaturesPanel } from './panels/Signatures.js';
import { CredentialsPanel } from './panels/Credentials.js';
import { FollowPanel } from './panels/Follow.js';
import { CapturePanel } from './panels/Capture.js';
import { StatisticsPanel } from './panels/Statistics.js';
import { ExportPacketsDialog } from './panels/ExportPackets.js';
import { Welcome } from './Welcome.js';
import type { PanelName } from './state/store.js';
import { HOST_ERROR_EVENT } from './api/ws-client.js';
import { TIME_FORMATS } from '../core/api/time-format.js';

function GoToDialog() {
  const setOpen = useApp((s) => s.setGoToOpen);
  const goTo = useApp((s) => s.goTo);
  const [v, setV] = useState('');
  return (
    <div className="dialog" role="dialog" aria-label="Go to packet">
      <label>
        Go to packet:{' '}
        <input
          autoFocus
          data-testid="goto-input"
          inputMode="numeric"
          value={v}
          onChange={(e) => setV(e.target.value.replace(/\D/g, ''))}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
            if (e.key === 'Enter' && v) {
              setOpen(false);
              void goTo(Number(v)).then(
                (ok) => ok && document.querySelector<HTMLElement>('.pl-body')?.focus(),
              );
            }
          }}
        />
      </label>
    </div>
  );
}

/** A toolbar button that picks a file (the same file may be picked again). */
function FileButton(p: { label: string; title: string; testId: string; onFile: (f: File) => void }) {
  return (
    <label className="btn" title={p.title}>
      {p.label}
      <input
        type="file"
        hidden
        data-testid={p.testId}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) p.onFile(f);
        }}
      />
    </label>
  );
}

const PANELS: [PanelName, string][] = [
  ['objects', 'Objects'],
  ['hashing', 'Hashing'],
  ['signatures', 'Signatures'],
  ['credentials', 'Credentials'],
  ['follow', 'Follow'],
  ['capture', 'Capture'],
  ['statistics', 'Statistics'],
];

export function App() {
  const init = useApp((s) => s.init);
  const info = useApp((s) => s.info);
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  const panel = useApp((s) => s.panel);
  const setPanel = useApp((s) => s.setPanel);
  const openFile = useApp((s) => s.openFile);
  const loadKeyLog = useApp((s) => s.loadKeyLog);
  const close = useApp((s) => s.close);
  const goToOpen = useApp((s) => s.goToOpen);
  const setGoToOpen = useApp((s) => s.setGoToOpen);
  const setTimeFormat = useApp((s) => s.setTimeFormat);
  const exportOpen = useApp((s) => s.exportOpen);
  const setExportOpen = useApp((s) => s.setExportOpen);
  const [panes, togglePane] = usePanes();
  const [dragging, setDragging] = useState(false);
  const [overSide, setOverSide] = useState(false);
  const depth = useRef(0);

  const setError = useApp((s) => s.setError);
  useEffect(() => init(), [init]);
  useEffect(() => {
    const onHostError = (e: Event) => setError(String((e as CustomEvent<unknown>).detail));
    window.addEventListener(HOST_ERROR_EVENT, onHostError);
    return () => window.removeEventListener(HOST_ERROR_EVENT, onHostError);
  }, [setError]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'g') {
        e.preventDefault();
        setGoToOpen(true);
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'e') {
        // Capture > Start… (Wireshark's Ctrl+E): the Capture panel, to pick an interface and start.
        e.preventDefault();
        setPanel('capture');
      } else if (e.ctrlKey && e.altKey && e.shiftKey && /^Digit\d$/.test(e.code)) {
        // View › Time Display Format: Ctrl+Alt+Shift+1…9, 0 in Wireshark's menu order (Wireshark itself uses
        // Ctrl+Alt+digit, which toggles the panes here); the Electron menu sends the same keys.
        e.preventDefault();
        const d = Number(e.code.slice(5));
        setTimeFormat(TIME_FORMATS[(d + 9) % 10].code);
      } else if ((e.ctrlKey || e.metaKey) && e.key === '/') {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('[data-testid="filter-input"]')?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setGoToOpen, setPanel, setTimeFormat]);

  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    depth.current = 0;
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void openFile(f);
  };

  return (
    <div
      className="app"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        depth.current++;
        setDragging(true);
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        const side = e.target instanceof Element && !!e.target.closest('.side');
        if (side !== overSide) setOverSide(side);
      }}
      onDropCapture={() => {
        depth.current = 0;
        setDragging(false);
      }}
      onDrop={onDrop}
      data-testid="app"
    >
      <header className="toolbar">
        <span className="brand">Wirelens</span>
        <FileButton
          label="Open…"
          title="Open a capture (or drop it anywhere)"
          testId="toolbar-open"
          onFile={(f) => void openFile(f)}
        />
        {info && (
          <button className="btn" data-testid="close-capture" onClick={() => void close()}>
            Close
          </button>
        )}
        {info && (
          <FileButton
            label="TLS keys…"
            title="Edit › Preferences › TLS: a key log (NSS format, as SSLKEYLOGFILE writes) or a server's RSA private key (PEM) to decrypt TLS with; the capture is read again"
            testId="tls-keylog"
            onFile={(f) => void loadKeyLog(f)}
          />
        )}
        {info && (
          <button
            className={'btn' + (exportOpen ? ' active' : '')}
            data-testid="open-export-packets"
            title="File › Export Specified Packets: the displayed or all packets to a new capture file"
            onClick={() => setExportOpen(!exportOpen)}
          >
            Export packets…
          </button>
        )}
        <FilterBar />
        <nav className="panel-tabs">
          {PANELS.map(([p, label]) => (
            <button
              key={p}
              className={'btn' + (panel === p ? ' active' : '')}
              data-testid={`open-${p}`}
              onClick={() => setPanel(panel === p ? null : p)}
            >
              {label}
            </button>
          ))}
          <button
            className="btn"
            title="Toggle light/dark theme"
            data-testid="theme-toggle"
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </nav>
      </header>
      <FindBar />
      <main className={'workspace' + (panel ? ' with-panel' : '')}>
        <div className="panes" style={info ? { gridTemplateRows: paneRows(panes) } : undefined}>
          {info ? (
            <>
              {panes.list && <PacketList />}
              {panes.details && <DetailTree />}
              {panes.bytes && <HexDump />}
            </>
          ) : (
            <Welcome />
          )}
        </div>
        {panel && (
          <aside className="side">
            {panel === 'objects' && <ObjectsPanel />}
            {panel === 'hashing' && <HashingPanel />}
            {panel === 'signatures' && <SignaturesPanel />}
            {panel === 'credentials' && <CredentialsPanel />}
            {panel === 'follow' && <FollowPanel />}
            {panel === 'capture' && <CapturePanel />}
            {panel === 'statistics' && <StatisticsPanel />}
          </aside>
        )}
      </main>
      <StatusBar panes={panes} onTogglePane={togglePane} />
      {goToOpen && <GoToDialog />}
      {exportOpen && info && <ExportPacketsDialog />}
      {dragging && !overSide && <div className="drop-overlay">Drop to open the capture</div>}
    </div>
  );
}
