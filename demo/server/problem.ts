/**
 * Problem Details (RFC 9457): every error this server sends is one of these,
 * as `application/problem+json`, never a stack trace.
 */
export interface Problem {
  /** A URI naming the kind of problem; `title` says it in words. */
  type: string
  title: string
  status: number
  detail?: string
  [extension: string]: unknown
}

/** The media type of every error body. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** The kinds of problem this server reports, one per failure a client must tell apart. */
export const problemTypes = {
  keyMissing: 'urn:oncely:problem:idempotency-key-missing',
  keyInvalid: 'urn:oncely:problem:idempotency-key-invalid',
  keyInProgress: 'urn:oncely:problem:idempotency-key-in-progress',
  keyReused: 'urn:oncely:problem:idempotency-key-reused',
  invalidBody: 'urn:oncely:problem:invalid-body',
  bodyTooLarge: 'urn:oncely:problem:body-too-large',
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
