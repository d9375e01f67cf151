'use strict'
// Jest's resolver for the suite: the suite's own files resolve as Jest would;
// a relative path that names one of the student's files (the suite sits in
// /suite, the student's files in /workspace, side by side as in the
// exercise's folder) resolves to a generated module that stands for it by
// proxy (proxy-client.js). The student's file itself is never loaded here.
const fs = require('node:fs')
const path = require('node:path')
const { createHash } = require('node:crypto')

const SUITE = process.env.GRADER_SUITE || '/suite'
const WORKSPACE = process.env.GRADER_WORKSPACE || '/workspace'
const PROXIES = path.join(process.env.GRADER_RUN || '/run/grader', 'tmp', 'proxies')
const CLIENT = path.join(__dirname, 'proxy-client.js')
const EXTENSIONS = ['', '.js', '.mjs', '.cjs', '/index.js']

function studentFile (request, basedir) {
  if (!request.startsWith('./') && !request.startsWith('../') && !path.isAbsolute(request)) return null
  const absolute = path.resolve(basedir, request)
  const rel = path.relative(SUITE, absolute)
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null
  for (const ext of EXTENSIONS) {
    const candidate = path.join(WORKSPACE, rel + ext)
    try {
      if (fs.statSync(candidate).isFile()) return path.relative(WORKSPACE, candidate)
    } catch {}
  }
  return null
}

function proxyModule (rel) {
  fs.mkdirSync(PROXIES, { recursive: true, mode: 0o700 })
  const file = path.join(PROXIES, `${createHash('sha256').update(rel).digest('hex').slice(0, 16)}.js`)
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, `module.exports = require(${JSON.stringify(CLIENT)}).studentModule(${JSON.stringify(rel)})\n`)
  }
  return file
}

module.exports = function resolve (request, options) {
  let failure
  try {
    return options.defaultResolver(request, options)
  } catch (err) {
    failure = err
  }
  const rel = studentFile(request, options.basedir)
  if (rel !== null) return proxyModule(rel)
  // Collect-only: a module of the student's that no starter file provides is a stand-in too.
  if (process.env.GRADER_COLLECT_ONLY === '1' && (request.startsWith('./') || request.startsWith('../'))) return proxyModule(path.normalize(request))
  throw failure
}
