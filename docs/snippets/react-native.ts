// The React Native setup of docs/react-native.md; test/package/package.test.ts typechecks it against the packed package.
import 'react-native-get-random-values' // first: gives uuid crypto.getRandomValues for the keys
import AsyncStorage from '@react-native-async-storage/async-storage'
import NetInfo from '@react-native-community/netinfo'
import { createClient } from 'oncely'
import { asyncStorageStore, netInfoOnlineSource } from 'oncely/react-native'

export const api = createClient({
  prefixUrl: 'https://api.example.com',
  store: asyncStorageStore(AsyncStorage),
  online: netInfoOnlineSource(NetInfo),
})

// On sign-out: api.intents.clear(). After a crash or a kill, on launch:
export async function resumePending(): Promise<void> {
  for (const record of await api.intents.pending()) {
    if (record.intent) await api.intents.resume(record.intent).catch(() => {}) // still pending: the next launch tries again
  }
}
