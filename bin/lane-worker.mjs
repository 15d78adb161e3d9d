// The second thread of a one-shot `wirelens list` (core/cli/commands/lane-thread.ts): writes the fast lane's
// rows, and runs a lane of its own on the frames it is sent, from a bundle of its own (lane-worker.ts).
import { parentPort } from 'node:worker_threads';
import { importBundled } from './bundled.mjs';

const { runLaneWorker } = await importBundled('core/cli/commands/lane-worker.ts');
runLaneWorker(parentPort);
