import type { Job } from 'bullmq'
import type { Logger } from 'pino'
import { runInSandbox } from '../sandbox/sandbox-run.js'
import { decideCollection } from '../sandbox/verdict.js'
import type { GradingJob, SuiteCollection } from '../shared/contracts/job-schema.js'
import { sandboxInput, type SandboxInputDeps } from './sandbox-input.js'

/** What a collection needs of the processor's dependencies (GradeDeps has them all). */
export interface CollectDeps extends SandboxInputDeps {
  log: Logger
}

/**
 * The processor's branch for a `collectOnly` job (the API checking a
 * challenge's policy against its suite): one container, as for grading, whose
 * agent collects the suite and reports the ids without starting the student
 * side. Nothing is stored: the ids are the job's return value, read by the API
 * that waits for it. Faults are rethrown (the job then fails and the API
 * answers 503); there is no student to owe an `error/internal` result to.
 */
export async function collectSuite (deps: CollectDeps, job: Job<GradingJob & { lastHost?: string }>): Promise<SuiteCollection> {
  const data = job.data
  const log = deps.log.child({ jobId: job.id, language: data.language, collectOnly: true })
  const lease = await deps.pool.acquire(data.language, data.lastHost)
  try {
    // no runner: a collection starts no student side at all
    const { runner: _none, ...input } = sandboxInput(deps, data, lease)
    const { observation, timings } = await runInSandbox(lease.host.docker, {
      ...input,
      // the test process collects as the grader's uid: no student code, so no split to make
      isolation: 'split',
      collectOnly: true,
    }, log.child({ host: lease.host.id }))
    const collection = decideCollection(observation)
    log.info({ host: lease.host.id, ok: collection.ok, tests: collection.ok ? collection.tests.length : 0, uploadMs: timings.uploadMs }, 'suite collected')
    return collection
  } finally {
    lease.release()
  }
}
