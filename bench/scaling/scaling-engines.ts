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
 * The hosts of a run, as they come up. Kept by the caller from before the first engine
 * starts, so that an interrupt while engines are still starting stops those already up and
 * the one on its way (`pending`), not only a finished list.
 */
export class ScalingHosts {
  readonly hosts: ScalingHost[] = []
  private pending: Promise<unknown> = Promise.resolve()
  private stopped = false
  /** The daemon.json files, until stop(): an interrupt exits without reaching start()'s finally. */
  private configDir: string | undefined

  /**
   * Starts `count` engines, each under a share of `initialCores`, in turn (copying the image
   * into two engines at once would only race for the same disk). On failure, what was
   * started is stopped before the error is thrown.
   */
  async start (count: number, initialCores: number, onProgress: (line: string) => void = () => {}): Promise<ScalingHost[]> {
    const configDir = mkdtempSync(join(tmpdir(), 'grader-scaling-'))
    this.configDir = configDir
    try {
      for (let i = 0; i < count && !this.stopped; i++) {
        const name = hostName(i)
        const share = CpuShare.create(`grader-${name}`, initialCores)
        share.setWeight(SHARE_WEIGHT)
        const configFile = join(configDir, `${name}.json`)
        writeFileSync(configFile, JSON.stringify(engineDaemonConfig(share.cgroupParent), null, 2) + '\n')
        const starting = startDockerd(name, { configFile })
        this.pending = starting.catch(() => {})
        try {
          const engine = await starting
          this.hosts.push({ engine, share })
          onProgress(`host ${name} up: dockerd answered in ${engine.timings.startMs} ms, image copied in ${engine.timings.loadMs} ms`)
        } catch (err) {
          share.remove()
          throw err
        }
        if (this.stopped) break
      }
      if (this.stopped) throw new Error('interrupted while starting the engines')
      return this.hosts
    } catch (err) {
      await this.stop()
      throw err
    } finally {
      rmSync(configDir, { recursive: true, force: true })
    }
  }

  /** Waits for an engine still starting, then stops every engine and removes its share. Safe to call twice. */
  async stop (): Promise<void> {
    this.stopped = true
    if (this.configDir !== undefined) rmSync(this.configDir, { recursive: true, force: true })
    await this.pending
    // Wait for start() to record the engine that was pending, if it came up.
    await new Promise(resolve => setImmediate(resolve))
    for (const { engine, share } of this.hosts.splice(0)) {
      await engine.stop().catch(() => {})
      share.remove()
    }
  }
}
