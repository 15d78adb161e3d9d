// A worker thread of a one-shot command run on several threads (core/cli/shards.ts): the frames of one shard of
// the capture, from the same bundle as the command itself.
import { parentPort, workerData } from 'node:worker_threads';
import { importBundled } from './bundled.mjs';

const { runShardJob } = await importBundled('core/cli/main.ts');
await runShardJob(workerData, (m, transfer) => parentPort.postMessage(m, transfer));
