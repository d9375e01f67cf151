// The client ships apart from the server: whatever it takes from services/ must be types only.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const CLIENT = resolve(new URL('../../../clients/typescript', import.meta.url).pathname)

describe('clients/typescript imports', () => {
  it('imports from the server (and typebox) only with `import type` or `export type`, and only standardwebhooks besides node', () => {
    const offending: string[] = []
    for (const name of readdirSync(CLIENT).filter(n => n.endsWith('.ts'))) {
      const source = readFileSync(join(CLIENT, name), 'utf8')
      const statements = /^(?:import|export)\s+(type\s+)?(?:(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*\{[^}]*\})?)\s+from\s+)?'([^']+)'/gm
      for (const [statement, kind, spec] of source.matchAll(statements)) {
        if (spec!.startsWith('./') || spec!.startsWith('node:') || spec === 'standardwebhooks') continue
        // types of the server's schemas (and TypeBox's `Static` over them) are erased at run time
        if ((spec!.startsWith('../') || spec === 'typebox') && kind !== undefined) continue
        offending.push(`${name}: ${statement.split('\n')[0]}`)
      }
    }
    expect(offending).toEqual([])
  })
})
