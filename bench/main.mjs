// `npm run bench`: runs bench/run.ts from the same cached bundle the `wirelens` command uses (bin/bundled.mjs),
// so the in-process figures measure the code as it ships rather than tsx's per-module transform; with the engine
// worker's young-generation size (package.json; core/session/worker-service.ts).
import { importBundled } from '../bin/bundled.mjs';
await importBundled('bench/run.ts');
