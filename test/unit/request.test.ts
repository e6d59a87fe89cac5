import { describe, expect, it } from 'vitest'
import { OncelyInputError } from '../../src/errors.js'
import { defaultCredentialHeaders, prepareBody, storedBodyToSend, toStored } from '../../src/request.js'

describe('prepareBody', () => {
  it.each([
    { title: 'json', body: undefined, json: { a: 1 }, stored: { encoding: 'text', data: '{"a":1}' }, type: 'application/json' },
    { title: 'a string', body: 'hi', json: undefined, stored: { encoding: 'text', data: 'hi' }, type: 'text/plain;charset=UTF-8' },
    { title: 'URLSearchParams', body: new URLSearchParams({ a: '1', b: 'x y' }), json: undefined, stored: { encoding: 'text', data: 'a=1&b=x+y' }, type: 'application/x-www-form-urlencoded;charset=UTF-8' },
    { title: 'bytes', body: new Uint8Array([0, 255, 7]), json: undefined, stored: { encoding: 'base64', data: 'AP8H' }, type: undefined },
    { title: 'an ArrayBuffer', body: new Uint8Array([1, 2]).buffer, json: undefined, stored: { encoding: 'base64', data: 'AQI=' }, type: undefined },
    { title: 'no body', body: undefined, json: undefined, stored: undefined, type: undefined },
  ])('stores $title so it can be replayed', async ({ body, json, stored, type }) => {
    const prepared = await prepareBody(body, json)
    expect(prepared.stored).toEqual(stored)
    expect(prepared.contentType).toBe(type)
  })

  it('keeps a Blob and its type', async () => {
    const prepared = await prepareBody(new Blob(['abc'], { type: 'text/csv' }), undefined)
    expect(prepared.contentType).toBe('text/csv')
    expect(new TextDecoder().decode(storedBodyToSend(prepared.stored) as Uint8Array)).toBe('abc')
  })

  it('encodes FormData once, with its boundary', async () => {
    const form = new FormData()
    form.set('note', 'gift wrap')
    const prepared = await prepareBody(form, undefined)
    expect(prepared.contentType).toMatch(/^multipart\/form-data; boundary=/)
    expect(new TextDecoder().decode(storedBodyToSend(prepared.stored) as Uint8Array)).toContain('gift wrap')
  })

  it('sends back exactly the bytes it stored', async () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 251)
    const prepared = await prepareBody(bytes, undefined)
    expect(storedBodyToSend(prepared.stored)).toEqual(bytes)
  })

  it.each([
    { title: 'a stream', body: new ReadableStream(), json: undefined, message: /stream body cannot be replayed/ },
    { title: 'both json and body', body: 'x', json: { a: 1 }, message: /either `json` or `body`/ },
    { title: 'a function as json', body: undefined, json: () => 1, message: /JSON-serialisable/ },
    { title: 'a number as body', body: 42, json: undefined, message: /Unsupported body type/ },
  ])('refuses $title with a typed error', async ({ body, json, message }) => {
    const attempt = prepareBody(body, json)
    await expect(attempt).rejects.toBeInstanceOf(OncelyInputError)
    await expect(attempt).rejects.toThrow(message)
  })
})

describe('toStored', () => {
  it('drops credentials, whatever their case, and keeps the rest', () => {
    const headers = new Headers({ Authorization: 'Bearer t', Cookie: 'sid=1', 'X-Trace': 'abc', 'X-Session': 's' })
    const stored = toStored('POST', 'https://a/x', headers, undefined, [...defaultCredentialHeaders, 'x-session'])
    expect(stored.headers).toEqual([['x-trace', 'abc']])
  })
})
