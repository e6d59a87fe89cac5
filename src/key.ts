import { v7 } from 'uuid'

/** How the key is written in the header: the IETF draft's sf-string (`"…"`) or bare. */
export type KeyFormat = 'sf-string' | 'bare'

// Called with no options so uuid keeps v7 monotonic within a millisecond.
export const mintKey = (): string => v7()

export const formatKey = (key: string, format: KeyFormat): string =>
  format === 'sf-string' ? `"${key}"` : key
