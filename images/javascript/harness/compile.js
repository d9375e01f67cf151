'use strict'
// The agent's compiler, a child process of its own (uid 10001, bounded heap):
// reads {files, tests} as JSON on stdin, and answers on stdout either the
// student's files compiled the way babel-jest compiles them (Exercism's
// preset; ESM becomes CommonJS), or the first file that does not parse, with
// its line and column. Started with the agent, it loads Babel while the job is
// still on its way. No code of the student's runs here: Babel only parses and
// rewrites it; a file too big or too deep for it is that file's problem.
const path = require('node:path')
const babel = require('@babel/core')

const WORKSPACE = process.env.GRADER_WORKSPACE || '/workspace'
const SUITE = process.env.GRADER_SUITE || '/suite'
const CONFIG = path.join(__dirname, 'babel.config.js')
// What babel-jest tells Babel about its caller: no native ESM, so modules become CommonJS.
const CALLER = { name: 'babel-jest', supportsDynamicImport: false, supportsExportNamespaceFrom: false, supportsStaticESM: false, supportsTopLevelAwait: false }
const SOURCE = /\.[cm]?js$/

function options (filename) {
  return { filename, configFile: CONFIG, babelrc: false, caller: CALLER, retainLines: true, compact: false, sourceMaps: false, comments: true }
}

function problem (whose, rel, err, source) {
  const line = err?.loc?.line ?? null
  const column = err?.loc?.column ?? null
  let message = String(err?.message ?? err)
  // Babel's message starts with the file name and ends with a code frame: keep the reason.
  message = message.replace(/^[^:]*: /, '').split('\n')[0].replace(/ \(\d+:\d+\)$/, '')
  const text = line !== null ? (source.split('\n')[line - 1] ?? '') : ''
  return { whose, path: rel, line, column: column === null ? null : column + 1, message: message.slice(0, 300), text: text.slice(0, 300) }
}

function run ({ files, tests }) {
  for (const [rel, source] of Object.entries(tests)) {
    if (!SOURCE.test(rel)) continue
    try {
      babel.parseSync(source, options(path.join(SUITE, rel)))
    } catch (err) {
      return { problem: problem('tests', rel, err, source) }
    }
  }
  const compiled = {}
  for (const [rel, source] of Object.entries(files)) {
    if (!SOURCE.test(rel)) continue
    try {
      compiled[rel] = babel.transformSync(source, options(path.join(WORKSPACE, rel))).code
    } catch (err) {
      if (err instanceof RangeError) return { problem: { whose: 'files', path: rel, line: null, column: null, message: 'it is nested too deeply or is too large to compile', text: '' } }
      return { problem: problem('files', rel, err, source) }
    }
  }
  return { compiled }
}

// Babel reads its configuration and loads the preset's plugins on the first transform, not on
// require: done now, on a file of ours, while the job is still on its way (a warm container
// waits here; a cold one overlaps it with the upload). stdin is read only after this.
try { babel.transformSync('export const warm = async (up = 1) => ({ ...{ up } })\n', options(path.join(WORKSPACE, 'warm-up.js'))) } catch {}

const chunks = []
process.stdin.on('data', chunk => chunks.push(chunk))
process.stdin.on('end', () => {
  if (chunks.length === 0) process.exit(0)
  let out
  try {
    out = run(JSON.parse(Buffer.concat(chunks).toString('utf8')))
  } catch (err) {
    out = { problem: { whose: 'files', path: '', line: null, column: null, message: String(err.message).slice(0, 300), text: '' } }
  }
  process.stdout.write(JSON.stringify(out), () => process.exit(0))
})
