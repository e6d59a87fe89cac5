import { v7 } from 'uuid'

/** How the key is written in the header: the IETF draft's sf-string (`"…"`) or bare. */
export type KeyFormat = 'sf-string' | 'bare'

// Called with no options so uuid keeps v7 monotonic within a millisecond.
export const mintKey = (): string => v7()

/** The header value for a key; stored with the record, because servers compare it byte for byte. */
export const formatKey = (key: string, format: KeyFormat): string =>
  format === 'sf-string' ? `"${key}"` : key

/** A key as oncely mints them (a UUID); anything else in a record is corruption. */
export const isKey = (value: unknown): value is string =>
  typeof value === 'string' && /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i.test(value)
