/**
 * What the chaos server does to one attempt, decided by a seeded hash of (seed, intent, attempt):
 * every client meets the same fault on its n-th attempt of intent i, so the clients are compared
 * on one fault sequence, and two runs with one seed are comparable.
 */

export type Fault = 'none' | 'drop-before' | 'drop-after-commit' | 'slow'

/** `p` is the chance that an attempt fails at all; `mix` splits the failures between the kinds. */
export interface FaultPlan {
  seed: number
  p: number
  mix: { dropAfterCommit: number; dropBefore: number; slow: number }
}

/** Mostly the double-charge trap (the answer lost after the charge), some lost before, some slow. */
export const defaultMix: FaultPlan['mix'] = { dropAfterCommit: 0.6, dropBefore: 0.2, slow: 0.2 }

/** A 32-bit avalanche (murmur3's finaliser): neighbouring inputs give unrelated outputs. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

/** Two uniforms in [0, 1) for one (seed, intent, attempt): whether it fails, and how. */
export function uniforms(seed: number, intent: number, attempt: number): [number, number] {
  const a = mix32(mix32(mix32(seed) ^ intent) ^ Math.imul(attempt + 1, 0x9e3779b1))
  const b = mix32(a ^ 0x5bd1e995)
  return [a / 2 ** 32, b / 2 ** 32]
}

/** The fault of the `attempt`-th (0-based) attempt of intent number `intent`. Pure. */
export function decideFault(plan: FaultPlan, intent: number, attempt: number): Fault {
  const [fails, kind] = uniforms(plan.seed, intent, attempt)
  if (fails >= plan.p) return 'none'
  const { dropAfterCommit, dropBefore, slow } = plan.mix
  const total = dropAfterCommit + dropBefore + slow
  const pick = kind * total
  if (pick < dropAfterCommit) return 'drop-after-commit'
  if (pick < dropAfterCommit + dropBefore) return 'drop-before'
  return 'slow'
}
