// Small helpers for provisioning: run commands, probe sockets, install Debian packages.
// Built-ins only: this runs before node_modules exists.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'

export const log = (msg) => process.stderr.write(`[grader] ${msg}\n`)

export class ProvisionError extends Error {
  constructor (message) { super(message); this.name = 'ProvisionError' }
}

export function run (cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: opts.quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...opts })
  if (res.error) throw new ProvisionError(`${cmd} could not start: ${res.error.message}`)
  if (res.status !== 0) {
    const detail = opts.quiet ? `\n${(res.stderr || res.stdout || '').slice(-2000)}` : ''
    throw new ProvisionError(`${cmd} ${args.join(' ')} exited with ${res.status}${detail}`)
  }
  return res.stdout
}

export function which (cmd) {
  const res = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' })
  return res.status === 0 ? res.stdout.trim() : null
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

export function isDebian () {
  return existsSync('/etc/debian_version') && which('apt-get') !== null
}

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
let aptUpdated = false
/** Reads Debian's package lists once per process (a fresh machine may have none yet). */
export function aptUpdateOnce () {
  if (!aptUpdated) { run('apt-get', ['update', '-qq'], { env: APT_ENV, quiet: true }); aptUpdated = true }
}

/** Installs Debian packages; only as root on Debian, otherwise says what to do. */
export function aptInstall (packages, why) {
  if (!isRoot() || !isDebian()) {
    throw new ProvisionError(`${why}: install the Debian packages ${packages.join(' ')} (or their equivalent) and run again`)
  }
  log(`installing ${packages.join(' ')} (${why})`)
  aptUpdateOnce()
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env: APT_ENV, quiet: true })
}

/** GET on a unix-socket HTTP server (the Docker API); resolves the status code or null. */
export function pingUnixSocket (socketPath, path = '/_ping', timeoutMs = 2000) {
  return new Promise((resolve) => {
    if (!existsSync(socketPath)) return resolve(null)
    const req = request({ socketPath, path, timeout: timeoutMs }, (res) => { res.resume(); resolve(res.statusCode) })
    req.on('timeout', () => { req.destroy(); resolve(null) })
    req.on('error', () => resolve(null))
    req.end()
  })
}

export async function waitFor (what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise(r => setTimeout(r, 200))
  }
  throw new ProvisionError(`${what} did not come up within ${Math.round(timeoutMs / 1000)} s`)
}

export function freePort () {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** Starts a long-lived process detached from us, its output appended to a log file. */
export function spawnDetached (cmd, args, logFd) {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', logFd, logFd] })
  child.unref()
  return child
}

export function readJson (path) {
  return JSON.parse(readFileSync(path, 'utf8'))
}
