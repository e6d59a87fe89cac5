// `npx tsx bench/encode.ts [--root <checkout>]`: how long oncely takes to encode a 10 MB body for
// storage (base64, what a JSON store needs), in Node and in Chromium, beside the platform's own.
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { inChromium, median } from './page.js'

const size = 10 * 1024 * 1024

const pageScript = (size: number) => `
import { toBase64 } from './src/request.ts'
const data = new Uint8Array(${size}); for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24
const runs = { oncely: [], native: [] }
for (let r = 0; r < 5; r++) {
  let t = performance.now(); const ours = toBase64(data); runs.oncely.push(performance.now() - t)
  t = performance.now(); let bin = ''; for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000)); const plain = btoa(bin); runs.native.push(performance.now() - t)
  if (ours !== plain) throw new Error('encodings differ')
}
globalThis.encodeRuns = runs
`

export async function measureEncode(root: string): Promise<{ node: { oncely: number; buffer: number }; chromium: { oncely: number; btoa: number } }> {
  const { toBase64 } = (await import(`${root}/src/request.ts`)) as { toBase64(data: Uint8Array): string }
  const data = new Uint8Array(size).map((_, i) => (i * 2654435761) >>> 24)
  const node = { oncely: [] as number[], buffer: [] as number[] }
  for (let r = 0; r < 5; r++) {
    let t = performance.now()
    toBase64(data)
    node.oncely.push(performance.now() - t)
    t = performance.now()
    Buffer.from(data).toString('base64')
    node.buffer.push(performance.now() - t)
  }
  const browser = await inChromium(root, pageScript(size), async page => {
    await page.waitForFunction(() => 'encodeRuns' in globalThis, undefined, { timeout: 120_000 })
    return page.evaluate(() => (globalThis as unknown as { encodeRuns: { oncely: number[]; native: number[] } }).encodeRuns)
  })
  return { node: { oncely: median(node.oncely), buffer: median(node.buffer) }, chromium: { oncely: median(browser.oncely), btoa: median(browser.native) } }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { root: { type: 'string' } } })
  const root = values.root ?? fileURLToPath(new URL('..', import.meta.url))
  const f = await measureEncode(root)
  console.log(`10 MB to base64, median of 5 (${root}): Node oncely ${f.node.oncely.toFixed(0)} ms (Buffer ${f.node.buffer.toFixed(0)} ms); Chromium oncely ${f.chromium.oncely.toFixed(0)} ms (one-string btoa ${f.chromium.btoa.toFixed(0)} ms)`)
}
