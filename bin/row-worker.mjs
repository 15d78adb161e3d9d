// The fast lane's row thread (core/fastlane/row-thread.ts): formats the rows of a one-shot `wirelens list` while
// the command's own thread reads the capture.
import { parentPort, workerData } from 'node:worker_threads';
import { importBundled } from './bundled.mjs';

const { runRowWorker } = await importBundled('core/fastlane/row-thread.ts');
runRowWorker(parentPort, workerData);
