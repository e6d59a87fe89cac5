// `npm test`: runs every suite, whatever the one before it did, then says which failed.
// One red suite must never hide the next: a unit failure still runs (and reports) the e2e tests.
import { spawnSync } from 'node:child_process'

const suites = [
  ['typecheck', ['run', 'typecheck']],
  ['unit + integration', ['run', 'test:unit']],
  ['e2e (Chromium)', ['run', 'test:e2e']],
]

const results = []
for (const [name, args] of suites) {
  console.log(`\n━━ ${name}: npm ${args.join(' ')}\n`)
  const started = Date.now()
  const { status, signal } = spawnSync('npm', args, { stdio: 'inherit' })
  results.push({ name, ok: status === 0, how: signal ?? `exit ${status}`, seconds: (Date.now() - started) / 1000 })
}

console.log('\n━━ npm test summary')
for (const r of results) console.log(`${r.ok ? 'passed' : 'FAILED'}  ${r.name} (${r.seconds.toFixed(1)} s${r.ok ? '' : `, ${r.how}`})`)
const failed = results.filter(r => !r.ok)
if (failed.length > 0) {
  console.log(`\n${failed.length} of ${results.length} suites failed: ${failed.map(r => r.name).join(', ')}`)
  process.exitCode = 1
}
