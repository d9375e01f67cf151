// `npm run provision`: install and build what the grader needs, then exit.
import { provision } from './lib/provision.mjs'
import { log } from './lib/system.mjs'

try {
  const { stop } = await provision({ redis: 'ephemeral' })
  await stop()
  log('provisioned: Docker engine answering, runtime images built')
} catch (err) {
  log(`provisioning failed: ${err.message}`)
  process.exit(1)
}
