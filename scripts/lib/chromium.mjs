// Makes sure a headless Chromium is on this machine for the browser tests (test/browser/).
// When none is and we are root on Debian: install Debian's chromium, as docker-engine.mjs
// installs docker.io. playwright-core drives it; it never downloads a browser of its own.
import { existsSync } from 'node:fs'
import { aptInstall, which } from './system.mjs'

/** Where Debian's chromium package puts its launcher; the browser tests start this one. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/**
 * Returns the path of the Chromium to drive, installing Debian's `chromium` when it is missing.
 * Throws a ProvisionError (naming the package) when it cannot be installed here.
 */
export function ensureChromium () {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH
  const found = which('chromium')
  if (found !== null) return found
  aptInstall(['chromium'], 'the browser tests (test/browser/) drive a headless Chromium')
  return CHROMIUM_PATH
}
