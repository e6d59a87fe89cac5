/**
 * How the page names an idempotency key: by its random tail. A UUIDv7 begins with a millisecond
 * timestamp, so keys minted minutes apart share their first characters and look alike; the last
 * group is random, and 8 of its digits tell two keys apart at a glance.
 */
export const keyTail = (key: string): string => key.slice(-8)

/** `0190a1b2-…-4c1e9f3c2a1b` → `…9f3c2a1b` */
export const shortKey = (key: string): string => `…${keyTail(key)}`
