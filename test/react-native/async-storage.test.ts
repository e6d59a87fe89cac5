import { describe, expect, it } from 'vitest'
import { asyncStorageStore } from '../../src/react-native/index.js'
import { memoryAsyncStorage } from './fakes.js'

describe('asyncStorageStore', () => {
  it('keeps values as JSON under its prefix', async () => {
    const storage = memoryAsyncStorage()
    const store = asyncStorageStore(storage)
    expect(await store.update('ns/a', () => ({ n: 1 }))).toEqual({ n: 1 })
    expect(storage.data.get('oncely:ns/a')).toBe('{"n":1}')
    expect(await store.get('ns/a')).toEqual({ n: 1 })
    expect(await store.get('ns/missing')).toBeUndefined()
  })

  it('passes the current value to update and stores what it returns', async () => {
    const store = asyncStorageStore(memoryAsyncStorage())
    await store.update('k', () => ({ n: 1 }))
    expect(await store.update('k', current => ({ n: (current as { n: number }).n + 1 }))).toEqual({ n: 2 })
    expect(await store.get('k')).toEqual({ n: 2 })
  })

  it('runs concurrent updates of one key one after the other, so insert-if-absent keeps the first', async () => {
    const store = asyncStorageStore(memoryAsyncStorage())
    const insert = (key: string) => store.update('k', current => current ?? { key })
    const [a, b] = await Promise.all([insert('first'), insert('second')])
    expect(a).toEqual({ key: 'first' })
    expect(b).toEqual({ key: 'first' })
  })

  it('says it is not atomic across processes, so the core does not count on it', () => {
    expect(asyncStorageStore(memoryAsyncStorage())).toMatchObject({ name: 'asyncstorage', atomic: false })
  })

  it('returns a value that is not JSON as the raw string, for the core to report as corrupt', async () => {
    const storage = memoryAsyncStorage()
    storage.data.set('oncely:k', '{not json')
    const store = asyncStorageStore(storage)
    expect(await store.get('k')).toBe('{not json')
    expect(await store.entries('')).toEqual([['k', '{not json']])
  })

  it('lists the entries under a prefix and never the app’s own keys', async () => {
    const storage = memoryAsyncStorage()
    storage.data.set('user-settings', '{"dark":true}')
    storage.data.set('ns/b', '"not ours either"')
    const store = asyncStorageStore(storage)
    await store.update('ns/a', () => 1)
    await store.update('other/a', () => 2)
    expect(await store.entries('ns/')).toEqual([['ns/a', 1]])
    expect((await store.entries('')).map(([key]) => key).sort()).toEqual(['ns/a', 'other/a'])
  })

  it('deletes', async () => {
    const storage = memoryAsyncStorage()
    const store = asyncStorageStore(storage)
    await store.update('k', () => 1)
    await store.delete('k')
    expect(await store.get('k')).toBeUndefined()
    expect(storage.data.size).toBe(0)
  })

  it('takes another prefix', async () => {
    const storage = memoryAsyncStorage()
    await asyncStorageStore(storage, { prefix: '@app/oncely/' }).update('k', () => 1)
    expect([...storage.data.keys()]).toEqual(['@app/oncely/k'])
  })

  it('lets a failing write reach the core (which degrades to memory), and stays usable after it', async () => {
    const storage = memoryAsyncStorage()
    const store = asyncStorageStore({ ...storage, setItem: async () => Promise.reject(new Error('disk full')) })
    await expect(store.update('k', () => 1)).rejects.toThrow('disk full')
    await expect(store.update('k', () => 2)).rejects.toThrow('disk full')
    expect(await store.get('k')).toBeUndefined()
  })
})
