import { useEffect, useRef, useState } from 'react';
import type { Diagnostic, FindKind } from '../../core/api/types.js';
import { useApp } from '../state/context.js';

/** Opens the find bar from anywhere (Ctrl+F, or the Electron menu's Edit > Find Packet which sends Ctrl+F). */
export const isFindShortcut = (e: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'key'>): boolean =>
  (e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f';

const PLACEHOLDER: Record<FindKind, string> = {
  filter: 'display filter, e.g. http.request.method == "GET"',
  string: 'text in the packet bytes (UTF-8 and UTF-16LE)',
  hex: 'bytes, e.g. 47 49 46 38',
};

/**
 * Edit > Find Packet, Wireshark-style: a bar under the toolbar that searches the displayed packets after the
 * selected one (display filter, string or hex bytes), selects the match, and says when it wrapped or found none.
 */
export function FindBar() {
  const api = useApp((s) => s.api);
  const info = useApp((s) => s.info);
  const selectedNo = useApp((s) => s.selectedNo);
  const goTo = useApp((s) => s.goTo);
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<FindKind>('string');
  const [query, setQuery] = useState('');
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ text: string; error?: Diagnostic } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isFindShortcut(e)) return;
      e.preventDefault();
      setOpen(true);
      setTimeout(() => input.current?.select(), 0);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!open || !info) return null;

  const find = async (backwards: boolean) => {
    if (busy) return;
    setBusy(true);
    setNote(null);
    try {
      const r = await api.call('find', {
        kind,
        query,
        from: selectedNo ?? 0,
        ...(backwards ? { backwards } : {}),
        ...(kind === 'string' && caseSensitive ? { caseSensitive } : {}),
      });
      if (!r.ok) setNote({ text: r.error.message, error: r.error });
      else if (r.no === null) setNote({ text: 'No packet matched.' });
      else {
        await goTo(r.no);
        setNote({
          text: r.wrapped
            ? `Packet ${r.no} — search wrapped ${backwards ? 'past the first' : 'past the last'} packet.`
            : `Packet ${r.no}`,
        });
      }
    } catch (e) {
      setNote({ text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  const span = note?.error?.span;

  return (
    <div className="find-bar" role="search" aria-label="Find packet" data-testid="find-bar">
      <select
        value={kind}
        aria-label="Find by"
        data-testid="find-kind"
        onChange={(e) => {
          setKind(e.target.value as FindKind);
          setNote(null);
        }}
      >
        <option value="filter">Display filter</option>
        <option value="string">String</option>
        <option value="hex">Hex value</option>
      </select>
      <input
        ref={input}
        className={'fb-input' + (note?.error ? ' status-error' : '')}
        value={query}
        placeholder={PLACEHOLDER[kind]}
        aria-label="Find"
        data-testid="find-input"
        spellCheck={false}
        onChange={(e) => {
          setQuery(e.target.value);
          setNote(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void find(e.shiftKey);
          if (e.key === 'Escape') setOpen(false);
        }}
      />
      {kind === 'string' && (
        <label className="muted">
          <input
            type="checkbox"
            checked={caseSensitive}
            onChange={(e) => setCaseSensitive(e.target.checked)}
          />{' '}
          Case sensitive
        </label>
      )}
      <button className="btn" disabled={busy || !query} onClick={() => void find(true)} title="Shift+Enter">
        Previous
      </button>
      <button className="btn" disabled={busy || !query} onClick={() => void find(false)} title="Enter">
        Find
      </button>
      <button className="btn" onClick={() => setOpen(false)} aria-label="Close find bar">
        ✕
      </button>
      {note && (
        <span className={'find-note' + (note.error ? ' error' : '')} data-testid="find-status">
          {note.text}
          {span && span[1] > span[0] && (span[0] > 0 || span[1] < query.length) && (
            <>
              {' '}
              (column {span[0] + 1}: <code>{query.slice(span[0], span[1])}</code>)
            </>
          )}
        </span>
      )}
    </div>
  );
}
