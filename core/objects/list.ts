/** The HTTP object list (File > Export Objects > HTTP) of an open capture, and the bytes of each object. */
import type { HttpObject } from '../api/types.js';
import { httpState, type HttpObjectRecord } from '../protocols/l7-http.js';
import type { CaptureSession } from '../session/session.js';
import { itemBytes } from '../dissect/engine.js';
import { registry } from '../fields/registry.js';
import { NameAllocator, tsharkName, uniqueNames } from './naming.js';

export interface ObjectEntry extends HttpObject {
  record: HttpObjectRecord;
}

/** Every HTTP object of the capture, in frame order, named as tshark names them (duplicates numbered). */
export function listObjects(session: CaptureSession, signal?: AbortSignal): ObjectEntry[] {
  session.analyseTo(session.total, signal);
  const records = httpState({ state: session.captureState }).objects;
  const names = uniqueNames(records.map(baseName));
  return records.map((r, index) => toEntry(r, index, names[index]));
}

const baseName = (r: HttpObjectRecord) => tsharkName(r.hasUri ? r.uri : undefined, r.frame, r.contentType);

function toEntry(r: HttpObjectRecord, index: number, filename: string): ObjectEntry {
  return {
    index,
    frame: r.frame,
    ...(r.requestFrame !== undefined ? { requestFrame: r.requestFrame } : {}),
    host: r.host,
    contentType: r.contentType,
    size: r.size,
    filename,
    uri: r.uri,
    source: r.source,
    destination: r.destination,
    record: r,
  };
}

/**
 * Numbers and names objects as they come in frame order: index from 0, tshark's name with "(n)" for the names
 * taken before.
 */
export function entryNamer(): (r: HttpObjectRecord) => ObjectEntry {
  const names = new NameAllocator(Infinity);
  let index = 0;
  return (r) => toEntry(r, index++, names.next(baseName(r)));
}

/** Frames the first pass takes between two turns of the event loop in forEachObject. */
const SLICE = 4096;

/**
 * Every object of the capture with its bytes, as listObjects and objectBytes give them, handed to `take` in
 * order. Objects the first pass has not reached yet are handed over as it finds them, so their frames are not
 * dissected a second time (an export of a capture just opened dissects each frame once). The first pass runs in
 * slices with a turn of the event loop between them (the capture's own SHA-256 proceeds, other requests are
 * served; objects their first-pass work finds come here too). The bytes are the caller's to keep.
 */
export async function forEachObject(
  session: CaptureSession,
  take: (entry: ObjectEntry, bytes: Uint8Array) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const st = httpState({ state: session.captureState });
  if (st.onObject) throw new Error('another object walk is running on this capture');
  const entry = entryNamer();
  // Objects found before this walk: their frames are dissected again.
  const known = st.objects.slice();
  const found: [ObjectEntry, Uint8Array][] = [];
  st.onObject = (r, body) => void found.push([entry(r), body.slice()]);
  try {
    for (const r of known) {
      const e = entry(r);
      await take(e, objectBytes(session, e));
    }
    while (session.analysedCount < session.total) {
      session.analyseTo(session.analysedCount + SLICE, signal);
      for (const [e, bytes] of found.splice(0)) await take(e, bytes);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    st.onObject = undefined;
  }
}

let fileDataOnly: ReadonlySet<number> | undefined;

/** The body bytes of one object (de-chunked and decompressed, as tshark exports them). */
export function objectBytes(session: CaptureSession, entry: ObjectEntry): Uint8Array {
  const f = registry.get('http.file_data');
  // Only the bodies are recorded (no tree labels, no header items): one constant selection, so the engine's
  // per-selection caches hold across objects.
  fileDataOnly ??= new Set(f ? [f.id] : []);
  const d = session.dissect(entry.frame, fileDataOnly);
  const lost = () =>
    new Error(
      `object ${entry.index} (${entry.filename}): its body could not be found in frame ${entry.frame}`,
    );
  const at = entry.record.at;
  if (at) {
    // A body the frame shows no HTTP layer for: where the first pass found it.
    const src = d.sources[at.src]?.bytes;
    if (!src || at.off + at.len > src.length) throw lost();
    return src.slice(at.off, at.off + at.len);
  }
  const item = f ? d.byField.get(f.id)?.[entry.record.fileData] : undefined;
  if (!item) throw lost();
  return itemBytes(d, item).slice();
}
