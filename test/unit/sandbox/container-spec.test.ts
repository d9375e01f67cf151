import type { ContainerCreateOptions, HostConfig } from 'dockerode'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AGENT_USER, buildContainerSpec, cpuSharesFor, DEADLINE_MARGIN_MS, INTERACTIVE_CPU_SHARES, LABELS, STUDENT_USER, type ContainerSpecInput } from '../../../services/sandbox/container-spec.js'
import { LIMITS, resolveLimits } from '../../../services/shared/config/limits.js'

const MiB = 1024 * 1024

function spec (extra: Partial<ContainerSpecInput> = {}): ContainerCreateOptions {
  return buildContainerSpec({
    image: 'grader-python:1',
    limits: resolveLimits('python', { memoryMb: 256, pids: 64, cpus: 1 }),
    submissionId: 'sub-123',
    workerId: 'worker-a',
    ...extra,
  })
}

function hostConfig (extra: Partial<ContainerSpecInput> = {}): HostConfig {
  const host = spec(extra).HostConfig
  if (!host) throw new Error('the spec has no HostConfig')
  return host
}

/** The mount options of one tmpfs path, as a set of flags plus key=value pairs. */
function tmpfsOptions (path: string, extra: Partial<ContainerSpecInput> = {}): { flags: Set<string>, values: Map<string, string> } {
  const raw = (hostConfig(extra).Tmpfs as Record<string, string> | undefined)?.[path]
  if (raw === undefined) throw new Error(`no tmpfs at ${path}`)
  const flags = new Set<string>()
  const values = new Map<string, string>()
  for (const opt of raw.split(',')) {
    const [key, value] = opt.split('=')
    if (value === undefined) flags.add(key!)
    else values.set(key!, value)
  }
  return { flags, values }
}

/** A tmpfs size option (`4194304`, `1m`, `64k`) in bytes. */
function sizeBytes (size: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(size)
  if (!match) throw new Error(`unreadable tmpfs size ${size}`)
  const unit = { '': 1, k: 1024, m: MiB, g: 1024 * MiB }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g']
  return Number(match[1]) * unit
}

/**
 * The permission bits `user` ("uid:gid", no supplementary groups: the images
 * give none) has on the root of the tmpfs at `path`, as POSIX checks them:
 * owner bits for the owner, group bits for the group, other bits otherwise.
 * A tmpfs without uid/gid/mode is root's, mode 1777 (the kernel's default).
 */
function access (path: string, user: string): { read: boolean, write: boolean, search: boolean } {
  const { values } = tmpfsOptions(path)
  const [uid, gid] = user.split(':')
  const mode = parseInt(values.get('mode') ?? '1777', 8)
  const bits = uid === (values.get('uid') ?? '0') ? (mode >> 6) & 7 : gid === (values.get('gid') ?? '0') ? (mode >> 3) & 7 : mode & 7
  return { read: (bits & 4) !== 0, write: (bits & 2) !== 0, search: (bits & 1) !== 0 }
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('buildContainerSpec: isolation', () => {
  it('gives the container no network interface', () => {
    const s = spec()
    expect(s.NetworkDisabled).toBe(true)
    expect(s.HostConfig?.NetworkMode).toBe('none')
    expect(s.ExposedPorts).toBeUndefined()
    expect(s.HostConfig?.PortBindings).toBeUndefined()
  })

  it('drops every capability and adds none back', () => {
    const host = hostConfig()
    expect(host.CapDrop).toEqual(['ALL'])
    expect(host.CapAdd ?? []).toEqual([])
  })

  it('is not privileged', () => {
    expect(hostConfig().Privileged).toBe(false)
  })

  it('forbids gaining privileges through setuid binaries', () => {
    expect(hostConfig().SecurityOpt).toContain('no-new-privileges')
  })

  it('never turns seccomp or AppArmor off', () => {
    for (const input of [{}, { seccompProfile: '{"defaultAction":"SCMP_ACT_ERRNO"}' }]) {
      const opts = hostConfig(input).SecurityOpt ?? []
      expect(opts.filter((o: string) => /unconfined/.test(o))).toEqual([])
    }
  })

  it('leaves the daemon default seccomp profile in place when none is given', () => {
    expect((hostConfig().SecurityOpt ?? []).filter((o: string) => o.startsWith('seccomp'))).toEqual([])
  })

  it('sends a given seccomp profile inline', () => {
    const profile = '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}'
    expect(hostConfig({ seccompProfile: profile }).SecurityOpt).toContain(`seccomp=${profile}`)
  })

  it('mounts the root filesystem read-only', () => {
    expect(hostConfig().ReadonlyRootfs).toBe(true)
  })

  it('shares nothing with the host: no binds, mounts, volumes or devices', () => {
    const s = spec()
    const host = hostConfig()
    expect(s.Volumes).toBeUndefined()
    expect(host.Binds).toBeUndefined()
    expect(host.Mounts).toBeUndefined()
    expect(host.VolumesFrom).toBeUndefined()
    expect(host.Devices).toBeUndefined()
  })

  it('joins no host namespace', () => {
    const host = hostConfig()
    for (const mode of [host.PidMode, host.IpcMode, host.UTSMode, host.UsernsMode, host.NetworkMode]) {
      expect(mode).not.toBe('host')
    }
    expect(host.IpcMode).toBe('private')
  })

  it('keeps hiding every path Docker hides by default, since setting MaskedPaths replaces that list', () => {
    const masked = (hostConfig() as HostConfig & { MaskedPaths?: string[] }).MaskedPaths
    // Absent means Docker's own list applies; present, it must repeat it.
    if (masked === undefined) return
    for (const path of [
      '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
      '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
    ]) expect(masked).toContain(path)
  })

  it('runs as a non-root user', () => {
    const user = spec().User
    expect(user).toBeDefined()
    expect(user).not.toMatch(/^(0|root)(:|$)/)
    expect(user).toMatch(/^\d+:\d+$/)
  })

  it('uses the runtime only when one is asked for', () => {
    expect(hostConfig()).not.toHaveProperty('Runtime')
    expect(hostConfig({ runtime: 'runsc' }).Runtime).toBe('runsc')
  })
})

describe('buildContainerSpec: writable paths', () => {
  it.each(['/workspace', '/suite', '/tmp', '/run/grader'])('mounts %s as a size-limited tmpfs with nosuid, nodev and noexec', path => {
    const { flags, values } = tmpfsOptions(path)
    for (const flag of ['nosuid', 'nodev', 'noexec']) expect(flags).toContain(flag)
    const size = values.get('size')
    expect(size).toBeDefined()
    expect(sizeBytes(size!)).toBeGreaterThan(0)
  })

  it('keeps the workspace and /tmp within the memory limit together', () => {
    const memory = 256 * MiB
    const total = sizeBytes(tmpfsOptions('/workspace').values.get('size')!) + sizeBytes(tmpfsOptions('/tmp').values.get('size')!)
    expect(total).toBeLessThanOrEqual(memory)
  })

  it('has no writable path besides its tmpfs mounts', () => {
    expect(Object.keys(hostConfig().Tmpfs ?? {}).sort()).toEqual(['/run/grader', '/suite', '/tmp', '/workspace'])
  })

  it('mounts /suite with mode 0700, owned by uid and gid 10001, the agent', () => {
    const { values } = tmpfsOptions('/suite')
    expect(values.get('mode')).toBe('0700')
    expect(values.get('uid')).toBe('10001')
    expect(values.get('gid')).toBe('10001')
    expect(`${values.get('uid')}:${values.get('gid')}`).toBe(AGENT_USER)
  })

  it('keeps /suite unreadable, unlistable and unwritable for the student uid', () => {
    expect(STUDENT_USER.split(':')[0]).not.toBe(AGENT_USER.split(':')[0])
    expect(access('/suite', STUDENT_USER)).toEqual({ read: false, write: false, search: false })
    expect(access('/suite', AGENT_USER)).toEqual({ read: true, write: true, search: true })
  })

  it('lets the student read the workspace but not write it, and write /tmp', () => {
    expect(access('/workspace', STUDENT_USER)).toEqual({ read: true, write: false, search: true })
    expect(access('/workspace', AGENT_USER).write).toBe(true)
    expect(access('/tmp', STUDENT_USER).write).toBe(true)
    expect(tmpfsOptions('/tmp').values.get('mode')).toBe('1777')
  })

  it('gives /run/grader 8 MiB, owned by the agent and not writable by the student', () => {
    expect(sizeBytes(tmpfsOptions('/run/grader').values.get('size')!)).toBe(8 * MiB)
    expect(access('/run/grader', AGENT_USER).write).toBe(true)
    expect(access('/run/grader', STUDENT_USER).write).toBe(false)
  })

  it.each([LIMITS.memoryMb.min, 256, LIMITS.memoryMb.max])('keeps every tmpfs mount together within a %s MiB memory limit', memoryMb => {
    const extra = { limits: resolveLimits('python', { memoryMb }) }
    const paths = Object.keys(hostConfig(extra).Tmpfs ?? {})
    const total = paths.reduce((sum, path) => sum + sizeBytes(tmpfsOptions(path, extra).values.get('size')!), 0)
    expect(paths).toHaveLength(4)
    expect(total).toBeLessThanOrEqual(memoryMb * MiB)
  })
})

describe('buildContainerSpec: resource limits', () => {
  it('sets the memory limit in bytes and the same value for memory plus swap', () => {
    const host = hostConfig({ limits: resolveLimits('python', { memoryMb: 300 }) })
    expect(host.Memory).toBe(300 * MiB)
    expect(host.MemorySwap).toBe(host.Memory)
  })

  it('caps processes at the pids limit', () => {
    expect(hostConfig({ limits: resolveLimits('python', { pids: 32 }) }).PidsLimit).toBe(32)
  })

  it.each([0.1, 0.5, 1, 1.5, 2])('grants %s cpus through the CFS quota and period', cpus => {
    const host = hostConfig({ limits: resolveLimits('python', { cpus }) })
    expect(host.CpuPeriod).toBeGreaterThan(0)
    expect(host.CpuQuota! / host.CpuPeriod!).toBeCloseTo(cpus, 5)
    // NanoCpus and CpuQuota together are refused by the daemon.
    expect(host.NanoCpus).toBeUndefined()
  })

  it('weighs an interactive run\'s CPU above the rest, and leaves the others at Docker\'s default', () => {
    expect(cpuSharesFor('interactive')).toBe(INTERACTIVE_CPU_SHARES)
    expect(INTERACTIVE_CPU_SHARES).toBeGreaterThan(1024)
    for (const lane of ['exam', 'practice', 'regrade', undefined] as const) expect(cpuSharesFor(lane)).toBeUndefined()
    expect(hostConfig({ cpuShares: INTERACTIVE_CPU_SHARES }).CpuShares).toBe(INTERACTIVE_CPU_SHARES)
    expect(hostConfig().CpuShares).toBeUndefined()
  })

  it('limits file size and open files, and disables core dumps', () => {
    const ulimits = new Map((hostConfig().Ulimits ?? []).map(u => [u.Name, u]))
    const fsize = ulimits.get('fsize')
    const nofile = ulimits.get('nofile')
    const core = ulimits.get('core')
    expect(fsize?.Soft).toBeGreaterThan(0)
    expect(fsize?.Hard).toBe(fsize?.Soft)
    expect(nofile?.Soft).toBeGreaterThan(0)
    expect(nofile?.Soft).toBeLessThanOrEqual(4096)
    expect(nofile?.Hard).toBe(nofile?.Soft)
    expect(core).toEqual({ Name: 'core', Soft: 0, Hard: 0 })
  })

  it('runs an init as PID 1 to reap zombies', () => {
    expect(hostConfig().Init).toBe(true)
  })

  it('keeps output off the daemon disk with the none log driver', () => {
    expect(hostConfig().LogConfig?.Type).toBe('none')
  })
})

describe('buildContainerSpec: identity and secrets', () => {
  it('labels the container with its submission, worker, deployment and deadline so the reaper can find it', () => {
    const limits = resolveLimits('python', { timeoutMs: 7_000 })
    expect(spec({ limits, prefix: 'staging', createdAtMs: 1_000_000 }).Labels).toEqual({
      [LABELS.managed]: 'true',
      [LABELS.submission]: 'sub-123',
      [LABELS.worker]: 'worker-a',
      [LABELS.prefix]: 'staging',
      // created + its own timeout + the set-up and collection margin
      [LABELS.deadline]: String(1_000_000 + 7_000 + DEADLINE_MARGIN_MS),
    })
  })

  it('leaves the prefix label out when no deployment is named, but never the deadline', () => {
    const labels = spec().Labels ?? {}
    expect(labels).not.toHaveProperty(LABELS.prefix)
    expect(Number(labels[LABELS.deadline])).toBeGreaterThan(Date.now())
  })

  it('passes no environment variable, even when the grader holds secrets in its own', () => {
    vi.stubEnv('REDIS_URL', 'redis://:hunter2@redis.internal:6379')
    vi.stubEnv('GRADER_API_KEYS', 'key-secret-1,key-secret-2')
    const s = spec()
    expect(s.Env ?? []).toEqual([])
    const text = JSON.stringify(s)
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('key-secret')
  })

  it('uses the image it is given', () => {
    expect(spec({ image: 'grader-python@sha256:abc' }).Image).toBe('grader-python@sha256:abc')
  })
})
