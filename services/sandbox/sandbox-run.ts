import type Docker from 'dockerode'
import type { Logger } from 'pino'
import { SandboxSession, type SandboxJobInput, type SandboxOpenInput, type SandboxRunResult } from './sandbox-session.js'

export type { RunProgress } from './agent-stream.js'
export type { SandboxRunResult, StageTimings } from './sandbox-session.js'

/** One whole run: what `open` needs and what `run` needs. */
export interface SandboxRunInput extends SandboxOpenInput, SandboxJobInput {
  submissionId: string
  workerId: string
}

/**
 * Grades one submission in one new container, used once and always removed:
 * `SandboxSession.open` → `run` → `close` (see sandbox-session.ts for each
 * step). The container is removed before this returns, so a caller that
 * stores the result after it never shows a result whose container still runs.
 *
 * Verdicts are returned as an observation; only faults of ours are thrown
 * (GraderError, retryable), so the caller can retry elsewhere.
 */
export async function runInSandbox (docker: Docker, input: SandboxRunInput, log: Logger): Promise<SandboxRunResult> {
  const session = await SandboxSession.open(docker, input, log)
  try {
    return await session.run(input)
  } finally {
    await session.close()
  }
}
