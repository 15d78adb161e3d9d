/** Choosing objects to export: by index, by type (gif, image/png, …) or by a display filter on their frame. */
import { compileFilter } from '../dfilter/index.js';
import type { CaptureSession } from '../session/session.js';
import { extensionOf } from '../forensics/signature.js';
import { listObjects, objectBytes, type ObjectEntry } from './list.js';
import type { Exportable } from './export.js';

export function matchesType(o: ObjectEntry, type: string): boolean {
  const t = type.toLowerCase().replace(/^\./, '');
  if (t.includes('/')) return o.contentType.toLowerCase() === t;
  return extensionOf(o.filename) === t || o.contentType.toLowerCase().split('/')[1] === t;
}

export function selectObjects(
  session: CaptureSession,
  opts: { indices?: number[]; type?: string; filter?: string },
): ObjectEntry[] {
  let objs = listObjects(session);
  if (opts.indices) {
    const want = new Set(opts.indices);
    objs = objs.filter((o) => want.has(o.index));
  }
  if (opts.type) objs = objs.filter((o) => matchesType(o, opts.type!));
  if (opts.filter) {
    const c = compileFilter(opts.filter);
    if (!c.ok)
      throw new Error(`invalid filter: ${c.error.message} (at ${c.error.span[0]}–${c.error.span[1]})`);
    const frames = new Set(session.runFilter(c.filter));
    objs = objs.filter((o) => frames.has(o.frame));
  }
  return objs;
}

export function exportable(session: CaptureSession, o: ObjectEntry): Exportable {
  return { ...o, bytes: () => objectBytes(session, o) };
}
