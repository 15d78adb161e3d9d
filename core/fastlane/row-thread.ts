/**
 * Where the fast lane's row records (core/fastlane/records.ts) become text: on the lane's own thread as each
 * batch fills (`inlineRows`), or on a thread of their own (`threadRows`, bin/row-worker.mjs running
 * `runRowWorker`), so that on a machine with two cores formatting a million rows overlaps reading the capture.
 * Either way the lane's pass ends with one RowStore of every row; should the thread fail, the records it was
 * sent are formatted here instead (nothing is lost).
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import { formatRecords, RowRecords, type RecordBatch } from './records.js';
import { RowStore, type RowStoreParts } from './rowstore.js';

/** The records of a pass, and the store of their rows once every record is written. */
export interface RowFormatting {
  readonly records: RowRecords;
  /** The rows of every record written (after the last one). */
  finish(): Promise<RowStore>;
}

/** Rows formatted on this thread, each batch as it fills. */
export function inlineRows(frames: number): RowFormatting {
  const store = new RowStore(frames);
  const strings: string[] = [];
  const records = new RowRecords((batch) => {
    formatRecords(batch, strings, store);
    return false;
  }, false);
  return {
    records,
    finish: () => {
      records.flush();
      return Promise.resolve(store);
    },
  };
}

/** What the lane's thread sends the row thread. */
type ToRowThread = ({ kind: 'batch' } & RecordBatch) | { kind: 'end' };
/** What the row thread answers at the end. */
type FromRowThread = { kind: 'done'; parts: RowStoreParts } | { kind: 'error'; message: string };

/** Rows formatted on a thread of their own (for `frames` frames to begin with). */
export function threadRows(frames: number): RowFormatting {
  // Kept until the end: should the thread fail, they are formatted here.
  const sent: RecordBatch[] = [];
  const worker = new Worker(new URL('../../bin/row-worker.mjs', import.meta.url), { workerData: { frames } });
  const result = new Promise<RowStoreParts | undefined>((resolve) => {
    worker.on('message', (m: FromRowThread) => resolve(m.kind === 'done' ? m.parts : undefined));
    worker.on('error', () => resolve(undefined));
    worker.on('exit', () => resolve(undefined));
  });
  const post = (m: ToRowThread) => worker.postMessage(m);
  const records = new RowRecords((batch) => {
    sent.push(batch);
    post({ kind: 'batch', ...batch });
    return true;
  }, true);
  return {
    records,
    finish: async () => {
      records.flush();
      post({ kind: 'end' });
      const parts = await result;
      await worker.terminate();
      if (parts) return RowStore.of(parts);
      const store = new RowStore(frames);
      const strings: string[] = [];
      for (const batch of sent) formatRecords(batch, strings, store);
      return store;
    },
  };
}

/** The row thread: formats each batch as it comes; at the end hands its store back. */
export function runRowWorker(port: MessagePort, data: { frames: number }): void {
  const store = new RowStore(data.frames);
  const strings: string[] = [];
  port.on('message', (m: ToRowThread) => {
    try {
      if (m.kind === 'batch') {
        formatRecords(m, strings, store);
        return;
      }
      const parts = store.parts();
      const reply: FromRowThread = { kind: 'done', parts };
      port.postMessage(reply, [
        ...parts.chunks,
        parts.starts.buffer as ArrayBuffer,
        parts.lens.buffer as ArrayBuffer,
      ]);
    } catch (e) {
      const reply: FromRowThread = { kind: 'error', message: e instanceof Error ? e.message : String(e) };
      port.postMessage(reply);
    }
  });
}
