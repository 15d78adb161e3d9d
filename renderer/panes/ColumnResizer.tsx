/**
 * The handle on a column header's right edge, shared by the packet list and the Statistics tables. Drag it to
 * resize the column (never narrower than MIN_COL_W); double-click it to give the column its default width back.
 * It is a focusable vertical separator: ←/→ resize by 10 px (Shift: 50 px), Enter resets. The owner keeps the
 * widths: `onResize` may be called from a drag that started several renders ago, so it should update state
 * with a functional update rather than from values it closed over.
 */
import type { KeyboardEvent, MouseEvent as ReactMouseEvent } from 'react';

export const MIN_COL_W = 30;
export const MAX_COL_W = 2000;

const clamp = (w: number): number => Math.round(Math.min(MAX_COL_W, Math.max(MIN_COL_W, w)));

interface Props {
  width: number;
  /** The column's title, for the handle's accessible name. */
  title: string;
  onResize(width: number): void;
  onReset(): void;
}

export function ColumnResizer({ width, title, onResize, onReset }: Props) {
  const onMouseDown = (e: ReactMouseEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const x0 = e.clientX;
    let moved = false;
    const root = document.documentElement;
    root.classList.add('col-resizing');
    const move = (ev: MouseEvent) => {
      if (ev.clientX !== x0) moved = true;
      onResize(clamp(width + ev.clientX - x0));
    };
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      root.classList.remove('col-resizing');
      if (!moved) return;
      // A drag that ends off the handle (held below the minimum width) still fires a click on the header
      // around it, which would sort the table: swallow the click that ends the drag.
      const swallow = (ev: MouseEvent) => ev.stopPropagation();
      window.addEventListener('click', swallow, { capture: true, once: true });
      setTimeout(() => window.removeEventListener('click', swallow, { capture: true }), 0);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 50 : 10;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight')
      onResize(clamp(width + (e.key === 'ArrowLeft' ? -step : step)));
    else if (e.key === 'Enter') onReset();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <i
      className="col-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${title} column`}
      aria-valuenow={width}
      aria-valuemin={MIN_COL_W}
      aria-valuemax={MAX_COL_W}
      aria-valuetext={`${width} pixels`}
      tabIndex={0}
      title="Drag to resize, double-click for the default width"
      onMouseDown={onMouseDown}
      onClick={(e) => e.stopPropagation()}
      onDoubleClick={(e) => {
        e.stopPropagation();
        onReset();
      }}
      onKeyDown={onKeyDown}
    />
  );
}
