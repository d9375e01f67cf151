/**
 * A CPU share for one Docker engine's containers: a cgroup whose CPU quota caps everything
 * below it, given to dockerd as `--cgroup-parent`. Each engine's containers then compete
 * for their own share only, as they would on a machine of that size. dockerd, containerd
 * and the shims stay outside the share (they run in the bench's own cgroup): what is capped
 * is what runs inside the containers, which is where a grading spends most of its CPU
 * (pytest's import and run).
 *
 * Works on cgroup v1 (the `cpu` and `cpuacct` hierarchies, dockerd's cgroupfs driver) and
 * on cgroup v2 (`cpu.max`, `cpu.stat`), whichever the machine mounts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Which cgroup layout the machine mounts. */
export const CgroupVersion = { v1: 'v1', v2: 'v2' } as const
export type CgroupVersion = typeof CgroupVersion[keyof typeof CgroupVersion]

/** The CFS period every share uses, in µs (the kernel's default). */
export const CFS_PERIOD_US = 100_000

/** CFS quota, in µs per {@link CFS_PERIOD_US}, that lets `cores` cores run (at least 1 ms: the kernel's minimum). */
export function quotaUs (cores: number, periodUs = CFS_PERIOD_US): number {
  if (!(cores > 0)) throw new Error(`a CPU share must be above 0 cores, got ${cores}`)
  return Math.max(1000, Math.round(cores * periodUs))
}

/** What the kernel counted for a share since it was made. */
export interface ShareUsage {
  /** CPU time the share's processes used, in µs. */
  usageUs: number
  /** CFS periods in which the share had something to run. */
  periods: number
  /** Of those, periods in which the quota ran out (the cap was binding). */
  throttledPeriods: number
}

/**
 * Parses `cpu.stat` (v1: nr_periods, nr_throttled, throttled_time; v2 adds usage_usec) into
 * the counters; `usageUs` is filled from v2's usage_usec when there, else left at 0 for the
 * caller to take from cpuacct.usage (v1, in ns).
 */
export function parseCpuStat (text: string): ShareUsage {
  const fields = new Map<string, number>()
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/)
    if (key !== undefined && value !== undefined && /^\d+$/.test(value)) fields.set(key, Number(value))
  }
  return {
    usageUs: fields.get('usage_usec') ?? 0,
    periods: fields.get('nr_periods') ?? 0,
    throttledPeriods: fields.get('nr_throttled') ?? 0,
  }
}

/** The difference between two readings of the same share. */
export function usageBetween (before: ShareUsage, after: ShareUsage): ShareUsage {
  return {
    usageUs: after.usageUs - before.usageUs,
    periods: after.periods - before.periods,
    throttledPeriods: after.throttledPeriods - before.throttledPeriods,
  }
}

/** Which layout `root` (normally /sys/fs/cgroup) holds: v2 has cgroup.controllers at its root. */
export function detectCgroupVersion (root = '/sys/fs/cgroup'): CgroupVersion {
  if (existsSync(join(root, 'cgroup.controllers'))) return CgroupVersion.v2
  if (existsSync(join(root, 'cpu', 'cpu.cfs_quota_us'))) return CgroupVersion.v1
  throw new Error(`no cgroup v2 root and no cgroup v1 cpu hierarchy under ${root}: cannot confine engines to a CPU share`)
}

/** One share: a cgroup named `name` at the root of the hierarchy, so `--cgroup-parent=/<name>`. */
export class CpuShare {
  private constructor (
    /** The cgroup's name, also dockerd's `--cgroup-parent` (with a leading slash). */
    readonly name: string,
    private readonly version: CgroupVersion,
    private readonly root: string,
  ) {}

  /** Creates (or takes over) the cgroup `name` and sets its share to `cores`. */
  static create (name: string, cores: number, root = '/sys/fs/cgroup'): CpuShare {
    if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(name)) throw new Error(`cgroup name '${name}': use [a-z0-9-]`)
    const share = new CpuShare(name, detectCgroupVersion(root), root)
    for (const dir of share.dirs()) mkdirSync(dir, { recursive: true })
    if (share.version === CgroupVersion.v2) {
      // The cpu controller must be on in the root's subtree for cpu.max to exist below it.
      const control = join(root, 'cgroup.subtree_control')
      if (!readFileSync(control, 'utf8').split(/\s+/).includes('cpu')) writeFileSync(control, '+cpu')
    }
    share.setCores(cores)
    return share
  }

  /** dockerd's `--cgroup-parent` (cgroupfs driver): an absolute path from the hierarchy's root. */
  get cgroupParent (): string { return `/${this.name}` }

  /**
   * Changes the share at once; running containers are capped from the next period on. On v1
   * the kernel refuses a quota below a child's, so containers must ask for at most the share
   * (the benchmark gives each `cpus` = its host's share), and per-container cgroups left
   * empty by removed containers are cleared first.
   */
  setCores (cores: number): void {
    const quota = quotaUs(cores)
    if (this.version === CgroupVersion.v2) {
      writeFileSync(join(this.root, this.name, 'cpu.max'), `${quota} ${CFS_PERIOD_US}`)
    } else {
      const dir = join(this.root, 'cpu', this.name)
      for (const child of subCgroups(dir)) removeTree(join(dir, child))
      writeFileSync(join(dir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US))
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota))
    }
  }

  /**
   * Sets the share's weight against the machine's other work (v1 cpu.shares, default 1024;
   * v2 cpu.weight, default 100). A real host's cores are its own: a high weight lets the share
   * have its quota even on a busy machine, and the quota still caps it.
   */
  setWeight (factor: number): void {
    if (this.version === CgroupVersion.v2) writeFileSync(join(this.root, this.name, 'cpu.weight'), String(Math.min(10_000, Math.round(100 * factor))))
    else writeFileSync(join(this.root, 'cpu', this.name, 'cpu.shares'), String(Math.round(1024 * factor)))
  }

  /** The share in cores, as the kernel holds it. */
  cores (): number {
    if (this.version === CgroupVersion.v2) {
      const [quota, period] = readFileSync(join(this.root, this.name, 'cpu.max'), 'utf8').trim().split(/\s+/)
      return quota === 'max' ? Infinity : Number(quota) / Number(period)
    }
    const dir = join(this.root, 'cpu', this.name)
    const quota = Number(readFileSync(join(dir, 'cpu.cfs_quota_us'), 'utf8'))
    return quota < 0 ? Infinity : quota / Number(readFileSync(join(dir, 'cpu.cfs_period_us'), 'utf8'))
  }

  /** What the kernel counted so far for everything below the share. */
  usage (): ShareUsage {
    if (this.version === CgroupVersion.v2) return parseCpuStat(readFileSync(join(this.root, this.name, 'cpu.stat'), 'utf8'))
    const stat = parseCpuStat(readFileSync(join(this.root, 'cpu', this.name, 'cpu.stat'), 'utf8'))
    // cpuacct.usage is in ns.
    const usageNs = Number(readFileSync(join(this.root, 'cpuacct', this.name, 'cpuacct.usage'), 'utf8'))
    return { ...stat, usageUs: Math.round(usageNs / 1000) }
  }

  /**
   * Removes the cgroup (and the empty per-container cgroups dockerd left below it). Call after
   * the engine is stopped: a cgroup with live processes cannot be removed. Best effort.
   */
  remove (): void {
    for (const dir of this.dirs()) removeTree(dir)
    // dockerd's cgroupfs driver also made the parent in every other v1 hierarchy (memory, pids, …).
    if (this.version === CgroupVersion.v1) {
      for (const hierarchy of subCgroups(this.root)) removeTree(join(this.root, hierarchy, this.name))
    }
  }

  private dirs (): string[] {
    if (this.version === CgroupVersion.v2) return [join(this.root, this.name)]
    // dockerd's cgroupfs driver makes the parent in every v1 hierarchy; the ones we read are cpu and cpuacct.
    return ['cpu', 'cpuacct'].map(h => join(this.root, h, this.name))
  }
}

/** Removes a cgroup folder and the cgroup folders under it, deepest first (rmdir is how cgroups go). */
function removeTree (dir: string): void {
  for (const child of subCgroups(dir)) removeTree(join(dir, child))
  try { rmdirSync(dir) } catch { /* still busy: left for the next run's create, which takes it over */ }
}

/** The cgroups right below `dir`: its folders (the control files are plain files). */
function subCgroups (dir: string): string[] {
  try { return readdirSync(dir, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => e.name) } catch { return [] }
}
