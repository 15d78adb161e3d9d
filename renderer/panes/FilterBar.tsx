import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Completion } from '../../core/api/types.js';
import { useApp } from '../state/context.js';

/** The field-name fragment ending at the caret, for autocomplete. */
export function wordAt(text: string, caret: number): { start: number; word: string } {
  let s = caret;
  while (s > 0 && /[A-Za-z0-9_.-]/.test(text[s - 1])) s--;
  return { start: s, word: text.slice(s, caret) };
}

export function FilterBar() {
  const text = useApp((s) => s.filterText);
  const applied = useApp((s) => s.appliedFilter);
  const validation = useApp((s) => s.validation);
  const filterError = useApp((s) => s.filterError);
  const history = useApp((s) => s.history);
  const setText = useApp((s) => s.setFilterText);
  const validate = useApp((s) => s.validate);
  const apply = useApp((s) => s.applyFilter);
  const complete = useApp((s) => s.complete);
  const [items, setItems] = useState<{ label: string; insert: string; hint: string }[]>([]);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const refresh = (value: string, caret: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      void validate(value);
      const { word } = wordAt(value, caret);
      if (value.trim() === '') {
        setItems(history.map((h) => ({ label: h, insert: h, hint: 'history' })));
        setActive(-1);
        return;
      }
      if (word.length >= 1 && /^[A-Za-z_]/.test(word)) {
        void complete(word).then((cs: Completion[]) => {
          setItems(
            cs
              .filter((c) => c.abbrev !== word)
              .slice(0, 12)
              .map((c) => ({ label: c.abbrev, insert: c.abbrev, hint: c.name })),
          );
          setActive(-1);
        });
      } else setItems([]);
    }, 120);
  };

  const choose = (i: number) => {
    const it = items[i];
    if (!it) return;
    if (it.hint === 'history') {
      setText(it.insert);
      void validate(it.insert);
    } else {
      const caret = input.current?.selectionStart ?? text.length;
      const { start } = wordAt(text, caret);
      const next = text.slice(0, start) + it.insert + text.slice(caret);
      setText(next);
      void validate(next);
      requestAnimationFrame(() =>
        input.current?.setSelectionRange(start + it.insert.length, start + it.insert.length),
      );
    }
    setItems([]);
    setOpen(false);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    const showing = open && items.length > 0;
    if (e.key === 'ArrowDown' && showing) {
      e.preventDefault();
      setActive((a) => Math.min(items.length - 1, a + 1));
    } else if (e.key === 'ArrowUp' && showing) {
      e.preventDefault();
      setActive((a) => Math.max(-1, a - 1));
    } else if ((e.key === 'Tab' || e.key === 'Enter') && showing && active >= 0) {
      e.preventDefault();
      choose(active);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      setOpen(false);
      void apply(text);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (showing) setOpen(false);
      else {
        setText('');
        void validate('');
        if (applied !== '') void apply('');
      }
    }
  };

  const status = text.trim() === '' ? 'empty' : (validation?.status ?? 'empty');
  const diag = validation?.errors[0] ?? validation?.warnings[0];
  const message = filterError ?? diag?.message ?? '';
  const span = diag?.span;
  const dirty = text.trim() !== applied;

  return (
    <div className="filter-bar">
      <div className="fb-wrap">
        <input
          ref={input}
          data-testid="filter-input"
          className={`fb-input status-${status}`}
          placeholder="Apply a display filter … <Ctrl-/>"
          spellCheck={false}
          autoComplete="off"
          value={text}
          aria-invalid={status === 'error'}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            refresh(e.target.value, e.target.selectionStart ?? e.target.value.length);
          }}
          onFocus={() => {
            setOpen(true);
            if (text === '') setItems(history.map((h) => ({ label: h, insert: h, hint: 'history' })));
          }}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={onKey}
        />
        {open && items.length > 0 && (
          <ul className="fb-complete" role="listbox">
            {items.map((it, i) => (
              <li
                key={it.label}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : ''}
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(i);
                }}
              >
                <b>{it.label}</b> <span className="hint">{it.hint}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <button className="btn" onClick={() => void apply(text)} title="Apply (Enter)">
        {dirty ? 'Apply' : 'Applied'}
      </button>
      <div
        className={`filter-status status-${filterError ? 'error' : status}`}
        data-testid="filter-status"
        data-status={filterError ? 'error' : status}
      >
        {span && text && (status === 'error' || status === 'warn') ? (
          <code className="fb-mirror">
            {text.slice(0, span[0])}
            <u className={`span-${status}`}>{text.slice(span[0], Math.max(span[1], span[0] + 1)) || ' '}</u>
            {text.slice(Math.max(span[1], span[0] + 1))}
          </code>
        ) : null}
        <span className="fb-msg">{message}</span>
      </div>
    </div>
  );
}
