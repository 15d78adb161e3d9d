import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { scriptThread } from '../bytes/thread.js';

type Reply = { sha256: string } | { error: { message: string; code?: string } };

/**
 * The hashing thread: reads the file in 1 MiB chunks and posts its SHA-256 (or the error). Self-contained (it
 * runs from its source text, given node:fs, node:crypto and node:worker_threads).
 */
function hashThread(
  fs: typeof import('node:fs'),
  crypto: typeof import('node:crypto'),
  wt: typeof import('node:worker_threads'),
): void {
  const port = wt.parentPort;
  const { path } = wt.workerData as { path: string };
  let reply: Reply;
  try {
    const fd = fs.openSync(path, 'r');
    try {
      const h = crypto.createHash('sha256');
      const buf = new Uint8Array(1 << 20);
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
      reply = { sha256: h.digest('hex') };
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    reply = { error: { message: err.message, code: err.code } };
  }
  port?.postMessage(reply);
}

const aborted = () =>
  Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });

/** The same, on this thread (where no thread can be started). */
async function hashHere(path: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal }))
    h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Raised by sha256OnThread when the hashing thread cannot start or stops without an answer. */
class NoThread extends Error {}

/** sha256File on a thread of its own; rejects with NoThread when there is none to be had. */
export function sha256OnThread(path: string, signal?: AbortSignal): Promise<string> {
  if (signal?.aborted) return Promise.reject(aborted());
  return new Promise<string>((resolve, reject) => {
    let w: ReturnType<typeof scriptThread>;
    try {
      w = scriptThread(
        `(${hashThread.toString()})(require('node:fs'), require('node:crypto'), require('node:worker_threads'))`,
        { workerData: { path } },
      );
    } catch (e) {
      reject(new NoThread(e instanceof Error ? e.message : String(e)));
      return;
    }
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = () => settle(() => (void w.terminate(), reject(aborted())));
    signal?.addEventListener('abort', onAbort, { once: true });
    w.once('message', (r: Reply) =>
      settle(() =>
        'sha256' in r
          ? resolve(r.sha256)
          : reject(Object.assign(new Error(r.error.message), { code: r.error.code })),
      ),
    );
    w.once('error', (e) => settle(() => reject(new NoThread(e.message))));
    w.once('exit', () => settle(() => reject(new NoThread('the hashing thread stopped'))));
  });
}

/**
 * SHA-256 of a file as stored on disk, streamed (chain of custody: computed at open, never modifies it). On a
 * thread of its own (a capture of gigabytes takes seconds to hash, which the thread dissecting it keeps), or
 * here should no thread start.
 */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  try {
    return await sha256OnThread(path, signal);
  } catch (e) {
    if (e instanceof NoThread) return hashHere(path, signal);
    throw e;
  }
}
