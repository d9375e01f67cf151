/**
 * One step of the open-loop load: submissions arrive at their scheduled times
 * whether or not earlier ones have been answered, for a fixed window; then the
 * step waits for every answer. Latency counts from each scheduled arrival.
 */
import { arrivalOffsets } from './arrivals.js'
import type { Graded } from './grader-http.js'
import type { BacklogSample, StepOutcome } from './rate-sweep.js'
import { summarize, type Summary } from './stats.js'

export interface LoadStepOptions {
  ratePerS: number
  windowMs: number
  random: () => number
  arrivals: 'poisson' | 'fixed'
  /** How often the backlog is sampled, in ms. @defaultValue 250 */
  sampleEveryMs?: number
}

export interface LoadStep extends StepOutcome {
  sent: number
  /** Answers with a verdict of `pass` (the bench's submission passes). */
  ok: number
  /** Completions per second from the first arrival to the last answer. */
  achievedPerS: number
  /** Latency of the `pass` answers, in ms. */
  latency: Summary
  /** Up to three error messages, to say what went wrong. */
  errorSamples: string[]
  /** From the end of the arrival window to the last answer, in ms. */
  drainMs: number
}

export async function loadStep (opts: LoadStepOptions, send: (dueAt: number) => Promise<Graded>): Promise<LoadStep> {
  const offsets = arrivalOffsets(opts.ratePerS, opts.windowMs, opts.random, opts.arrivals)
  const ms: number[] = []
  const errorSamples: string[] = []
  let errors = 0
  let inFlight = 0
  const pending: Array<Promise<void>> = []
  const backlog: BacklogSample[] = []
  const t0 = performance.now()
  const sampler = setInterval(() => backlog.push({ tMs: performance.now() - t0, inFlight }), opts.sampleEveryMs ?? 250)

  const fire = (dueAt: number): void => {
    inFlight++
    pending.push(send(dueAt).then(g => {
      if (g.status === 'pass') ms.push(g.ms)
      else { errors++; if (errorSamples.length < 3) errorSamples.push(`verdict ${g.status}${g.message !== undefined ? `: ${g.message}` : ''}`) }
    }, (err: unknown) => {
      errors++
      if (errorSamples.length < 3) errorSamples.push(err instanceof Error ? err.message : String(err))
    }).finally(() => { inFlight-- }))
  }
  // Each arrival at its own time; a timer that fires late sends everything already due.
  let i = 0
  while (i < offsets.length) {
    const wait = t0 + offsets[i]! - performance.now()
    if (wait > 1) await new Promise(resolve => setTimeout(resolve, wait))
    const now = performance.now()
    while (i < offsets.length && t0 + offsets[i]! <= now + 1) fire(t0 + offsets[i++]!)
  }
  const windowEnd = t0 + opts.windowMs
  if (performance.now() < windowEnd) await new Promise(resolve => setTimeout(resolve, windowEnd - performance.now()))
  clearInterval(sampler)
  const drainStart = performance.now()
  await Promise.all(pending)
  const end = performance.now()
  const latency = summarize(ms)
  return {
    ratePerS: opts.ratePerS,
    windowMs: opts.windowMs,
    sent: offsets.length,
    ok: ms.length,
    errors,
    errorSamples,
    backlog,
    latency,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    achievedPerS: ms.length / ((end - t0) / 1000),
    drainMs: end - drainStart,
  }
}
