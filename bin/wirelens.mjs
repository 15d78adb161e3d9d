#!/usr/bin/env node
// The `wirelens` command: core/cli/main.ts, run from a cached esbuild bundle (see bundled.mjs) or through tsx.
import { importBundled } from './bundled.mjs';
const { main } = await importBundled('core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
