import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useApp } from '../state/context.js';
import { rowColors } from '../state/colors.js';
import { ColumnResizer } from './ColumnResizer.js';
import { MAX_PX, useVirtual } from './useVirtual.js';
import { formatRowTime, timeFormatLabel, type TimeFormat } from '../../core/api/time-format.js';

export const ROW_H = 20;
export const HEADER_H = 22;

export const COLUMNS = [
  { key: 'no', title: 'No.', width: 70, align: 'right' },
  { key: 'time', title: 'Time', width: 110, align: 'right' },
  { key: 'source', title: 'Source', width: 170, align: 'left' },
  { key: 'destination', title: 'Destination', width: 170, align: 'left' },
  { key: 'protocol', title: 'Protocol', width: 80, align: 'left' },
  { key: 'length', title: 'Length', width: 70, align: 'right' },
  { key: 'info', title: 'Info', width: 0, align: 'left' },
] as const;

/** The Time column's width for a format: the dated ones need room for a date and nanoseconds. */
export function timeWidth(f: TimeFormat): number {
  if (f === 'ad' || f === 'ud' || f === 'adoy' || f === 'udoy') return 230;
  if (f === 'e') return 170;
  if (f === 'a' || f === 'u') return 140;
  return 110;
}

export function PacketList() {
  const displayed = useApp((s) => s.displayed);
  const selectedPos = useApp((s) => s.selectedPos);
  useApp((s) => s.rowsTick);
  const view = useApp((s) => s.view);
  const row = useApp((s) => s.row);
  const ensureRows = useApp((s) => s.ensureRows);
  const select = useApp((s) => s.select);
  const sort = useApp((s) => s.sort);
  const sortBy = useApp((s) => s.sortBy);
  const capturing = useApp((s) => s.live !== null);
  const { ref, onScroll, win, ensureVisible } = useVirtual(displayed, ROW_H, HEADER_H);
  const timeFormat = useApp((s) => s.timeFormat);
  const [widths, setWidths] = useState<number[]>(
    COLUMNS.map((c) => (c.key === 'time' ? timeWidth(timeFormat) : c.width)),
  );
  // A new format brings its own Time column width (a date does not fit where seconds did).
  const shownFormat = useRef(timeFormat);
  useEffect(() => {
    if (shownFormat.current === timeFormat) return;
    shownFormat.current = timeFormat;
    const i = COLUMNS.findIndex((c) => c.key === 'time');
    setWidths((ws) => ws.map((w, j) => (j === i ? timeWidth(timeFormat) : w)));
  }, [timeFormat]);
  const prevRows = useRef(displayed);

  useEffect(() => {
    if (win.count > 0) ensureRows(win.first, win.count);
  }, [win.first, win.count, view, displayed, ensureRows]);

  // While capturing, a user at the bottom of the list (or with all rows in view) follows the newest packet,
  // as in Wireshark; one who scrolled up stays where they are.
  useEffect(() => {
    const el = ref.current;
    const prev = prevRows.current;
    prevRows.current = displayed;
    if (!el || !capturing || displayed <= prev) return;
    const prevBottom = HEADER_H + Math.min(prev * ROW_H, MAX_PX);
    if (el.scrollTop + el.clientHeight >= prevBottom - ROW_H) ensureVisible(displayed - 1);
  }, [capturing, displayed, ensureVisible, ref]);

  useEffect(() => {
    if (selectedPos >= 0) ensureVisible(selectedPos);
  }, [selectedPos, ensureVisible]);

  useEffect(() => {
    const el = ref.current;
    if (el && view > 0 && selectedPos < 0) el.scrollTop = 0;
  }, [view, selectedPos, ref]);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, win.viewRows - 1);
    const cur = selectedPos < 0 ? -1 : selectedPos;
    const to: Record<string, number> = {
      ArrowDown: cur + 1,
      ArrowUp: cur - 1,
      PageDown: cur + page,
      PageUp: cur - page,
      Home: 0,
      End: displayed - 1,
    };
    if (e.key in to && !e.ctrlKey && !e.metaKey && displayed > 0) {
      e.preventDefault();
      void select(Math.max(0, Math.min(displayed - 1, to[e.key])));
    }
  };

  const template = widths.map((w) => (w ? `${w}px` : 'minmax(200px, 1fr)')).join(' ');
  const setWidth = (i: number, w: number) => setWidths((ws) => ws.map((x, j) => (j === i ? w : x)));

  const rows = [];
  for (let i = win.first; i < win.first + win.count; i++) {
    const r = row(i);
    const c = rowColors(r?.color);
    const selected = i === selectedPos;
    rows.push(
      <div
        key={i}
        role="row"
        aria-selected={selected}
        data-testid="packet-row"
        data-no={r?.no}
        data-color={r?.color ?? ''}
        className={'pl-row' + (selected ? ' selected' : '')}
        style={{
          top: win.top + (i - win.first) * ROW_H,
          gridTemplateColumns: template,
          ...(c && !selected ? { background: c.bg, color: c.fg } : {}),
        }}
        onMouseDown={() => void select(i)}
      >
        {r ? (
          <>
            <span className="num">{r.no}</span>
            <span className="num" data-testid="time-cell">
              {formatRowTime(r, timeFormat)}
            </span>
            <span>{r.source}</span>
            <span>{r.destination}</span>
            <span>{r.protocol}</span>
            <span className="num">{r.length}</span>
            <span>{r.info}</span>
          </>
        ) : (
          <span className="loading">…</span>
        )}
      </div>,
    );
  }

  return (
    <div className="packet-list">
      <div
        ref={ref}
        className="pl-body"
        data-testid="packet-list"
        role="grid"
        aria-rowcount={displayed}
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKey}
      >
        <div className="pl-header" role="row" style={{ gridTemplateColumns: template }}>
          {COLUMNS.map((c, i) => (
            <span
              key={c.key}
              role="columnheader"
              aria-label={c.title}
              aria-sort={sort?.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
              className={c.align === 'right' ? 'num sortable' : 'sortable'}
              onClick={() => void sortBy(c.key)}
              title={
                (c.key === 'time'
                  ? `Time: ${timeFormatLabel(timeFormat)} (View › Time Display Format)\n`
                  : '') + 'Sort (click again: descending, a third time: capture order)'
              }
            >
              {c.title}
              {sort?.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
              {c.width ? (
                <ColumnResizer
                  width={widths[i]}
                  title={c.title}
                  onResize={(w) => setWidth(i, w)}
                  onReset={() => setWidth(i, c.key === 'time' ? timeWidth(timeFormat) : c.width)}
                />
              ) : null}
            </span>
          ))}
        </div>
        <div className="pl-spacer" style={{ height: win.height }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
