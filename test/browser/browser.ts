import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

/** Debian's chromium, as scripts/lib/chromium.mjs installs it (`npm test` does before the browser tests). */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/**
 * Flags of the headless Chromium the browser tests drive. Without the
 * background-networking ones Chromium reaches for its own services at start,
 * which a closed network refuses (and a test must send traffic to loopback only).
 */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]

/** A launched Chromium on a fresh, empty profile (its one context); `close` also deletes the profile. */
export interface TestBrowser {
  context: BrowserContext
  close: () => Promise<void>
}

/** Launches Debian's Chromium through playwright-core (never a browser build of Playwright's own). */
export async function launchChromium (): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: run the browser tests with \`npm test\`, which installs Debian's chromium`)
  const profile = mkdtempSync(join(tmpdir(), 'grader-chromium-'))
  // a persistent context is how playwright-core takes a profile folder (--user-data-dir): a new, empty one
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: 60_000,
    viewport: { width: 1500, height: 900 },
  })
  return {
    context,
    close: async () => {
      await context.close().catch(() => {})
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
