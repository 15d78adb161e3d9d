/** Pure helpers over the packet detail tree (core/api TreeNode). */
import type { TreeNode } from '../../core/api/types.js';

/** Expansion is remembered per field (like Wireshark's subtree types), so it carries across packets. */
export const expandKey = (n: TreeNode): string => n.field || n.label;

export interface FlatNode {
  node: TreeNode;
  depth: number;
  parent: number | null;
}

/** The visible rows of the tree in pre-order, given which subtrees are expanded. */
export function flattenVisible(tree: TreeNode[], expanded: ReadonlySet<string>): FlatNode[] {
  const out: FlatNode[] = [];
  const walk = (nodes: TreeNode[], depth: number, parent: number | null) => {
    for (const n of nodes) {
      out.push({ node: n, depth, parent });
      if (n.children?.length && expanded.has(expandKey(n))) walk(n.children, depth + 1, n.id);
    }
  };
  walk(tree, 0, null);
  return out;
}

/** Node by id, with the ids of its ancestors (outermost first). */
export function findNode(tree: TreeNode[], id: number): { node: TreeNode; path: TreeNode[] } | undefined {
  const path: TreeNode[] = [];
  const walk = (nodes: TreeNode[]): TreeNode | undefined => {
    for (const n of nodes) {
      if (n.id === id) return n;
      if (n.children) {
        path.push(n);
        const f = walk(n.children);
        if (f) return f;
        path.pop();
      }
    }
    return undefined;
  };
  const node = walk(tree);
  return node ? { node, path } : undefined;
}

/** The deepest (then narrowest) item whose bytes cover `offset` in data source `src`. */
export function deepestAt(tree: TreeNode[], src: number, offset: number): TreeNode | undefined {
  let best: TreeNode | undefined;
  let bestDepth = -1;
  const walk = (nodes: TreeNode[], depth: number) => {
    for (const n of nodes) {
      const covers = n.src === src && n.len > 0 && offset >= n.off && offset < n.off + n.len;
      if (covers && (depth > bestDepth || (depth === bestDepth && best && n.len < best.len))) {
        best = n;
        bestDepth = depth;
      }
      if (n.children) walk(n.children, depth + 1);
    }
  };
  walk(tree, 0);
  return best;
}
