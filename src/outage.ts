/**
 * A client-wide view of whether the server can be reached, so an outage costs a probe a second
 * rather than every intent's retries, and recovery does not hit the server with the whole backlog.
 */
export interface OutagePolicy {
  /** Unreachable attempts in a row (network error, timeout, 502/503/504) that mark the server down. */
  threshold: number
  /** While down, one attempt (a probe) per this many ms goes out; the others wait, spending no attempt. */
  probeInterval: number
  /** On recovery, waiting attempts are released spread over `drain` × the downtime… */
  drain: number
  /** …but over no more than this many ms. */
  maxDrain: number
}

/** What the gate knows. Pure data: `observe` is the whole state machine. */
export interface OutageState {
  failures: number
  /** When the server last answered (anything at all). */
  lastAnswer: number
  /** When the server was marked down; undefined while it is up. */
  downSince: number | undefined
}

export const initialOutageState: OutageState = { failures: 0, lastAnswer: Number.NEGATIVE_INFINITY, downSince: undefined }

/** An attempt's outcome as the gate sees it: the server answered, or it could not be reached. */
export type Signal = 'answer' | 'unreachable'

/**
 * The next state, and the window to spread waiting attempts over when the server came back.
 * Down takes both `threshold` failures in a row and no answer for a probe interval: a lossy link
 * that still answers between its failures is not an outage.
 */
export function observe(state: OutageState, signal: Signal, now: number, policy: OutagePolicy): { state: OutageState; release?: number } {
  if (signal === 'answer') {
    const up = { failures: 0, lastAnswer: now, downSince: undefined }
    return state.downSince === undefined ? { state: up } : { state: up, release: Math.min(policy.maxDrain, policy.drain * (now - state.downSince)) }
  }
  const failures = state.failures + 1
  const silent = now - state.lastAnswer >= policy.probeInterval
  const downSince = state.downSince ?? (failures >= policy.threshold && silent ? now : undefined)
  return { state: { ...state, failures, downSince } }
}

/** The gate every attempt of one client passes: free while the server is up, paced while it is down. */
export class OutageGate {
  #state: OutageState = initialOutageState
  #nextProbe = 0
  #waiting = new Set<() => void>()
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly policy: OutagePolicy,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {}

  get down(): boolean {
    return this.#state.downSince !== undefined
  }

  /** Resolves when this attempt may go out; rejects with the signal's reason if it aborts first. */
  pass(signal: AbortSignal): Promise<void> {
    if (!this.down) return Promise.resolve()
    if (this.#waiting.size === 0 && this.now() >= this.#nextProbe) {
      this.#nextProbe = this.now() + this.policy.probeInterval
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      const go = () => {
        signal.removeEventListener('abort', abort)
        resolve()
      }
      const abort = () => {
        this.#waiting.delete(go)
        reject(signal.reason)
      }
      if (signal.aborted) return reject(signal.reason)
      signal.addEventListener('abort', abort)
      this.#waiting.add(go)
      this.#schedule()
    })
  }

  /** Tells the gate how an attempt ended. */
  report(signal: Signal): void {
    const { state, release } = observe(this.#state, signal, this.now(), this.policy)
    this.#state = state
    if (release === undefined) return
    // Back up: let the backlog in spread out, not as one wall of requests.
    clearTimeout(this.#timer)
    this.#timer = undefined
    for (const go of this.#waiting) setTimeout(go, this.random() * release)
    this.#waiting.clear()
  }

  // While down, lets one waiting attempt out per probe interval.
  #schedule(): void {
    if (this.#timer !== undefined) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      if (!this.down) return
      const [next] = this.#waiting
      if (next) {
        this.#waiting.delete(next)
        this.#nextProbe = this.now() + this.policy.probeInterval
        next()
      }
      if (this.#waiting.size > 0) this.#schedule()
    }, Math.max(0, this.#nextProbe - this.now()))
  }
}
