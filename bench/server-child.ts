// The chaos server in its own process (forked by remote.ts): its work runs on the second core and
// never shares an event loop with the clients being timed.
import { startChaosServer } from './server.js'

type Call = { id: number; method: 'configure' | 'stats' | 'setFiles' | 'close'; arg?: unknown }

const server = await startChaosServer()
const send = (message: unknown) => process.send?.(message)

process.on('message', async (message: Call) => {
  try {
    const result = await (server[message.method] as (arg: unknown) => unknown)(message.arg)
    send({ id: message.id, result })
    if (message.method === 'close') process.disconnect()
  } catch (error) {
    send({ id: message.id, error: String(error) })
  }
})
// The parent went away without closing: stop too, never linger.
process.on('disconnect', () => void server.close().finally(() => process.exit(0)))
send({ ready: server.url })
