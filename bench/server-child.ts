// The chaos server in its own process (forked by remote.ts): its work runs on the second core and
// never shares an event loop with the clients being timed.
import { serveOverIpc } from './ipc.js'
import { startChaosServer } from './server.js'

serveOverIpc(await startChaosServer())
