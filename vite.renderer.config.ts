import { defineConfig, type ConfigEnv, type UserConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The renderer bundle. Standalone (`npm run build`): dist/renderer, served by the web host and loaded from
 * file by Electron. Under Electron Forge's Vite plugin, Forge picks the output (.vite/renderer/main_window).
 */
export default defineConfig((env: ConfigEnv & { forgeConfigSelf?: unknown }): UserConfig => ({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    ...(env.forgeConfigSelf ? {} : { outDir: '../dist/renderer', emptyOutDir: true }),
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
}));
