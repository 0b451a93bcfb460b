#!/usr/bin/env node
// `postinstall` of driftdesk itself: downloads Electron's binary, and lets the install succeed without it.
//
// Electron's own postinstall downloads its binary from GitHub (or ELECTRON_MIRROR) and exits 1 when it
// cannot, which would make npm roll back the whole install. So:
// - package.json lists `electron` under optionalDependencies: an npm that runs Electron's script itself
//   (npm 10 and older run every dependency's script) removes Electron after a failed download and keeps
//   the rest of the install;
// - package.json's `allowScripts` denies Electron's script (npm 11 skips it), and this script runs the same
//   download (electron/install.js, with its cache, mirror and checksum handling) but tolerates a failure.
// Either way `npm start` falls back to browser mode without the binary (scripts/start.mjs).
// ELECTRON_SKIP_BINARY_DOWNLOAD=1 skips the download, as it does for Electron's own script.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import process from 'node:process'

const require = createRequire(import.meta.url)

/** electron/install.js, or null when npm already removed Electron after its own script failed. */
function electronInstaller() {
  try {
    return require.resolve('electron/install.js')
  } catch {
    return null
  }
}

/** As npm's postinstall a failed download must not fail the install; run by hand it is a failed command. */
const isPostinstall = process.env.npm_lifecycle_event === 'postinstall'
const installer = electronInstaller()
if (installer === null) {
  process.stderr.write(
    'driftdesk: Electron is not installed (npm removed it after its binary download failed): `npm start` will serve the panel in browser mode. Run `npm install` again where GitHub (or ELECTRON_MIRROR) is reachable to get the desktop window.\n',
  )
  if (!isPostinstall) process.exitCode = 1
} else {
  const download = spawnSync(process.execPath, [installer], { stdio: 'inherit' })
  if (download.status !== 0 && isPostinstall) {
    process.stderr.write(
      [
        '',
        "driftdesk: Electron's binary could not be downloaded (the error is above). The install is complete",
        'all the same: `npm start` serves the panel in browser mode and prints the URL to open. To get the',
        'desktop window later, run `node scripts/install-electron.mjs` where GitHub (or ELECTRON_MIRROR) is reachable.',
        '',
      ].join('\n'),
    )
  } else if (download.status !== 0) {
    process.stderr.write(
      "\ndriftdesk: Electron's binary could not be downloaded (the error is above); `npm start` keeps using browser mode.\n",
    )
    process.exitCode = 1
  }
}
