/**
 * Problem Details (RFC 9457): every error this server sends is one of these,
 * as `application/problem+json`, never a stack trace. The type and the key
 * problems are oncely/server's; the demo adds its own kinds.
 */
import { PROBLEM_CONTENT_TYPE, problemTypes as serverProblemTypes, type Problem } from '../../src/server/index.js'

export { PROBLEM_CONTENT_TYPE, type Problem }

/** The kinds of problem this server reports, one per failure a client must tell apart. */
export const problemTypes = {
  ...serverProblemTypes,
  invalidBody: 'urn:oncely:problem:invalid-body',
  chaos: 'urn:oncely:problem:chaos-injected',
  badRequest: 'urn:oncely:problem:bad-request',
  notFound: 'urn:oncely:problem:not-found',
  methodNotAllowed: 'urn:oncely:problem:method-not-allowed',
  internal: 'urn:oncely:problem:internal-error',
} as const

/**
 * Builds a problem; `detail` is for a human reading the network tab.
 *
 * @example
 * problem(400, problemTypes.keyMissing, 'Idempotency-Key header missing', 'Send one per payment intent.')
 */
export function problem(status: number, type: string, title: string, detail?: string, extensions: Record<string, unknown> = {}): Problem {
  return { type, title, status, ...(detail === undefined ? {} : { detail }), ...extensions }
}
