// Imports point one way: api → delivery, shared; worker → warmpool → sandbox, hostpool → shared; delivery → shared.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'
import { describe, expect, it } from 'vitest'

const SERVICES = resolve(new URL('../../../services', import.meta.url).pathname)

/** Which service folders each folder may import from (besides itself). */
const ALLOWED: Record<string, string[]> = {
  shared: [],
  sandbox: ['shared'],
  hostpool: ['shared'],
  warmpool: ['sandbox', 'hostpool', 'shared'],
  worker: ['sandbox', 'hostpool', 'warmpool', 'delivery', 'shared'],
  api: ['delivery', 'shared'],
  cli: ['shared'],
  delivery: ['shared'],
}

function files (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : []
  })
}

describe('service imports', () => {
  for (const [area, allowed] of Object.entries(ALLOWED)) {
    it(`${area}/ imports only from ${allowed.length > 0 ? allowed.join(', ') : 'itself'}`, () => {
      const offending: string[] = []
      for (const file of files(join(SERVICES, area))) {
        for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
          const target = relative(SERVICES, resolve(dirname(file), spec!)).split('/')[0]!
          if (target !== area && !allowed.includes(target)) offending.push(`${relative(SERVICES, file)} → ${spec}`)
        }
      }
      expect(offending).toEqual([])
    })
  }
})
