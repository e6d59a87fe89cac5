import { describe, expect, it } from 'vitest'
import { isOnlineState, netInfoOnlineSource } from '../../src/react-native/index.js'
import { memoryNetInfo } from './fakes.js'

const flush = () => new Promise(resolve => setTimeout(resolve, 0))

describe('netInfoOnlineSource', () => {
  it.each([
    { state: { isConnected: true, isInternetReachable: true }, online: true },
    { state: { isConnected: true, isInternetReachable: null }, online: true },
    { state: { isConnected: null, isInternetReachable: null }, online: true },
    { state: { isConnected: true }, online: true },
    { state: { isConnected: false, isInternetReachable: null }, online: false },
    { state: { isConnected: true, isInternetReachable: false }, online: false },
  ])('reads $state as online: $online', ({ state, online }) => {
    expect(isOnlineState(state)).toBe(online)
  })

  it('counts as online until NetInfo has answered, then follows it', async () => {
    const netInfo = memoryNetInfo({ isConnected: false, isInternetReachable: false })
    const source = netInfoOnlineSource(netInfo)
    expect(source.isOnline()).toBe(true)
    await flush()
    expect(source.isOnline()).toBe(false)
  })

  it('tells listeners about changes only, and stops when they unsubscribe', async () => {
    const netInfo = memoryNetInfo()
    const source = netInfoOnlineSource(netInfo)
    await flush()
    const heard: boolean[] = []
    const stop = source.subscribe(online => heard.push(online))
    netInfo.set({ isConnected: false, isInternetReachable: false })
    netInfo.set({ isConnected: false, isInternetReachable: null })
    netInfo.set({ isConnected: true, isInternetReachable: null })
    stop()
    netInfo.set({ isConnected: false, isInternetReachable: false })
    expect(heard).toEqual([false, true])
    expect(source.isOnline()).toBe(false)
  })

  it('lets go of NetInfo on dispose', () => {
    const netInfo = memoryNetInfo()
    const source = netInfoOnlineSource(netInfo)
    expect(netInfo.listeners).toBe(1)
    source.dispose()
    expect(netInfo.listeners).toBe(0)
  })
})
