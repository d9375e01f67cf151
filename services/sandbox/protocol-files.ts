import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/** The copies of the protocol document: one per image folder that has a harness. */
export function protocolFiles (root: string): string[] {
  const images = join(root, 'images')
  return readdirSync(images)
    .filter(name => existsSync(join(images, name, 'harness')))
    .map(name => join(images, name, 'harness', 'protocol.json'))
}
