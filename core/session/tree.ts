/** Turns an engine dissection into the serialisable tree the UI shows (core/api TreeNode). */
import { formatIPv4, formatIPv6, formatEther, formatValue, isTimeValue } from '../fields/format.js';
import { asciiDump, toHex } from '../bytes/byteview.js';
import { itemBytes, itemLabel } from '../dissect/engine.js';
import { displayText } from '../fields/text.js';
import type { Dissection, Item } from '../dissect/types.js';
import type { TreeNode } from '../api/types.js';

/** A display-filter expression that selects this item's value (Wireshark's "Apply as Filter"). */
export function filterFor(d: Dissection, item: Item): string | undefined {
  const f = item.field;
  if (f.abbrev.startsWith('_ws.') && f.kind !== 'protocol') return undefined;
  const v = item.value;
  switch (f.kind) {
    case 'protocol':
      return f.abbrev;
    case 'none':
      return undefined;
    case 'bool':
      return `${f.abbrev} == ${v ? 1 : 0}`;
    case 'uint':
    case 'int':
    case 'framenum':
      return typeof v === 'number' || typeof v === 'bigint'
        ? `${f.abbrev} == ${f.base === 'hex' || f.base === 'hex_dec' ? '0x' + v.toString(16) : v.toString()}`
        : f.abbrev;
    case 'float':
      return `${f.abbrev} == ${String(v)}`;
    case 'string':
      return typeof v === 'string' ? `${f.abbrev} == ${JSON.stringify(v)}` : f.abbrev;
    case 'ipv4':
      return typeof v === 'number' ? `${f.abbrev} == ${formatIPv4(v)}` : f.abbrev;
    case 'ipv6':
      return v instanceof Uint8Array ? `${f.abbrev} == ${formatIPv6(v)}` : f.abbrev;
    case 'ether':
      return v instanceof Uint8Array ? `${f.abbrev} == ${formatEther(v)}` : f.abbrev;
    case 'bytes': {
      const b = v instanceof Uint8Array ? v : itemBytes(d, item);
      return b.length ? `${f.abbrev} == ${toHex(b, ':')}` : f.abbrev;
    }
    case 'abs_time':
    case 'rel_time':
      return isTimeValue(v) ? `${f.abbrev} == ${v.s}.${String(v.ns).padStart(9, '0')}` : f.abbrev;
    default:
      return f.abbrev;
  }
}

export function toTree(d: Dissection): TreeNode[] {
  let next = 0;
  const conv = (item: Item): TreeNode | undefined => {
    if (item.hidden) return undefined;
    const text = itemLabel(item);
    const node: TreeNode = {
      id: next++,
      // Generated items travel without their brackets: the UI marks them (and shows the brackets) itself.
      label: item.generated && text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text,
      field: item.field.abbrev,
      src: item.src,
      off: item.off,
      len: item.len,
    };
    const filter = filterFor(d, item);
    if (filter) node.filter = filter;
    if (item.value !== null && item.field.kind !== 'protocol')
      node.value = displayText(formatValue(item.field, item.value));
    if (item.generated) node.generated = true;
    // An expert message may quote the packet (HTTP's note repeats the request line): escaped like the labels.
    if (item.expert) node.expert = { level: item.expert.severity, message: displayText(item.expert.message) };
    if (item.children?.length) {
      const kids = item.children.map(conv).filter((x): x is TreeNode => x !== undefined);
      if (kids.length) node.children = kids;
    }
    return node;
  };
  return d.tree.map(conv).filter((x): x is TreeNode => x !== undefined);
}

/**
 * The tree as `tshark -V` prints it: one line per shown item, four spaces of indent per level, generated items in
 * [brackets], hidden items left out.
 */
export function treeText(d: Dissection): string {
  const lines: string[] = [];
  const walk = (item: Item, depth: number): void => {
    if (item.hidden) return;
    lines.push(' '.repeat(4 * depth) + itemLabel(item));
    // tshark -V dumps the bytes of undissected data after its line (a blank line, then hex and ASCII).
    if (item.field.kind === 'protocol' && item.field.abbrev === 'data') {
      lines.push('');
      hexDumpLines(itemBytes(d, item), lines);
    }
    for (const c of item.children ?? []) walk(c, depth + 1);
  };
  for (const item of d.tree) walk(item, 0);
  return lines.join('\n') + '\n';
}

/**
 * Bytes as tshark prints them: 16 a line, the offset in hex (4 digits, more for longer data), the bytes in hex,
 * then as ASCII (a dot for anything not printable).
 */
export function hexDumpLines(b: Uint8Array, out: string[]): void {
  const digits = Math.max(4, Math.max(0, b.length - 1).toString(16).length);
  for (let o = 0; o < b.length; o += 16) {
    const row = b.subarray(o, o + 16);
    out.push(`${o.toString(16).padStart(digits, '0')}  ${toHex(row, ' ').padEnd(47)}   ${asciiDump(row)}`);
  }
}
