import { defineConfig } from 'vite';
import { nodeExternals } from './vite.main.config.js';

/** The sandboxed preload: one CommonJS file (.vite/build/preload.cjs) that may only require('electron'). */
export default defineConfig({
  build: {
    outDir: '.vite/build',
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: 'inline',
    ssr: true,
    lib: {
      entry: { preload: 'electron/preload.ts' },
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: { external: nodeExternals },
  },
  ssr: { noExternal: true },
});
