/**
 * Problem Details (RFC 9457): every answer the wrapper makes up itself (400,
 * 409, 413, 422, 503) is one of these, as `application/problem+json`.
 */

/** The media type of every error body. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** The kinds of problem the wrapper reports, one per case a client must tell apart. */
export const problemTypes = {
  keyMissing: 'urn:oncely:problem:idempotency-key-missing',
  keyInvalid: 'urn:oncely:problem:idempotency-key-invalid',
  keyInProgress: 'urn:oncely:problem:idempotency-key-in-progress',
  keyReused: 'urn:oncely:problem:idempotency-key-reused',
  bodyTooLarge: 'urn:oncely:problem:body-too-large',
  overloaded: 'urn:oncely:problem:overloaded',
} as const

/** One RFC 9457 problem. */
export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  [extension: string]: unknown
}

/**
 * A problem as a `Response`; `headers` adds e.g. `Retry-After`.
 *
 * @example
 * problemResponse({ type: problemTypes.keyMissing, title: 'Idempotency-Key missing', status: 400 })
 */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...headers },
  })
}
