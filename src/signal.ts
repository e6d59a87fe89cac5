/**
 * `AbortSignal.any` by hand (Hermes lacks it): a controller that aborts, with the first reason,
 * when any of `signals` does. `dispose()` detaches it once the work is done.
 */
export function joinSignals(...signals: Array<AbortSignal | undefined>): { controller: AbortController; dispose(): void } {
  const controller = new AbortController()
  const listeners = signals.filter((signal): signal is AbortSignal => signal !== undefined).map(signal => {
    const abort = () => controller.abort(signal.reason)
    if (signal.aborted) abort()
    else signal.addEventListener('abort', abort)
    return () => signal.removeEventListener('abort', abort)
  })
  return { controller, dispose: () => listeners.forEach(detach => detach()) }
}
