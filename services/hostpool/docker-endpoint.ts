import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DockerOptions } from 'dockerode'

/**
 * Turns one `DOCKER_HOSTS` entry into dockerode options:
 * - `unix:///var/run/docker.sock`
 * - `tcp://host:2376` (TLS client certificates from `DOCKER_CERT_PATH`/<host>/ or
 *   `DOCKER_CERT_PATH`, as the docker CLI lays them out: ca.pem, cert.pem, key.pem)
 * - `ssh://user@host[:port]` (the ssh agent's keys)
 * - `http://host:port` (plain TCP: only for trusted test networks)
 */
export function dockerOptions (endpoint: string, env: NodeJS.ProcessEnv = process.env): DockerOptions {
  const url = new URL(endpoint)
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: decodeURIComponent(url.pathname) }
    case 'http:':
      return { protocol: 'http', host: url.hostname, port: Number(url.port || 2375) }
    case 'tcp:':
    case 'https:': {
      const certDir = env.DOCKER_CERT_PATH
      const opts: DockerOptions = { protocol: 'https', host: url.hostname, port: Number(url.port || 2376) }
      if (certDir) {
        const perHost = join(certDir, url.hostname)
        const dir = existsDir(perHost) ? perHost : certDir
        opts.ca = readFileSync(join(dir, 'ca.pem'))
        opts.cert = readFileSync(join(dir, 'cert.pem'))
        opts.key = readFileSync(join(dir, 'key.pem'))
      }
      return opts
    }
    case 'ssh:':
      return {
        protocol: 'ssh',
        host: url.hostname,
        port: Number(url.port || 22),
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: { agent: env.SSH_AUTH_SOCK },
      }
    default:
      throw new Error(`unsupported Docker endpoint ${endpoint}`)
  }
}

function existsDir (path: string): boolean {
  try { return readFileSync(join(path, 'ca.pem')).length > 0 } catch { return false }
}

/** A short stable id for a host, for labels, logs and the API: the endpoint without scheme noise. */
export function hostId (endpoint: string): string {
  const url = new URL(endpoint)
  const defaultPort = { 'ssh:': 22, 'http:': 2375 }[url.protocol] ?? 2376
  const user = url.protocol === 'ssh:' && url.username ? `${url.username}@` : ''
  const raw = url.protocol === 'unix:' ? `unix:${url.pathname}` : `${user}${url.hostname}:${url.port || defaultPort}`
  return raw.replace(/[^a-zA-Z0-9_.:-]/g, '_')
}
