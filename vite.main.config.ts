import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

/**
 * Main process + engine worker bundles (.vite/build/main.js, worker-entry.js), ESM for Node. Electron and
 * Node built-ins stay external; npm dependencies are bundled so the packaged app needs no node_modules.
 */
export const nodeExternals = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default defineConfig({
  build: {
    outDir: '.vite/build',
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: true,
    ssr: true,
    lib: {
      entry: { main: 'electron/main.ts', 'worker-entry': 'core/session/worker-entry.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rollupOptions: { external: nodeExternals },
  },
  ssr: { noExternal: true },
});
