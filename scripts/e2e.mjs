// Builds the renderer and runs the Playwright specs in e2e/ against the web host (Debian Chromium).
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const specs = existsSync('e2e/specs') ? readdirSync('e2e/specs').filter((f) => f.endsWith('.spec.ts')) : [];
if (specs.length === 0) {
  console.log('e2e: no Playwright specs yet (e2e/specs is empty) — nothing to run');
  process.exit(0);
}
const build = spawnSync('node', ['scripts/build.mjs', '--renderer'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync('npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
