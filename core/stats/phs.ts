/**
 * Protocol Hierarchy Statistics, as `tshark -q -z io,phs`: each frame contributes its top-level protocol items
 * in tree order (frame itself excluded) as one path; nodes count frames and bytes (frame length).
 */
import type { Dissection } from '../dissect/types.js';
import type { PhsNode } from '../api/types.js';

export type { PhsNode } from '../api/types.js';

export class PhsBuilder {
  readonly root: PhsNode = { name: '', frames: 0, bytes: 0, children: [] };

  add(d: Dissection): void {
    let node = this.root;
    const len = d.frame.origLen;
    // tshark builds the hierarchy from the frame's top-level tree items: its protocol list (frame.protocols) less
    // the 'ethertype' marker and the layers nested in another's tree, plus the reassembled-segments line.
    const nested = d.nestedLayers;
    for (let i = 0; i < d.layers.length; i++) {
      const name = d.layers[i];
      if (name === 'ethertype' || name === '_ws.expert' || nested?.includes(i)) continue;
      let child = node.children.find((c) => c.name === name);
      if (!child) node.children.push((child = { name, frames: 0, bytes: 0, children: [] }));
      child.frames++;
      child.bytes += len;
      node = child;
    }
  }

  /** The text tshark prints, byte for byte. */
  format(filter = ''): string {
    const lines = [
      '',
      '===================================================================',
      'Protocol Hierarchy Statistics',
      `Filter: ${filter}`,
      '',
    ];
    const walk = (n: PhsNode, depth: number) => {
      for (const c of n.children) {
        lines.push(`${`${'  '.repeat(depth)}${c.name}`.padEnd(41)}frames:${c.frames} bytes:${c.bytes}`);
        walk(c, depth + 1);
      }
    };
    walk(this.root, 0);
    lines.push('===================================================================', '');
    return lines.join('\n');
  }
}
