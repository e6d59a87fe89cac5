import { describe, expect, it } from 'vitest'
import { measureContrast, tooFaint } from './contrast.js'
import { useShop } from './shop.js'

describe('the checkout for every shopper', () => {
  const t = useShop()

  // The pending and self-confirmed states are measured in background.e2e.test.ts.
  it('gives the "Festival sale" tag, and every other text, WCAG AA contrast', async () => {
    const shop = await t.open()
    const [tag] = (await shop.page.evaluate(measureContrast, '.brand')).filter(text => text.where.startsWith('span.tag'))
    expect(tag).toMatchObject({ where: 'span.tag "Festival sale"', ratio: 6.6 })
    expect(await tooFaint(shop.page)).toEqual([])

    await shop.pay()
    await shop.confirmed()
    expect(await tooFaint(shop.page)).toEqual([])
  })

  it('moves focus to the confirmation when it appears', async () => {
    const shop = await t.open()
    await shop.page.locator('#pay').focus()
    await shop.page.keyboard.press('Enter')
    await shop.confirmed()
    expect(await shop.page.evaluate(() => document.activeElement?.id)).toBe('thanks')
  })
})
