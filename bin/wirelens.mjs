#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation: dissection makes many short-lived objects, and on a big capture (hundreds of MB of
// first-pass state) each one promoted too early makes the old generation's collections come sooner and cost more.
// The `wirelens` command: core/cli/main.ts, run from a cached esbuild bundle (see bundled.mjs) or through tsx.
import { importBundled } from './bundled.mjs';
const { main } = await importBundled('core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
