// The React Native setup of docs/react-native.md; test/package/package.test.ts typechecks it against the packed package.
import 'react-native-get-random-values' // first: gives uuid crypto.getRandomValues for the keys
import AsyncStorage from '@react-native-async-storage/async-storage'
import NetInfo from '@react-native-community/netinfo'
import { AppState } from 'react-native'
import { createClient } from 'oncely'
import { asyncStorageStore, netInfoOnlineSource } from 'oncely/react-native'

export const api = createClient({
  prefixUrl: 'https://api.example.com',
  store: asyncStorageStore(AsyncStorage),
  online: netInfoOnlineSource(NetInfo),
})

// Pending intents finish on their own: at launch the client picks up what a crash or a kill left,
// and NetInfo coming back online wakes them. Coming to the foreground, try them at once too (the
// web's "page visible"); on sign-out, api.intents.clear().
AppState.addEventListener('change', state => {
  if (state === 'active') void api.intents.drain()
})
