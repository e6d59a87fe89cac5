/**
 * `oncely/react`: the `useIntent` hook. React is a peer dependency, imported, never bundled.
 *
 * @packageDocumentation
 */
export { useIntent } from './use-intent.js'
export type { UseIntentOptions, SendOptions, IntentHandle } from './use-intent.js'
export type { IntentView, IntentViewState } from './intent-view.js'
