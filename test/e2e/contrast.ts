import type { Page } from 'playwright-core'

/**
 * WCAG 2 contrast, measured in the page as a browser renders it: every element with text of its
 * own, its computed colour against the nearest solid background behind it.
 */
export interface Contrast {
  /** A CSS selector-like name of the element, and its text. */
  where: string
  ratio: number
  /** 4.5 for normal text, 3 for large (24 px, or 18.66 px bold). */
  needs: number
}

/** Runs in the page: the contrast of every visible text, where it can be computed. */
export function measureContrast(scope: string): Contrast[] {
  const rgba = (css: string) => {
    const [r = 0, g = 0, b = 0, a = 1] = (css.match(/[\d.]+/g) ?? []).map(Number)
    return { r, g, b, a }
  }
  const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
    const channel = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
  }
  /** The solid colour behind `element`, or undefined behind an image or gradient (not measurable). */
  const backdrop = (element: Element | null): { r: number; g: number; b: number } | undefined => {
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node)
      if (style.backgroundImage !== 'none') return undefined
      const colour = rgba(style.backgroundColor)
      if (colour.a === 1) return colour
    }
    return { r: 255, g: 255, b: 255 }
  }
  const out: Contrast[] = []
  for (const element of document.querySelectorAll<HTMLElement>(`${scope} *`)) {
    const own = [...element.childNodes].some(node => node.nodeType === Node.TEXT_NODE && node.textContent!.trim() !== '')
    if (!own || element.closest('[aria-hidden="true"], [hidden], .sr-only') || element.getClientRects().length === 0) continue
    const style = getComputedStyle(element)
    if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue
    const behind = backdrop(element)
    if (!behind) continue
    const fg = rgba(style.color)
    const seen = { r: fg.r * fg.a + behind.r * (1 - fg.a), g: fg.g * fg.a + behind.g * (1 - fg.a), b: fg.b * fg.a + behind.b * (1 - fg.a) }
    const [light, dark] = [luminance(seen), luminance(behind)].sort((a, b) => b - a) as [number, number]
    const size = parseFloat(style.fontSize)
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700)
    const name = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''}`
    out.push({ where: `${name} "${element.textContent!.trim().slice(0, 40)}"`, ratio: Math.round(((light + 0.05) / (dark + 0.05)) * 100) / 100, needs: large ? 3 : 4.5 })
  }
  return out
}

/** The texts of the page below WCAG AA. */
export const tooFaint = async (page: Page): Promise<Contrast[]> => (await page.evaluate(measureContrast, 'body')).filter(text => text.ratio < text.needs)
