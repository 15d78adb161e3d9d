import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { TreeNode } from '../../core/api/types.js';
import { useApp } from '../state/context.js';
import { expandKey, flattenVisible } from '../state/tree.js';
import { copyText as copy } from '../clipboard.js';

interface Menu {
  x: number;
  y: number;
  node: TreeNode;
}

export function DetailTree() {
  const detail = useApp((s) => s.detail);
  const expanded = useApp((s) => s.expanded);
  const selectedNode = useApp((s) => s.selectedNode);
  const selectNode = useApp((s) => s.selectNode);
  const toggle = useApp((s) => s.toggle);
  const expandTree = useApp((s) => s.expandTree);
  const applyFilter = useApp((s) => s.applyFilter);
  const setFilterText = useApp((s) => s.setFilterText);
  const validate = useApp((s) => s.validate);
  const setPanel = useApp((s) => s.setPanel);
  const [menu, setMenu] = useState<Menu | null>(null);
  const ref = useRef<HTMLDivElement | null>(null);

  const flat = detail ? flattenVisible(detail.tree, expanded) : [];
  const idx = flat.findIndex((f) => f.node.id === selectedNode);

  useEffect(() => {
    if (selectedNode === null) return;
    ref.current?.querySelector('.ti.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selectedNode, detail]);

  useEffect(() => {
    if (!menu) return;
    const close = () => setMenu(null);
    window.addEventListener('click', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('click', close);
      window.removeEventListener('keydown', close);
    };
  }, [menu]);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (flat.length === 0) return;
    const cur = idx < 0 ? null : flat[idx];
    const key = e.key;
    // Wireshark's keys: Ctrl+Right / Ctrl+Left expand / collapse all, Shift+Right expands the item's subtrees.
    if ((key === 'ArrowRight' || key === 'ArrowLeft') && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      expandTree(null, key === 'ArrowRight');
      return;
    }
    if (key === 'ArrowRight' && e.shiftKey && cur) {
      e.preventDefault();
      expandTree(cur.node.id, true);
      return;
    }
    if (key === 'ArrowDown' || key === 'ArrowUp') {
      e.preventDefault();
      const next = idx < 0 ? 0 : Math.max(0, Math.min(flat.length - 1, idx + (key === 'ArrowDown' ? 1 : -1)));
      selectNode(flat[next].node.id);
    } else if (key === 'ArrowRight' && cur) {
      e.preventDefault();
      if (cur.node.children?.length) {
        if (!expanded.has(expandKey(cur.node))) toggle(cur.node.id, true);
        else selectNode(cur.node.children[0].id);
      }
    } else if (key === 'ArrowLeft' && cur) {
      e.preventDefault();
      if (cur.node.children?.length && expanded.has(expandKey(cur.node))) toggle(cur.node.id, false);
      else if (cur.parent !== null) selectNode(cur.parent);
    } else if ((key === 'Enter' || key === ' ') && cur) {
      e.preventDefault();
      toggle(cur.node.id);
    }
  };

  if (!detail) {
    return (
      <div className="detail-tree empty" data-testid="detail-tree">
        No packet selected.
      </div>
    );
  }

  const menuItems: [string, () => void][] = menu
    ? [
        ['Apply as Filter', () => void applyFilter(menu.node.filter ?? menu.node.field)],
        [
          'Prepare as Filter',
          () => {
            const f = menu.node.filter ?? menu.node.field;
            setFilterText(f);
            void validate(f);
          },
        ],
        ['Expand Subtrees', () => expandTree(menu.node.id, true)],
        ['Collapse Subtrees', () => expandTree(menu.node.id, false)],
        ['Expand All', () => expandTree(null, true)],
        ['Collapse All', () => expandTree(null, false)],
        ['Copy value', () => void copy(menu.node.value ?? menu.node.label)],
        ['Copy field name', () => void copy(menu.node.field)],
        ['Follow Stream', () => setPanel('follow')],
      ]
    : [];

  return (
    <div
      ref={ref}
      className="detail-tree"
      data-testid="detail-tree"
      role="tree"
      tabIndex={0}
      onKeyDown={onKey}
    >
      {flat.map(({ node, depth }) => {
        const hasKids = !!node.children?.length;
        const open = hasKids && expanded.has(expandKey(node));
        const cls = ['ti'];
        if (node.id === selectedNode) cls.push('selected');
        if (node.generated) cls.push('generated');
        if (node.expert) cls.push(`expert-${node.expert.level}`);
        return (
          <div
            key={node.id}
            role="treeitem"
            aria-expanded={hasKids ? open : undefined}
            aria-selected={node.id === selectedNode}
            aria-level={depth + 1}
            data-testid="tree-item"
            data-id={node.id}
            data-field={node.field}
            className={cls.join(' ')}
            style={{ paddingLeft: 6 + depth * 16 }}
            onMouseDown={() => selectNode(node.id)}
            onDoubleClick={() => hasKids && toggle(node.id)}
            onContextMenu={(e) => {
              e.preventDefault();
              selectNode(node.id);
              setMenu({ x: e.clientX, y: e.clientY, node });
            }}
          >
            <span
              className={'twisty' + (hasKids ? '' : ' leaf')}
              onMouseDown={(e) => {
                e.stopPropagation();
                if (hasKids) toggle(node.id);
              }}
            >
              {hasKids ? (open ? '▾' : '▸') : ''}
            </span>
            {node.generated ? `[${node.label}]` : node.label}
          </div>
        );
      })}
      {menu && (
        <div className="context-menu" role="menu" style={{ left: menu.x, top: menu.y }}>
          {menuItems.map(([label, run]) => (
            <div
              key={label}
              role="menuitem"
              className="mi"
              onMouseDown={(e) => e.stopPropagation()}
              onClick={() => {
                run();
                setMenu(null);
              }}
            >
              {label}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
