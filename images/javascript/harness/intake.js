'use strict'
// The job, as the agent takes it in: read, validate, write, compile.
//
// Runs in the agent (uid 10001) before any student code exists as a process.
// Every problem found here is named: a bad job is a fault of ours (the worker
// sent it), while what is wrong with the student's files is the student's
// verdict (`syntax`, `runtime`), never an internal error. The twin of the
// Python image's intake.py.
const fs = require('node:fs')
const path = require('node:path')
const schema = require('./schema.js')

const WORKSPACE = process.env.GRADER_WORKSPACE || '/workspace'
const SUITE = process.env.GRADER_SUITE || '/suite'
const COMPILED = path.join(process.env.GRADER_RUN || '/run/grader', 'compiled')
const MAX_JOB_BYTES = 8 * 1024 * 1024
/** Student files that would change how Jest or Babel behave if they sat beside the tests. */
const RESERVED_NAMES = new Set(['jest.config.js', 'jest.config.cjs', 'jest.config.mjs', 'jest.config.ts', 'jest.config.json',
  'babel.config.js', 'babel.config.cjs', 'babel.config.mjs', 'babel.config.json', '.babelrc', '.babelrc.js', 'package.json'])

/** The worker's job does not match the protocol: ours to fix. */
class BadJob extends Error {
  constructor (message) { super(message); this.name = 'BadJob' }
}

/** Something wrong with the student's files, found before any of their code runs. */
class StudentProblem extends Error {
  constructor (verdict, message) { super(message); this.name = 'StudentProblem'; this.verdict = verdict }
}

function parseJob (line) {
  if (line.length > MAX_JOB_BYTES) throw new BadJob(`job larger than ${MAX_JOB_BYTES} bytes`)
  let job
  try {
    job = JSON.parse(line)
  } catch (err) {
    throw new BadJob(String(err.message).slice(0, 300))
  }
  try {
    return schema.check('job', job)
  } catch (err) {
    throw new BadJob(String(err.message).slice(0, 300))
  }
}

/** A path as it can be printed, whatever it holds. */
const show = p => JSON.stringify(p).slice(1, -1)

function safeParts (p) {
  const parts = p.split('/')
  if (p.startsWith('/') || parts.some(x => x === '' || x === '.' || x === '..') || p.includes('\0') || p.includes('\\')) {
    throw new StudentProblem('runtime', `The file name "${show(p)}" is not allowed.`)
  }
  return parts
}

function wellFormed (text) {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)
}

function writeTree (root, files, dirMode = 0o755, fileMode = 0o644) {
  for (const [p, content] of Object.entries(files)) {
    const parts = safeParts(p)
    let current = root
    for (const part of parts.slice(0, -1)) {
      current = path.join(current, part)
      if (!fs.existsSync(current)) fs.mkdirSync(current, { mode: dirMode })
    }
    // O_EXCL | O_NOFOLLOW: never write through anything already there.
    const fd = fs.openSync(path.join(root, p), fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, fileMode)
    try { fs.writeSync(fd, content) } finally { fs.closeSync(fd) }
  }
}

/**
 * Exercism's runner un-skips the tests its specs mark for students working
 * locally, by text: `xtest(` → `test(`, `xit(` → `it(`, `xdescribe(` → `describe(`.
 * `test.skip` stays skipped.
 */
function unskip (source) {
  return source.replace(/\bx(test|it|describe)(\s*\()/g, '$1$2')
}

function syntaxMessage (p) {
  const where = p.line !== null ? `line ${p.line}${p.column !== null ? `, column ${p.column}` : ''}` : 'an unknown line'
  let pointer = ''
  if (p.text && p.column !== null) pointer = `\n    ${p.text}\n    ${' '.repeat(Math.min(Math.max(p.column - 1, 0), 300))}^`
  return `Your file ${show(p.path)} has a syntax error on ${where}: ${p.message}${pointer}`
}

/**
 * Writes the job's files where they belong and compiles the student's (through
 * `compile`, the agent's compiler child); throws StudentProblem or BadJob.
 */
async function take (job, compile) {
  const { files } = job
  let tests = job.tests
  for (const [p, content] of Object.entries(files)) {
    if (!wellFormed(p) || !wellFormed(content)) throw new StudentProblem('syntax', `Your file "${show(p)}" has a name or content that is not valid Unicode text (a lone surrogate).`)
    if (RESERVED_NAMES.has(p.split('/').pop())) throw new StudentProblem('runtime', `Your files may not include ${show(p)}: that name is reserved for the challenge.`)
    if (p.split('/').includes('node_modules')) throw new StudentProblem('runtime', `Your files may not include ${show(p)}: node_modules belongs to the grader.`)
    safeParts(p)
  }
  for (const [p, content] of Object.entries(tests)) {
    if (!wellFormed(p) || !wellFormed(content)) throw new StudentProblem('syntax', `The test file "${show(p)}" has a name or content that is not valid Unicode text (a lone surrogate).`)
  }
  if (job.runSkipped === true) tests = Object.fromEntries(Object.entries(tests).map(([p, c]) => [p, unskip(c)]))
  const result = await compile({ files, tests })
  if (result.problem !== undefined) {
    const p = result.problem
    if (p.whose === 'tests') throw new StudentProblem('syntax', `The test file ${show(p.path)} of this challenge does not parse; this is not a problem with your code.`)
    if (p.line === null) throw new StudentProblem('syntax', `Your file ${show(p.path)} cannot be read as JavaScript: ${p.message}`)
    throw new StudentProblem('syntax', syntaxMessage(p))
  }
  // The suite's folder must be the test process's alone, whatever the image or runtime made it.
  fs.chmodSync(SUITE, 0o700)
  if (fs.statSync(SUITE).mode & 0o077) throw new BadJob(`${SUITE} is open to other users`)
  try {
    writeTree(SUITE, tests, 0o700, 0o600)
    writeTree(WORKSPACE, files)
    fs.mkdirSync(COMPILED, { recursive: true, mode: 0o755 })
    writeTree(COMPILED, result.compiled)
  } catch (err) {
    if (err instanceof StudentProblem) throw err
    if (err.code === 'EEXIST') throw new StudentProblem('runtime', `Your file ${show(path.basename(err.path ?? ''))} has the name of a file of the challenge.`)
    throw new BadJob(`cannot write the files: ${err.message}`)
  }
  return { runSkipped: job.runSkipped === true }
}

module.exports = { parseJob, take, unskip, syntaxMessage, BadJob, StudentProblem, MAX_JOB_BYTES }
