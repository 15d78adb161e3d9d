import { useEffect } from 'react';
import { useApp } from '../state/context.js';
import { findNode } from '../state/tree.js';
import { useVirtual } from './useVirtual.js';

const LINE_H = 18;
const hex2 = (b: number) => b.toString(16).padStart(2, '0');
const printable = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

export function HexDump() {
  const detail = useApp((s) => s.detail);
  const tab = useApp((s) => s.sourceTab);
  const selectedNode = useApp((s) => s.selectedNode);
  const setSourceTab = useApp((s) => s.setSourceTab);
  const selectByte = useApp((s) => s.selectByte);
  const sources = detail?.sources ?? [];
  const src = sources[tab] ?? sources[0];
  const bytes = src?.bytes ?? new Uint8Array(0);
  const lines = Math.ceil(bytes.length / 16);
  const { ref, onScroll, win, ensureVisible } = useVirtual(lines, LINE_H);
  const node = detail && selectedNode !== null ? findNode(detail.tree, selectedNode)?.node : undefined;
  const hl = node && node.src === tab && node.len > 0 ? [node.off, node.off + node.len] : null;
  const offW = bytes.length > 0xffff ? 8 : 4;

  useEffect(() => {
    if (hl) ensureVisible(Math.floor(hl[0] / 16));
  }, [hl?.[0], tab]);

  const out = [];
  for (let l = win.first; l < win.first + win.count; l++) {
    const base = l * 16;
    const hexCells = [];
    const ascCells = [];
    for (let i = 0; i < 16; i++) {
      const o = base + i;
      if (o >= bytes.length) {
        hexCells.push(
          <span key={i} className={'b pad' + (i === 8 ? ' gap' : '')}>
            {'  '}
          </span>,
        );
        continue;
      }
      const on = hl !== null && o >= hl[0] && o < hl[1];
      const cls = on ? 'b hl' : 'b';
      hexCells.push(
        <span
          key={i}
          className={cls + (i === 8 ? ' gap' : '')}
          data-off={o}
          onMouseDown={() => selectByte(tab, o)}
        >
          {hex2(bytes[o])}
        </span>,
      );
      ascCells.push(
        <span key={i} className={cls} data-off={o} onMouseDown={() => selectByte(tab, o)}>
          {printable(bytes[o])}
        </span>,
      );
    }
    out.push(
      <div key={l} className="hx-line" style={{ top: win.top + (l - win.first) * LINE_H }}>
        <span className="hx-off">{base.toString(16).padStart(offW, '0')}</span>
        <span className="hx-hex">{hexCells}</span>
        <span className="hx-asc">{ascCells}</span>
      </div>,
    );
  }

  return (
    <div className="hex-pane">
      <div ref={ref} className="hex-dump" data-testid="hex-dump" onScroll={onScroll}>
        <div className="hx-spacer" style={{ height: win.height }}>
          {out}
        </div>
      </div>
      {sources.length > 1 && (
        <div className="hx-tabs" role="tablist">
          {sources.map((s, i) => (
            <button
              key={i}
              role="tab"
              aria-selected={i === tab}
              className={i === tab ? 'active' : ''}
              onClick={() => setSourceTab(i)}
            >
              {/\d+ bytes?\b/.test(s.name) ? s.name : `${s.name} (${s.bytes.length})`}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
