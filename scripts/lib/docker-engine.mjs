// Makes sure a Docker engine answers on the local socket.
// When none does and we are root on Debian: install Debian's docker.io and start dockerd.
import { mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { ProvisionError, aptInstall, isDebian, isRoot, log, pingUnixSocket, spawnDetached, waitFor, which } from './system.mjs'

export const LOCAL_SOCKET = '/var/run/docker.sock'

/**
 * dockerd flags for a grading host started by us. Grading containers use no
 * network at all, and image builds use the host network, so the engine needs
 * no bridge and no iptables rules (which some kernels cannot provide).
 */
const DOCKERD_ARGS = ['--bridge=none', '--iptables=false', '--ip6tables=false', '--log-driver=none']

export async function ensureDockerEngine (stateDir) {
  if (await pingUnixSocket(LOCAL_SOCKET) === 200) return { started: false }
  if (!isRoot() || !isDebian()) {
    throw new ProvisionError(
      `no Docker engine answers on ${LOCAL_SOCKET}. Start one (e.g. "sudo systemctl start docker"), ` +
      'make sure this user may use it (the "docker" group), or point DOCKER_HOSTS at a reachable engine')
  }
  if (which('dockerd') === null) aptInstall(['docker.io'], 'no Docker engine is installed')
  mkdirSync(stateDir, { recursive: true })
  const logPath = join(stateDir, 'dockerd.log')
  log(`starting dockerd (log: ${logPath}); it keeps running as this machine's Docker engine`)
  const child = spawnDetached('dockerd', DOCKERD_ARGS, openSync(logPath, 'a'))
  await waitFor('dockerd', async () => await pingUnixSocket(LOCAL_SOCKET) === 200, 60_000)
  return { started: true, pid: child.pid }
}
