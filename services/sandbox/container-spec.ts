import type { ContainerCreateOptions } from 'dockerode'
import { LIMITS, type Limits } from '../shared/config/limits.js'
import type { Lane } from '../shared/contracts/vocabulary.js'

/** Uids baked into every runtime image (see images/<language>/Dockerfile). */
export const AGENT_USER = '10001:10001'
export const STUDENT_USER = '10002:10002'

/** Labels on every grading container: the reaper finds leftovers by them. */
export const LABELS = {
  managed: 'grader.managed',
  submission: 'grader.submission',
  worker: 'grader.worker',
  /** The deployment's `GRADER_PREFIX`: a reaper removes only its own deployment's containers. */
  prefix: 'grader.prefix',
  /** Epoch ms past which the run is over whatever happened (see {@link DEADLINE_MARGIN_MS}); the reaper's test for a leftover. */
  deadline: 'grader.deadline',
  /** `true` on a warm pool's container: created before its submission, so it has no submission label (see WarmPool). */
  pool: 'grader.pool',
} as const

/**
 * What a run may take beyond its own `timeoutMs`, in ms, for the deadline
 * label: create, start and the harness getting ready (at most 20 s), the
 * collection and removal (about 15 s), and the clocks of the worker that
 * labels and the one that reaps disagreeing by a few seconds. @defaultValue 60000
 */
export const DEADLINE_MARGIN_MS = 60_000

const MiB = 1024 * 1024
/** CFS period of 10 ms instead of 100 ms: a CPU spinner is throttled in small slices, so neighbours stay responsive. */
const CPU_PERIOD_US = 10_000
/** Largest file the student may write (RLIMIT_FSIZE): bounded by the tmpfs anyway, but fails fast with EFBIG. */
const MAX_FILE_BYTES = 16 * MiB

/**
 * Paths hidden from the container (bind-mounted over with nothing). Setting
 * MaskedPaths replaces Docker's default list, so that list is repeated here,
 * then what a grader also hides: the kernel's build config and symbol table
 * (exploit reconnaissance) and loaded modules.
 */
export const MASKED_PATHS = [
  // Docker's defaults
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
  // ours
  '/proc/config.gz', '/proc/kallsyms', '/proc/modules', '/proc/sys/kernel/random/boot_id', '/sys/kernel',
]

export interface ContainerSpecInput {
  image: string
  limits: Limits
  /** The submission it grades, as a label; absent on a warm pool's container (see `pool`). */
  submissionId?: string
  workerId: string
  /**
   * Set for a warm pool's container: labelled {@link LABELS.pool}, and its
   * deadline covers the longest idle wait plus the longest run, since which
   * run it gets (and its timeout) is not known yet.
   */
  pool?: { maxIdleMs: number }
  /** Runtime (e.g. `runsc`) when the image or host asks for one; Docker's default otherwise. */
  runtime?: string
  /**
   * The deployment's `GRADER_PREFIX`, as the {@link LABELS.prefix} label.
   * Absent: no prefix label, and the container is reaped as one from before
   * labels were scoped (by any deployment, past its deadline; see reaper.ts).
   */
  prefix?: string
  /** When the container is created, in epoch ms, for its deadline label. @defaultValue now */
  createdAtMs?: number
  /**
   * Seccomp profile as JSON text (the Docker API takes the profile itself, not
   * a path). Absent: the daemon's default profile, which is never disabled.
   */
  seccompProfile?: string
  /**
   * The container's CPU weight against the host's other containers when the
   * CPU is contended (Docker's `CpuShares`; see {@link cpuSharesFor}).
   * Absent: Docker's default, 1024.
   */
  cpuShares?: number
}

/**
 * CPU weight of an interactive run: 4 × Docker's default, so a student at
 * the keyboard gets the CPU first when exam and flood runs take every core
 * (weights only matter under contention; the quota still caps each run).
 */
export const INTERACTIVE_CPU_SHARES = 4096

/** The CPU weight of a run of `lane`: {@link INTERACTIVE_CPU_SHARES} for interactive, Docker's default for the rest. */
export function cpuSharesFor (lane: Lane | undefined): number | undefined {
  return lane === 'interactive' ? INTERACTIVE_CPU_SHARES : undefined
}

/**
 * The limits of a container that `docker update` can change while it runs:
 * a warm container is given its run's values this way (see SandboxSession.retune).
 */
export function cgroupLimits (limits: Pick<Limits, 'cpus' | 'pids'>, cpuShares?: number): { CpuPeriod: number, CpuQuota: number, PidsLimit: number, CpuShares?: number } {
  return {
    PidsLimit: limits.pids,
    CpuPeriod: CPU_PERIOD_US,
    CpuQuota: Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US)),
    ...(cpuShares === undefined ? {} : { CpuShares: cpuShares }),
  }
}

/**
 * The hardened create options of one grading container. Every writable path
 * is a size-limited tmpfs (memory-backed, so it counts against the memory
 * limit), nothing is logged by the daemon, and nothing is shared with the host.
 */
export function buildContainerSpec (input: ContainerSpecInput): ContainerCreateOptions {
  const { limits } = input
  const memoryBytes = Math.round(limits.memoryMb * MiB)
  // Workspace and /tmp share the memory budget; each may use at most a quarter of it.
  const tmpfsBytes = Math.max(4 * MiB, Math.floor(memoryBytes / 4))
  return {
    Image: input.image,
    // The agent runs as `grader`; student code is started later as `student` with exec.
    User: AGENT_USER,
    WorkingDir: '/workspace',
    // Only the image's own environment: no secret of the grader's (keys, Redis URL) ever reaches a container.
    Env: [],
    Labels: {
      [LABELS.managed]: 'true',
      ...(input.submissionId !== undefined ? { [LABELS.submission]: input.submissionId } : {}),
      ...(input.pool !== undefined ? { [LABELS.pool]: 'true' } : {}),
      [LABELS.worker]: input.workerId,
      ...(input.prefix !== undefined ? { [LABELS.prefix]: input.prefix } : {}),
      // A worker that dies mid-run cannot remove its container; past this, any worker of the deployment may.
      [LABELS.deadline]: String((input.createdAtMs ?? Date.now()) + DEADLINE_MARGIN_MS +
        (input.pool !== undefined ? input.pool.maxIdleMs + LIMITS.timeoutMs.max : limits.timeoutMs)),
    },
    // The job goes in over stdin, the agent's report comes out over stdout: the files
    // arrive through the Docker API, after the container started (see README: harness).
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    // No network interface at all: no TCP, UDP, DNS, bridge gateway or metadata service.
    NetworkDisabled: true,
    StopTimeout: 1,
    HostConfig: {
      NetworkMode: 'none',
      // No capability: no mount, chroot, raw sockets, ptrace across uids, module loading, setuid.
      CapDrop: ['ALL'],
      // setuid binaries cannot raise privileges; a syscall filter narrows the kernel surface.
      SecurityOpt: ['no-new-privileges', ...(input.seccompProfile ? [`seccomp=${input.seccompProfile}`] : [])],
      MaskedPaths: MASKED_PATHS,
      Privileged: false,
      // Nothing outside the tmpfs mounts can be written: no planted binaries, no shadowed libraries.
      ReadonlyRootfs: true,
      Tmpfs: {
        // The student's files: written by the agent, readable (never writable) by the student.
        '/workspace': `rw,nosuid,nodev,noexec,size=${tmpfsBytes},uid=10001,gid=10001,mode=0755`,
        // The challenge's suite: mode 0700, so the student's uid cannot even list it.
        '/suite': `rw,nosuid,nodev,noexec,size=${tmpfsBytes},uid=10001,gid=10001,mode=0700`,
        '/tmp': `rw,nosuid,nodev,noexec,size=${tmpfsBytes},mode=1777`,
        // The agent's socket, and the test process's private scratch space (pytest's captures).
        '/run/grader': 'rw,nosuid,nodev,noexec,size=8m,uid=10001,gid=10001,mode=0755',
      },
      ShmSize: 4 * MiB,
      // memory = memory+swap: no swap, so a memory bomb meets the OOM killer, not the host's disk.
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      // Fork bombs stop at the pids limit; CPU is a quota per period.
      ...cgroupLimits(limits, input.cpuShares),
      Ulimits: [
        { Name: 'fsize', Soft: MAX_FILE_BYTES, Hard: MAX_FILE_BYTES },
        { Name: 'nofile', Soft: 256, Hard: 256 },
        { Name: 'core', Soft: 0, Hard: 0 },
      ],
      // An init as PID 1 reaps zombies and forwards signals; the agent is its child.
      Init: true,
      IpcMode: 'private',
      // Output never lands on the daemon's disk: it is read from the attach stream, capped.
      LogConfig: { Type: 'none', Config: {} },
      AutoRemove: false,
      ...(input.runtime ? { Runtime: input.runtime } : {}),
    },
  }
}
