import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The renderer bundle: dist/renderer (served by the web host; loaded from file by Electron). */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});
