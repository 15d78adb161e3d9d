import { builtinModules } from 'node:module';
import { defineConfig, type ConfigEnv, type UserConfig } from 'vite';

/**
 * Main process + engine worker bundles (.vite/build/main.js, worker-entry.js), ESM for Node (the package is
 * "type": "module"). Electron and Node built-ins stay external; npm dependencies are bundled so the packaged
 * app needs no node_modules. Under Forge's Vite plugin each build entry comes from forge.config.ts.
 */
export const nodeExternals = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const ENTRIES = { main: 'electron/main.ts', 'worker-entry': 'core/session/worker-entry.ts' };

export default defineConfig((env: ConfigEnv & { forgeConfigSelf?: { entry?: string } }): UserConfig => ({
  build: {
    outDir: '.vite/build',
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: true,
    ssr: true,
    lib: {
      entry: env.forgeConfigSelf?.entry ?? ENTRIES,
      formats: ['es'],
      fileName: (_format: string, name: string) => `${name}.js`,
    },
    rollupOptions: { external: nodeExternals },
  },
  ssr: { noExternal: true },
}));
