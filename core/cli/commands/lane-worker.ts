/**
 * The second thread's program (bin/lane-worker.mjs runs it bundled): only what writes the rows and runs the
 * lane — not the whole command, whose other modules (HTTP, processes, compression, …) the thread would load for
 * nothing while the rows wait. The protocols are registered as in the command: the lane consults the same
 * dissector tables (which UDP ports are whose).
 */
import '../../protocols/index.js';

export { runLaneWorker } from './lane-thread.js';
