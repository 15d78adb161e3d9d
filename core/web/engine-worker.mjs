// Worker-thread bootstrap for running the engine from TypeScript sources (the web host without a build):
// `--import tsx` in a worker's execArgv is not honoured by every Node 20 release, so register tsx here.
import { register } from 'tsx/esm/api';

register();
await import('../session/worker-entry.ts');
