/**
 * `wirelens export` (HTTP objects) on several threads (core/cli/shards.ts): each worker runs the first pass over
 * its shard's conversations and sends the objects it finds (record and body); they are named, checked, hashed and
 * written in frame order here, as the one-thread export does. The files, names and report are the same (tests
 * compare them).
 */
import { basename } from 'node:path';
import { httpState, type HttpObjectRecord } from '../../protocols/l7-http.js';
import { ObjectExporter, type HashSetVerdict, type ReportRow } from '../../objects/export.js';
import type { ExportResult } from '../../api/types.js';
import { entryNamer, type ObjectEntry } from '../../objects/list.js';
import { sha256File } from '../../capture/sha256.js';
import {
  shardWorker,
  framesNow,
  runShards,
  type ShardBatch,
  type ShardJobBase,
  type ShardReply,
} from '../shards.js';

export interface ObjectShardJob extends ShardJobBase {
  kind: 'objects';
  file: string;
}

/** Objects found in frames `nos`: their records and bodies. */
interface ObjectBatch extends ShardBatch {
  records: HttpObjectRecord[];
  bodies: Uint8Array[];
}

/** A batch is posted after this many objects or body bytes, or after this many frames without one. */
const BATCH_OBJECTS = 256;
const BATCH_BYTES = 8 << 20;
const BATCH_FRAMES = 65_536;

/** The worker's side: the HTTP objects of one shard's frames, in batches, then `done` (or an `error`). */
export async function runObjectShard(
  job: ObjectShardJob,
  postNow: (m: ShardReply<ObjectBatch>, transfer?: ArrayBuffer[]) => void,
): Promise<void> {
  return shardWorker(job, postNow, (session, post) => {
    let records: HttpObjectRecord[] = [];
    let bodies: Uint8Array[] = [];
    let bytes = 0;
    let posted = 0;
    let count = 0;
    const flush = (upTo: number) => {
      const batch: ObjectBatch = { nos: Uint32Array.from(records, (r) => r.frame), records, bodies, upTo };
      post({ kind: 'batch', batch }, [
        batch.nos.buffer as ArrayBuffer,
        ...bodies.map((b) => b.buffer as ArrayBuffer),
      ]);
      records = [];
      bodies = [];
      bytes = 0;
      posted = upTo;
    };
    httpState({ state: session.captureState }).onObject = (r, body) => {
      const { at: _at, ...record } = r;
      records.push(record);
      // A copy in an ArrayBuffer of its own, transferred to the merging thread (a Buffer's slice() is a view:
      // transferring its buffer would take the decoder's or reader's memory with it).
      bodies.push(new Uint8Array(body));
      bytes += body.length;
      count++;
    };
    // Only the first pass: no columns, no tree (the bodies come from onObject).
    session.scanShard(job, new Set<number>(), false, (i) => {
      if (records.length >= BATCH_OBJECTS || bytes >= BATCH_BYTES || i + 1 - posted >= BATCH_FRAMES)
        flush(i + 1);
    });
    flush(Number.MAX_SAFE_INTEGER);
    return count;
  });
}

/**
 * Exports every HTTP object of `file` (those `keep` accepts) into `dir` using `shards` threads for the first
 * pass; as ObjectExporter's add/finish, with the capture's name and SHA-256 in the report.
 */
export async function exportSharded(
  file: string,
  dir: string,
  shards: number,
  verdict: HashSetVerdict,
  keep: (o: ObjectEntry) => boolean,
): Promise<ExportResult & { rows: ReportRow[] }> {
  // Before anything is created: a capture that cannot be opened fails as on one thread (no folder made).
  const frames = await framesNow(file);
  const sha256 = sha256File(file);
  // A rejected hash is reported by finish() as missing, not as an unhandled rejection meanwhile.
  sha256.catch(() => undefined);
  const ex = new ObjectExporter(dir, verdict);
  const entry = entryNamer();
  // Objects merged into frame order, waiting to be added (add() waits for the writer thread's room); a batch's
  // last object brings the call that lets its worker post another.
  const queue: [ObjectEntry, Uint8Array, (() => void) | undefined][] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const adding = (async () => {
    for (;;) {
      const next = queue.shift();
      if (next) {
        await ex.add(next[0], next[1]);
        next[2]?.();
      } else if (ended) return;
      else await new Promise<void>((r) => (wake = r));
    }
  })();
  try {
    await runShards<ObjectShardJob, ObjectBatch>(
      Array.from({ length: shards }, (_, shard) => ({ kind: 'objects', file, shard, shards, frames })),
      (b, from, to, consumed) => {
        let last: [ObjectEntry, Uint8Array, (() => void) | undefined] | undefined;
        for (let k = from; k < to; k++) {
          const e = entry(b.records[k]);
          if (keep(e)) queue.push((last = [e, b.bodies[k], undefined]));
        }
        if (last) last[2] = consumed;
        else consumed?.();
        wake?.();
      },
    );
  } finally {
    ended = true;
    wake?.();
    await adding;
  }
  return ex.finish({ name: basename(file), sha256: await sha256.catch(() => undefined) });
}
