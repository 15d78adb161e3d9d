import { useCallback, useEffect, useState } from 'react';

/** View > Packet List / Packet Details / Packet Bytes: which of the three panes are shown (remembered). */
export type PaneName = 'list' | 'details' | 'bytes';
export type PaneSet = Record<PaneName, boolean>;

const KEY = 'wirelens.panes';
const ALL: PaneSet = { list: true, details: true, bytes: true };
/** Ctrl+Alt+1/2/3 toggle the panes (the Electron View menu sends the same keys). */
const KEYS: Record<string, PaneName> = { '1': 'list', '2': 'details', '3': 'bytes' };
/** Relative heights, as the default 45% / 30% / 25% split. */
const WEIGHT: Record<PaneName, number> = { list: 9, details: 6, bytes: 5 };

function load(): PaneSet {
  try {
    const v: unknown = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? 'null');
    if (v && typeof v === 'object') {
      const p = { ...ALL, ...(v as Partial<PaneSet>) };
      if (p.list || p.details || p.bytes) return p;
    }
  } catch {
    // ignore: default layout
  }
  return { ...ALL };
}

/** Grid rows for the shown panes, in order. */
export function paneRows(p: PaneSet): string {
  return (['list', 'details', 'bytes'] as const)
    .filter((n) => p[n])
    .map((n) => `minmax(80px, ${WEIGHT[n]}fr)`)
    .join(' ');
}

/** Toggles one pane; the last shown pane cannot be hidden. */
export function togglePane(p: PaneSet, name: PaneName): PaneSet {
  const next = { ...p, [name]: !p[name] };
  return next.list || next.details || next.bytes ? next : p;
}

export function usePanes(): [PaneSet, (name: PaneName) => void] {
  const [panes, setPanes] = useState<PaneSet>(load);
  const toggle = useCallback((name: PaneName) => setPanes((p) => togglePane(p, name)), []);
  useEffect(() => {
    try {
      globalThis.localStorage?.setItem(KEY, JSON.stringify(panes));
    } catch {
      // ignore
    }
  }, [panes]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const name = KEYS[e.key];
      // With Shift, Ctrl+Alt+digit picks a time display format instead (App.tsx).
      if (name && e.ctrlKey && e.altKey && !e.shiftKey) {
        e.preventDefault();
        toggle(name);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle]);
  return [panes, toggle];
}
