// `npm run e2e`: builds the renderer, then runs the Playwright specs in e2e/ against the web host in Debian's
// Chromium (one worker; screenshots of each step in test-results/). The Electron spec skips itself, saying
// why, where no Electron binary is installed.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const specs = existsSync('e2e/specs') ? readdirSync('e2e/specs').filter((f) => f.endsWith('.spec.ts')) : [];
if (specs.length === 0) {
  console.log('e2e: no Playwright specs (e2e/specs is empty) — nothing to run');
  process.exit(0);
}
const build = spawnSync(process.execPath, ['scripts/build.mjs', '--renderer'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const cli = 'node_modules/@playwright/test/cli.js';
const r = spawnSync(
  process.execPath,
  [cli, 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  },
);
if (r.error) console.error(`e2e: cannot run Playwright: ${r.error.message}`);
process.exit(r.status ?? 1);
