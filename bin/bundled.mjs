// Runs a TypeScript entry from one esbuild bundle cached in node_modules/.cache/wirelens, rebuilt when any of
// its source files changed (their mtimes and sizes are recorded with the bundle). Loading ~100 modules through
// tsx costs ~1 s per start and tsx keeps function names (a defineProperty call per closure created at run
// time): for a one-shot `wirelens list` both are a large part of the run. Packages stay external; every
// `import.meta.url` / `import.meta.dirname` keeps the value of its source file, so relative asset and worker
// paths resolve as they do under tsx. Anything going wrong falls back to tsx (WIRELENS_TSX=1 forces it).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';

const root = resolve(import.meta.dirname, '..');
const cacheDir = join(root, 'node_modules', '.cache', 'wirelens');

function stamp(file) {
  const s = statSync(file);
  return `${s.mtimeMs}:${s.size}`;
}

function upToDate(out, meta) {
  try {
    const m = JSON.parse(readFileSync(meta, 'utf8'));
    for (const [file, st] of Object.entries(m.inputs)) if (stamp(join(root, file)) !== st) return false;
    statSync(out);
    return true;
  } catch {
    return false;
  }
}

async function build(entry, out, meta) {
  const esbuild = await import('esbuild');
  const keepMeta = {
    name: 'keep-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        const contents = src
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)));
        return { contents, loader: 'ts' };
      });
    },
  };
  // Per process and thread: the list command's worker threads may build at the same time as each other.
  const tmp = `${out}.${process.pid}-${threadId}.tmp`;
  const r = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: tmp,
    metafile: true,
    logLevel: 'silent',
    plugins: [keepMeta],
  });
  const inputs = {};
  for (const file of Object.keys(r.metafile.inputs)) inputs[file] = stamp(join(root, file));
  renameSync(tmp, out);
  writeFileSync(`${meta}.${process.pid}-${threadId}.tmp`, JSON.stringify({ inputs }));
  renameSync(`${meta}.${process.pid}-${threadId}.tmp`, meta);
}

/** Imports the module at `entry` (a path relative to the repository root) bundled, or through tsx. */
export async function importBundled(entry) {
  const abs = resolve(root, entry);
  if (process.env.WIRELENS_TSX !== '1') {
    try {
      const id = createHash('sha1').update(abs).digest('hex').slice(0, 12);
      const out = join(cacheDir, `${id}.mjs`);
      const meta = join(cacheDir, `${id}.json`);
      if (!upToDate(out, meta)) {
        mkdirSync(cacheDir, { recursive: true });
        await build(relative(root, abs), out, meta);
      }
      return await import(pathToFileURL(out).href);
    } catch {
      // No esbuild, a read-only install, …: run the sources directly.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(abs).href);
}
