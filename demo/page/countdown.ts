/**
 * Live "next try in N s" labels. One timer serves every label on the page, and stops when none is
 * left; a label stops counting when its element is removed or told to `stop`.
 */
export interface Countdown {
  /** Shows `render(msLeft)` in `element` until `until` (epoch ms, this device's clock), then `render(0)`. */
  start(element: HTMLElement, until: number, render: (msLeft: number) => string): void
  stop(element: HTMLElement): void
}

export function createCountdown(now: () => number = Date.now): Countdown {
  const live = new Map<HTMLElement, { until: number; render: (msLeft: number) => string }>()
  let timer: ReturnType<typeof setInterval> | undefined
  const tick = () => {
    for (const [element, { until, render }] of live) {
      const left = Math.max(0, until - now())
      element.textContent = render(left)
      if (left === 0 || !element.isConnected) live.delete(element)
    }
    if (live.size === 0 && timer !== undefined) {
      clearInterval(timer)
      timer = undefined
    }
  }
  return {
    start(element, until, render) {
      live.set(element, { until, render })
      tick()
      timer ??= setInterval(tick, 100)
    },
    stop(element) {
      live.delete(element)
    },
  }
}

/** `8 s` for 7.2 s left: a whole second, rounded up, so the label never says 0 while time is left. */
export const seconds = (ms: number): string => `${Math.ceil(ms / 1000)} s`
