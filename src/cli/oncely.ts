#!/usr/bin/env node
/**
 * `oncely verify <url>`: does the server at <url> honour Idempotency-Key?
 * Prints a table (check | holds? | detail); exits 1 when a guarantee fails,
 * 2 on a usage error.
 */
import { parseVerifyArgs, USAGE } from './verify/args.js'
import { formatReport, runVerify } from './verify/run.js'

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE)
    return command === undefined ? 2 : 0
  }
  if (command !== 'verify') {
    process.stderr.write(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}`)
    return 2
  }
  let parsed
  try {
    parsed = parseVerifyArgs(rest)
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  const report = await runVerify(parsed.options)
  process.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
  return report.passed ? 0 : 1
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`oncely: ${(error as Error)?.stack ?? String(error)}\n`)
    process.exitCode = 2
  },
)
