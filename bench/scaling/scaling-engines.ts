/**
 * The hosts of the scaling benchmark: extra dockerd engines on this machine (test/helpers/
 * dockerd.ts), each with its containers confined to its own CPU share (cpu-share.ts). They
 * are started once for the whole run; a configuration of N hosts uses the first N and sets
 * their shares, so no image is copied twice and every configuration meets the same engines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDockerd, type ExtraDockerd } from '../../test/helpers/dockerd.js'
import { CpuShare } from './cpu-share.js'

/**
 * Weight of each share against the rest of the machine (x the default): the machine is
 * shared with CI and other benchmarks, and a host's cores are its own.
 */
export const SHARE_WEIGHT = 8

/** One host of the benchmark: an engine and the share its containers run in. */
export interface ScalingHost {
  engine: ExtraDockerd
  share: CpuShare
}

/**
 * The daemon.json of an engine: the main engine's flags (no bridge, no iptables, no container
 * logs: the same as test/fixtures/chaos/dockerd-engine.mjs's DOCKERD_FLAGS) plus the cgroup
 * parent. A file rather than flags because startDockerd takes a config file, and dockerd
 * refuses a setting given both ways.
 */
export function engineDaemonConfig (cgroupParent: string): Record<string, unknown> {
  return {
    bridge: 'none',
    iptables: false,
    ip6tables: false,
    'log-driver': 'none',
    'cgroup-parent': cgroupParent,
  }
}

/** The name of the i-th host (0-based): its engine folder and its cgroup. */
export function hostName (index: number): string {
  return `scale-${String.fromCharCode(97 + index)}`
}

/**
 * Starts `count` engines, each under a share of `initialCores`, in turn (copying the image
 * into two engines at once would only race for the same disk). On failure, what was started
 * is stopped before the error is thrown.
 */
export async function startScalingHosts (count: number, initialCores: number,
  onProgress: (line: string) => void = () => {}): Promise<ScalingHost[]> {
  const hosts: ScalingHost[] = []
  const configDir = mkdtempSync(join(tmpdir(), 'grader-scaling-'))
  try {
    for (let i = 0; i < count; i++) {
      const name = hostName(i)
      const share = CpuShare.create(`grader-${name}`, initialCores)
      share.setWeight(SHARE_WEIGHT)
      const configFile = join(configDir, `${name}.json`)
      writeFileSync(configFile, JSON.stringify(engineDaemonConfig(share.cgroupParent), null, 2) + '\n')
      try {
        const engine = await startDockerd(name, { configFile })
        hosts.push({ engine, share })
        onProgress(`host ${name} up: dockerd answered in ${engine.timings.startMs} ms, image copied in ${engine.timings.loadMs} ms`)
      } catch (err) {
        share.remove()
        throw err
      }
    }
    return hosts
  } catch (err) {
    await stopScalingHosts(hosts)
    throw err
  } finally {
    rmSync(configDir, { recursive: true, force: true })
  }
}

/** Stops every engine, then removes its share (a cgroup goes only once its processes are gone). */
export async function stopScalingHosts (hosts: ScalingHost[]): Promise<void> {
  for (const { engine, share } of hosts) {
    await engine.stop().catch(() => {})
    share.remove()
  }
}
