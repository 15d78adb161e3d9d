/**
 * Byte views the dissection state keeps that hold on to much more memory than they show: a 32-byte TLS random
 * kept as a view of the reader's 4 MiB chunk keeps the whole chunk alive for as long as the capture is open.
 * Long-lived state must copy what it keeps.
 */

/**
 * Walks everything reachable from `root` (objects, arrays, Maps, Sets) and counts, by path (array indexes and
 * Map keys folded), the typed arrays that are views of under a quarter of a buffer over 8 KiB (Node's pool
 * slabs for small Buffers are 8 KiB and shared by design).
 */
export function pinningViews(root: unknown): Map<string, number> {
  const seen = new Set<unknown>();
  const found = new Map<string, number>();
  const stack: [unknown, string][] = [[root, '']];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [o, path] = next;
    if (o === null || typeof o !== 'object' || seen.has(o)) continue;
    seen.add(o);
    if (ArrayBuffer.isView(o)) {
      if (o.buffer.byteLength > 8192 && o.byteLength * 4 < o.buffer.byteLength)
        found.set(path, (found.get(path) ?? 0) + 1);
    } else if (o instanceof Map) {
      for (const [k, v] of o) stack.push([k, `${path}<key>`], [v, `${path}<>`]);
    } else if (o instanceof Set) {
      for (const v of o) stack.push([v, `${path}{}`]);
    } else if (Array.isArray(o)) {
      for (const v of o) stack.push([v, `${path}[]`]);
    } else {
      for (const [k, v] of Object.entries(o)) stack.push([v, `${path}.${k}`]);
    }
  }
  return found;
}
