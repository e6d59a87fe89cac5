import { seconds, type Countdown } from './countdown.js'
import { h } from './dom.js'
import type { Notice } from './status.js'

/**
 * Draws the main message into `box`, with its live countdown, and tells screen readers about it
 * through `announcer` (a polite live region) once per change: a countdown ticking inside a live
 * region would be read out every second.
 */
export function createNoticeView(box: HTMLElement, announcer: HTMLElement, countdown: Countdown) {
  let shown = ''
  return {
    show(notice: Notice): void {
      // Redrawn only when something changed, so a render does not restart the countdown.
      const id = JSON.stringify(notice)
      if (id === shown) return
      shown = id
      box.className = `notice ${notice.tone}`
      box.dataset.kind = notice.kind
      if (notice.until === undefined) {
        box.replaceChildren(notice.text)
        announcer.textContent = notice.text
        return
      }
      const [before = '', after = ''] = notice.text.split('{next}')
      const next = h('span', { class: 'next', 'aria-hidden': 'true' })
      box.replaceChildren(before, next, after)
      countdown.start(next, notice.until, left => (left > 0 ? `next try in ${seconds(left)}` : 'trying now'))
      const left = Math.max(1000, notice.until - Date.now())
      announcer.textContent = `${before}next try in about ${Math.ceil(left / 1000)} seconds${after}`
    },
  }
}
