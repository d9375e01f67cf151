// A private redis-server for `npm start` and `npm test` when REDIS_URL is unset:
// a child process on a free loopback port, append-only persistence under the state folder.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { connect } from 'node:net'
import { join, resolve } from 'node:path'
import { ProvisionError, aptInstall, freePort, log, waitFor, which } from './system.mjs'

function ping (port) {
  return new Promise((resolvePing) => {
    const sock = connect({ host: '127.0.0.1', port })
    let answer = ''
    sock.setTimeout(1000, () => { sock.destroy(); resolvePing(false) })
    sock.on('error', () => resolvePing(false))
    sock.on('connect', () => sock.write('PING\r\n'))
    sock.on('data', (d) => { answer += d; if (answer.includes('\r\n')) { sock.end(); resolvePing(answer.startsWith('+PONG')) } })
  })
}

/**
 * @param {string} dataDir where the append-only file lives (kept across starts)
 * @param {{ persist?: boolean }} opts persist=false for throw-away test servers
 */
export async function startPrivateRedis (dataDir, { persist = true } = {}) {
  if (which('redis-server') === null) aptInstall(['redis-server'], 'REDIS_URL is unset and redis-server is not installed')
  mkdirSync(dataDir, { recursive: true })
  const port = await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', resolve(dataDir), '--save', '',
    '--protected-mode', 'yes', '--appendonly', persist ? 'yes' : 'no', '--logfile', join(resolve(dataDir), 'redis.log')]
  // Its own process group: Ctrl-C reaches only our script, which stops Redis
  // after the grader has closed its connections, not before.
  const child = spawn('redis-server', args, { stdio: 'ignore', detached: true })
  let exited = false
  child.on('exit', () => { exited = true })
  await waitFor('redis-server', async () => {
    if (exited) throw new ProvisionError(`redis-server exited at start; see ${join(dataDir, 'redis.log')}`)
    return ping(port)
  }, 20_000)
  log(`redis-server listening on 127.0.0.1:${port} (data: ${dataDir})`)
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise((resolveStop) => {
      if (exited) return resolveStop()
      child.once('exit', () => resolveStop())
      child.kill('SIGTERM')
    }),
  }
}
