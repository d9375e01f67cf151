import type { HostPool, Lease } from '../hostpool/host-pool.js'
import type { SandboxRunInput } from '../sandbox/sandbox-run.js'
import type { GradingJob } from '../shared/contracts/job-schema.js'

/** What every run needs of the processor's dependencies. */
export interface SandboxInputDeps {
  /** Where callers lease the host (collect-suite.ts reads it through this type). */
  pool: HostPool
  workerId: string
  seccompProfile?: string
  /** The deployment (`GRADER_PREFIX`), labelled on each container so a reaper touches only its own. */
  prefix: string
}

/**
 * The part of a sandbox run every job shares, grading or collecting: the
 * job's files and limits on the leased host's image, under this worker's
 * seccomp profile, with the OCI runtime the lease chose. Callers add what
 * differs (isolation, collect-only, progress).
 */
export function sandboxInput (deps: SandboxInputDeps, data: GradingJob, lease: Lease): Omit<SandboxRunInput, 'isolation'> {
  return {
    submissionId: data.submissionId,
    workerId: deps.workerId,
    image: lease.image.ref,
    runner: lease.image.runner,
    files: data.files,
    tests: data.tests,
    limits: data.limits,
    signal: lease.signal,
    seccompProfile: deps.seccompProfile,
    runtime: lease.runtime,
    prefix: deps.prefix,
  }
}
