// A worker thread of `wirelens list` (core/cli/commands/list-shard.ts): runs from the same bundle as the command.
import { parentPort, workerData } from 'node:worker_threads';
import { importBundled } from './bundled.mjs';

const { runListShard } = await importBundled('core/cli/main.ts');
await runListShard(workerData, (m, transfer) => parentPort.postMessage(m, transfer));
