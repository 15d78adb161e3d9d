import { defineConfig, type ConfigEnv, type UserConfig } from 'vite';
import { nodeExternals } from './vite.main.config.js';

/** The sandboxed preload: one CommonJS file (.vite/build/preload.cjs) that may only require('electron'). */
export default defineConfig((env: ConfigEnv & { forgeConfigSelf?: { entry?: string } }): UserConfig =>
  env.forgeConfigSelf
    ? // Forge sets the input and CJS output; only the file name differs (.cjs: the package is ESM).
      { build: { rollupOptions: { output: { entryFileNames: '[name].cjs' } } } }
    : {
        build: {
          outDir: '.vite/build',
          emptyOutDir: false,
          target: 'node20',
          minify: false,
          sourcemap: 'inline' as const,
          ssr: true,
          lib: {
            entry: { preload: 'electron/preload.ts' },
            formats: ['cjs' as const],
            fileName: () => 'preload.cjs',
          },
          rollupOptions: { external: nodeExternals },
        },
        ssr: { noExternal: true },
      },
);
