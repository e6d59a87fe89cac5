// The population server in its own process (forked by remote.ts): its event loop is not the
// driver's, so 2,000 clients in the driver never slow the server's answers, and the other way round.
import { startPopulationServer } from './server.js'

type Call = { id: number; method: 'configure' | 'stats' | 'close'; arg?: unknown }

const server = await startPopulationServer()
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
