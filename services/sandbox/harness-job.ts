import type { Limits } from '../shared/config/limits.js'
import { HARNESS_PROTOCOL, type HarnessJob, type Isolation } from './harness-protocol.js'

/** What the agent is told about one run, besides the container's own limits. */
export interface HarnessJobInput {
  files: Record<string, string>
  tests: Record<string, string>
  limits: Limits
  /** Strict comparison mode (see grader_strict.py in the image). */
  strictComparisons?: boolean
  /** Where the student's code runs: a process of its own (default) or the test process (opt-in). */
  isolation?: Isolation
  /** Collect the suite and report its ids, run nothing. */
  collectOnly?: boolean
  /** Run the suite's locally skipped tests (Jest's `xtest`…) as ordinary ones. */
  runSkipped?: boolean
}

/**
 * The one line sent over the agent's stdin. A single test never gets more
 * time than the whole run: the agent would otherwise wait on a test the
 * worker has already killed.
 */
export function buildHarnessJob (input: HarnessJobInput): HarnessJob {
  return {
    protocol: HARNESS_PROTOCOL,
    files: input.files,
    tests: input.tests,
    outputBytes: input.limits.outputKb * 1024,
    testTimeoutMs: Math.min(input.limits.testTimeoutMs, input.limits.timeoutMs),
    memoryMb: input.limits.memoryMb,
    strict: input.strictComparisons === true,
    isolation: input.isolation ?? 'split',
    ...(input.collectOnly === true ? { collectOnly: true } : {}),
    ...(input.runSkipped === true ? { runSkipped: true } : {}),
  }
}
