import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** Debian's package; Playwright's own download is tried after it. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium'

/**
 * Where Chromium is: `CHROMIUM_PATH`, then Debian's `/usr/bin/chromium`, then a browser installed
 * by `npx playwright install chromium`. Without one, says exactly what to install.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CHROMIUM_PATH
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but there is no file there. Point it at a Chromium or Chrome binary, or unset it to use ${DEBIAN_CHROMIUM}.`)
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM
  const bundled = playwrightChromium()
  if (bundled && existsSync(bundled)) return bundled
  throw new Error(
    'The end-to-end tests need Chromium and found none. Either install it (Debian/Ubuntu: `apt-get install chromium`) ' +
      'or set CHROMIUM_PATH to a Chromium or Chrome binary, e.g. `CHROMIUM_PATH=/path/to/chrome npm test`.',
  )
}

function playwrightChromium(): string | undefined {
  try {
    return chromium.executablePath()
  } catch {
    return undefined // playwright-core throws when it has no browser registry entry for this platform
  }
}

/** A headless Chromium for one test file; close it in afterAll. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
