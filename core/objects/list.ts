/** The HTTP object list (File > Export Objects > HTTP) of an open capture, and the bytes of each object. */
import type { HttpObject } from '../api/types.js';
import { httpState, type HttpObjectRecord } from '../protocols/l7-http.js';
import type { CaptureSession } from '../session/session.js';
import { itemBytes } from '../dissect/engine.js';
import { registry } from '../fields/registry.js';
import { tsharkName, uniqueNames } from './naming.js';

export interface ObjectEntry extends HttpObject {
  record: HttpObjectRecord;
}

/** Every HTTP object of the capture, in frame order, named as tshark names them (duplicates numbered). */
export function listObjects(session: CaptureSession, signal?: AbortSignal): ObjectEntry[] {
  session.analyseTo(session.total, signal);
  const records = httpState({ state: session.captureState }).objects;
  const names = uniqueNames(
    records.map((r) => tsharkName(r.hasUri ? r.uri : undefined, r.frame, r.contentType)),
  );
  return records.map((r, index) => ({
    index,
    frame: r.frame,
    ...(r.requestFrame !== undefined ? { requestFrame: r.requestFrame } : {}),
    host: r.host,
    contentType: r.contentType,
    size: r.size,
    filename: names[index],
    uri: r.uri,
    source: r.source,
    destination: r.destination,
    record: r,
  }));
}

let fileDataOnly: ReadonlySet<number> | undefined;

/** The body bytes of one object (de-chunked and decompressed, as tshark exports them). */
export function objectBytes(session: CaptureSession, entry: ObjectEntry): Uint8Array {
  const f = registry.get('http.file_data');
  // Only the bodies are recorded (no tree labels, no header items): one constant selection, so the engine's
  // per-selection caches hold across objects.
  fileDataOnly ??= new Set(f ? [f.id] : []);
  const d = session.dissect(entry.frame, fileDataOnly);
  const items = f ? (d.byField.get(f.id) ?? []) : [];
  const item = items[entry.record.fileData];
  if (!item)
    throw new Error(
      `object ${entry.index} (${entry.filename}): its body could not be found in frame ${entry.frame}`,
    );
  return itemBytes(d, item).slice();
}
