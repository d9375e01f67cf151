// `npm run protocol:export`: writes the harness protocol (services/sandbox/harness-protocol.ts)
// as JSON Schema into every image folder whose harness validates against it.
// A unit test fails when a committed copy differs from the definition.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { register } from 'tsx/esm/api'

register()
const ROOT = new URL('..', import.meta.url).pathname
const { protocolDocument } = await import('../services/sandbox/harness-protocol.ts')
const { protocolFiles } = await import('../services/sandbox/protocol-files.ts')
const text = JSON.stringify(protocolDocument(), null, 1) + '\n'
for (const file of protocolFiles(ROOT)) {
  writeFileSync(file, text)
  console.log(`wrote ${file.slice(ROOT.length)}`)
}
