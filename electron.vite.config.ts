import { cpSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import type { Plugin } from 'vite'
import { defineConfig } from 'electron-vite'

/**
 * electron-vite reads Electron's major version from `electron/package.json` to choose its output format.
 * Electron is an optional dependency: npm 10 and older remove it when its binary cannot be downloaded
 * (scripts/install-electron.mjs), and the panel is then built for browser mode all the same, so the
 * version comes from the range in our package.json, through electron-vite's own ELECTRON_MAJOR_VER.
 */
function useDeclaredElectronVersionWhenAbsent(): void {
  try {
    createRequire(import.meta.url).resolve('electron/package.json')
  } catch {
    const manifest = JSON.parse(
      readFileSync(resolve(import.meta.dirname, 'package.json'), 'utf8'),
    ) as { optionalDependencies?: Record<string, string> }
    const major = /\d+/.exec(manifest.optionalDependencies?.electron ?? '')?.[0]
    if (major !== undefined) process.env.ELECTRON_MAJOR_VER ??= major
  }
}
useDeclaredElectronVersionWhenAbsent()

/**
 * The migrations runner reads its `.sql` files from `./migrations/` beside its module; in the bundle that
 * module is `out/main/index.js`, so the files are copied there.
 */
function copyMigrations(): Plugin {
  return {
    name: 'driftdesk-copy-migrations',
    apply: 'build',
    writeBundle() {
      cpSync(
        resolve(import.meta.dirname, 'src-main/adapters/postgres/migrations'),
        resolve(import.meta.dirname, 'out/main/migrations'),
        { recursive: true },
      )
    },
  }
}

/**
 * electron-vite expects src/main, src/preload and src/renderer; driftdesk keeps main-process code in
 * src-main and the Vue app in src-renderer, so every input is set explicitly.
 * - main: the Electron composition root. Browser mode (`src-main/server/main.ts`) runs from source with
 *   tsx, like the CLI, so it needs no bundle.
 * - preload: one CommonJS file, as a sandboxed renderer requires.
 * - renderer: relative asset URLs, so the same build loads from `driftdesk://panel/` in Electron and from
 *   `http://127.0.0.1:PORT/` in browser mode.
 */
export default defineConfig({
  main: {
    plugins: [copyMigrations()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    base: './',
    plugins: [vue()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rollupOptions: { input: resolve(import.meta.dirname, 'src-renderer/index.html') },
      // electron-vite leaves bundles unminified; the renderer is also served over HTTP in browser mode.
      minify: 'esbuild',
      chunkSizeWarningLimit: 1200,
    },
  },
})
