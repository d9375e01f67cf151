// Brings up what the grader needs on this machine, idempotently and fast when
// already done: node modules, a Docker engine, Redis, the runtime images.
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ensureDockerEngine } from './docker-engine.mjs'
import { ensureImages } from './images.mjs'
import { startPrivateRedis } from './redis.mjs'
import { log, run } from './system.mjs'

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '')
export const STATE_DIR = process.env.GRADER_STATE_DIR || join(ROOT, '.state')

function ensureNodeModules () {
  const lock = join(ROOT, 'package-lock.json')
  const installed = join(ROOT, 'node_modules', '.package-lock.json')
  if (existsSync(installed) && (!existsSync(lock) || statSync(installed).mtimeMs >= statSync(lock).mtimeMs)) return
  log('installing node modules')
  // `npm install` rather than `npm ci`: it follows the lock file too, and does
  // not refuse a lock that lacks other platforms' optional packages.
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ROOT })
}

/**
 * @param {{ redis: 'persistent' | 'ephemeral' }} opts
 * @returns {Promise<{ env: Record<string,string>, stop: () => Promise<void> }>}
 */
export async function provision ({ redis }) {
  ensureNodeModules()
  const env = {}
  const stops = []

  const { default: Docker } = await import('dockerode')
  if (!process.env.DOCKER_HOSTS) {
    // The default local engine: installed and started here when missing.
    await ensureDockerEngine(STATE_DIR)
    await ensureImages(new Docker(), { imagesDir: join(ROOT, 'images'), stateDir: STATE_DIR })
  } else {
    // The operator's hosts: never installed from here, but given the runtime images
    // (a base built here from Debian packages is imported into each over the API).
    const { register } = await import('tsx/esm/api')
    register()
    const { dockerOptions } = await import('../../services/hostpool/docker-endpoint.ts')
    for (const endpoint of process.env.DOCKER_HOSTS.split(',').map(e => e.trim()).filter(Boolean)) {
      log(`checking the runtime images on ${endpoint}`)
      await ensureImages(new Docker(dockerOptions(endpoint)), { imagesDir: join(ROOT, 'images'), stateDir: STATE_DIR })
    }
  }

  if (!process.env.REDIS_URL) {
    const server = await startPrivateRedis(join(STATE_DIR, redis === 'persistent' ? 'redis' : 'redis-test'), { persist: redis === 'persistent' })
    env.REDIS_URL = server.url
    stops.push(server.stop)
  }
  return {
    env,
    stop: async () => { for (const stop of stops.reverse()) await stop().catch(() => {}) },
  }
}
