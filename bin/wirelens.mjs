#!/usr/bin/env node
// The `wirelens` command: runs core/cli/main.ts through tsx (TypeScript without a build step).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
