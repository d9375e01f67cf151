// Every runtime image grades its own self-test (images/<language>/self-test/) to the expected verdict.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGrader, type TestGrader } from '../helpers/grader.js'

const IMAGES = new URL('../../images/', import.meta.url).pathname
const languages = readdirSync(IMAGES).filter(l => existsSync(join(IMAGES, l, 'self-test', 'expected.json')))

function readDir (dir: string, pick: (name: string) => boolean): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).filter(pick).map(name => [name, readFileSync(join(dir, name), 'utf8')]))
}

let grader: TestGrader
beforeAll(async () => { grader = await startTestGrader() })
afterAll(async () => { await grader?.close() })

describe.each(languages)('the %s image', (language) => {
  it('grades its self-test to the expected verdict', async () => {
    const dir = join(IMAGES, language, 'self-test')
    const isTest = (n: string) => n.startsWith('test_') || n.includes('_test.')
    const sub = await grader.grade({
      language,
      files: readDir(dir, n => !isTest(n) && n !== 'expected.json'),
      tests: readDir(dir, isTest),
    })
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { status: string, tests: object[] }
    expect(sub.result).toMatchObject(expected)
    expect(await grader.leftovers()).toEqual([])
  })
})
