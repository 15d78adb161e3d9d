/**
 * Own virtualisation for fixed-height rows: only the rows in view (plus overscan) are rendered. Browsers cap
 * an element's height (~33M px in Chromium), so beyond MAX_PX the scroll range is scaled onto the row range.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export const MAX_PX = 15_000_000;

export interface VirtualWindow {
  first: number;
  count: number;
  /** Pixel offset of row `first` inside the scroller's content. */
  top: number;
  height: number;
  viewRows: number;
}

export function computeWindow(
  rows: number,
  rowH: number,
  scrollTop: number,
  viewH: number,
  overscan = 8,
): VirtualWindow {
  const full = rows * rowH;
  const height = Math.min(full, MAX_PX);
  const viewRows = Math.max(1, Math.floor(viewH / rowH));
  let firstExact: number;
  if (full <= MAX_PX || height <= viewH) firstExact = scrollTop / rowH;
  else firstExact = (scrollTop / (height - viewH)) * Math.max(0, rows - viewRows);
  const first = Math.max(0, Math.min(rows - 1, Math.floor(firstExact) - overscan));
  const count = Math.max(0, Math.min(rows - first, viewRows + 2 * overscan + 2));
  // Row `first` sits where the unscaled row would be, relative to the viewport.
  const top = scrollTop + (first - firstExact) * rowH;
  return { first, count, top: Math.max(0, top), height, viewRows };
}

/** scrollTop that brings row `i` into view (keeping it where it is when already visible). */
export function scrollFor(i: number, rows: number, rowH: number, scrollTop: number, viewH: number): number {
  const full = rows * rowH;
  const height = Math.min(full, MAX_PX);
  const viewRows = Math.max(1, Math.floor(viewH / rowH));
  const pos = (t: number) =>
    full <= MAX_PX ? t / rowH : (t / Math.max(1, height - viewH)) * Math.max(0, rows - viewRows);
  const toTop = (firstRow: number) =>
    full <= MAX_PX ? firstRow * rowH : (firstRow / Math.max(1, rows - viewRows)) * (height - viewH);
  const firstVisible = pos(scrollTop);
  if (i < firstVisible) return toTop(i);
  if (i + 1 > firstVisible + viewH / rowH) return toTop(Math.max(0, i + 1 - viewH / rowH));
  return scrollTop;
}

/** `reserve`: pixels of the viewport taken by a sticky header inside the scroller. */
export function useVirtual(rows: number, rowH: number, reserve = 0) {
  const ref = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewH, setViewH] = useState(400);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setViewH(Math.max(rowH, (el.clientHeight || 400) - reserve));
    measure();
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : undefined;
    ro?.observe(el);
    return () => ro?.disconnect();
  }, [reserve, rowH]);
  const onScroll = useCallback(() => setScrollTop(ref.current?.scrollTop ?? 0), []);
  const ensureVisible = useCallback(
    (i: number) => {
      const el = ref.current;
      if (!el) return;
      const t = scrollFor(i, rows, rowH, el.scrollTop, el.clientHeight ? el.clientHeight - reserve : viewH);
      if (t !== el.scrollTop) {
        el.scrollTop = t;
        setScrollTop(t);
      }
    },
    [rows, rowH, viewH, reserve],
  );
  return { ref, onScroll, win: computeWindow(rows, rowH, scrollTop, viewH), ensureVisible, viewH };
}
