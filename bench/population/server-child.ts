// The population server in its own process (forked by remote.ts): its event loop is not the
// driver's, so 2,000 clients in the driver never slow the server's answers, and the other way round.
import { serveOverIpc } from '../ipc.js'
import { startPopulationServer } from './server.js'

serveOverIpc(await startPopulationServer())
