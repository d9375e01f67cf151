// Small helpers shared by the security suite: writing hostile Python inline,
// starting a grader that is ready to grade, submitting without waiting,
// finding a run's container, reading results, and the assertions every
// attack ends with (an honest verdict, no leak, the grader still grading).
import { readFileSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect } from 'vitest'
import type Docker from 'dockerode'
import { LABELS } from '../../services/sandbox/container-spec.js'
import type { Result, Submission, SubmissionRequest, TestResult } from '../../services/shared/contracts/submission-schema.js'
import { startTestGrader, type TestGrader } from '../helpers/grader.js'

/** The `student` uid of the runtime images (see images/python/Dockerfile). */
export const STUDENT_UID = 10002

/** Polling step while waiting on state that has no event to wait on (a container appearing, a submission finishing). */
const POLL_MS = 50

/**
 * Python source written inline: the common indentation of the template is
 * removed and the text is taken raw, so `'\n'` in the Python stays a backslash
 * escape. A multi-line value (a shared snippet) is indented like the line it
 * is placed on.
 */
export function py (strings: TemplateStringsArray, ...values: unknown[]): string {
  const PLACEHOLDER = '\u0000'
  const text = strings.raw.join(PLACEHOLDER).replace(/^\n/, '').replace(/[ \t]+$/, '')
  const lines = text.split('\n')
  const indents = lines.filter(l => l.trim() !== '').map(l => /^ */.exec(l)![0].length)
  const cut = indents.length > 0 ? Math.min(...indents) : 0
  const pieces = lines.map(l => l.slice(cut)).join('\n').split(PLACEHOLDER)
  return pieces.reduce((out, piece, i) => {
    const indent = /(?:^|\n)([ \t]*)$/.exec(out)?.[1] ?? ''
    return out + String(values[i - 1]).replace(/\n(?=.)/g, `\n${indent}`) + piece
  })
}

/** A hostile program kept as a file under test/fixtures/security/ (too long to read well inline). */
export function securityFixture (name: string): string {
  return readFileSync(new URL(`../fixtures/security/${name}`, import.meta.url), 'utf8')
}

/** The Docker engine the test grader runs its containers on. */
export function engineOf (grader: TestGrader): Docker {
  const host = grader.worker.pool.hosts[0]
  if (!host) throw new Error('the test grader has no Docker host')
  return host.docker
}

/** The runtime image the worker grades Python with (an image id). */
export function pythonImageOf (grader: TestGrader): string {
  const image = grader.worker.pool.hosts[0]?.images.get('python')
  if (!image) throw new Error('the test grader has no python image')
  return image.ref
}

/** POST a submission without waiting; returns its id. */
export async function submit (grader: TestGrader, body: unknown): Promise<string> {
  // hostile code, but a well-formed request: refused, the client throws with the API's code
  const { id } = await grader.client.submit(body as SubmissionRequest)
  return id
}

/** GET a submission as the API answers it. */
export async function fetchSubmission (grader: TestGrader, id: string): Promise<Submission> {
  return await grader.client.get(id)
}

/** Polls `check` until it returns a value other than undefined, at most `withinMs`. */
export async function until<T> (what: string, check: () => Promise<T | undefined>, withinMs = 60_000): Promise<T> {
  const deadline = Date.now() + withinMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`gave up waiting ${withinMs} ms for ${what}`)
    await sleep(POLL_MS)
  }
}

/** Waits until a submission is done and returns it. */
export async function untilDone (grader: TestGrader, id: string): Promise<Submission> {
  return await until(`submission ${id} to be done`, async () => {
    const sub = await fetchSubmission(grader, id)
    return sub.state === 'done' ? sub : undefined
  })
}

/** Waits until the grading container of a submission is running and returns its id. */
export async function untilContainerRunning (grader: TestGrader, submissionId: string): Promise<string> {
  return await until(`the container of submission ${submissionId}`, async () => {
    // A cold container carries the submission's label; a warm one, made before the submission
    // existed, is named after it when taken.
    const running = await engineOf(grader).listContainers({
      filters: JSON.stringify({ label: [`${LABELS.worker}=${grader.config.workerId}`], status: ['running'] }),
    })
    return running.find(c => c.Labels[LABELS.submission] === submissionId || c.Names.includes(`/grader-${submissionId}`))?.Id
  })
}

/** The result of one test, by the function name at the end of its node id. */
export function testNamed (sub: Submission, name: string): TestResult | undefined {
  return sub.result?.tests.find(t => t.name === name || t.name.endsWith(`::${name}`))
}

/** The result without the noise (timings, test code), for assertion messages. */
export function summary (sub: Submission): string {
  const r: Partial<Result> = sub.result ?? {}
  return JSON.stringify({
    status: r.status,
    reason: r.reason,
    message: r.message,
    tests: r.tests?.map(t => ({ name: t.name, status: t.status, message: t.message, output: t.output })),
  }, null, 1)
}

/**
 * Processes of the given uid on this machine, with their cgroup paths (which
 * name the container they run in). The Docker engine is local, so a
 * container's processes appear in this /proc with their host-side uid.
 */
export async function processesOfUid (uid: number): Promise<Array<{ pid: number, name: string, cgroup: string }>> {
  const found: Array<{ pid: number, name: string, cgroup: string }> = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    // A process can end between readdir and read: that one is simply gone.
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '')
    const uids = /^Uid:\s+(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/).map(Number) ?? []
    if (!uids.includes(uid)) continue
    const cgroup = await readFile(`/proc/${entry}/cgroup`, 'utf8').catch(() => '')
    found.push({ pid: Number(entry), name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?', cgroup })
  }
  return found
}

/**
 * The verdict of a wrong answer, however hostile: graded to the end (`done`),
 * never `pass`, never blamed on the grader (`error/internal`).
 */
export function expectHonestVerdict (sub: Submission): void {
  expect(sub.state, summary(sub)).toBe('done')
  expect(sub.result?.status, summary(sub)).not.toBe('pass')
  expect(sub.result?.reason, summary(sub)).not.toBe('internal')
}

/** One test's verdict: it exists, it is not `pass`, and (when given) it is one of `statuses`. */
export function expectTestNotPassed (sub: Submission, name: string, statuses: Array<TestResult['status']> = ['fail', 'error']): TestResult {
  const test = testNamed(sub, name)
  expect(test, `${name} in ${summary(sub)}`).toBeDefined()
  expect(statuses, `${name}: ${summary(sub)}`).toContain(test!.status)
  return test!
}

/** Nothing of `secret` anywhere in what the API answers: verdict, messages, output, test code. */
export function expectNoLeak (sub: Submission, secret: string): void {
  const text = JSON.stringify(sub)
  expect(text.includes(secret), `${secret} leaked into ${summary(sub)}`).toBe(false)
}

/**
 * The grader still grades after an attack: an ordinary wrong-for-negatives
 * answer to the `add` challenge comes out exactly as pytest says, one test
 * failing and two passing.
 */
export async function expectStillGrades (grader: TestGrader, body: unknown): Promise<void> {
  const sub = await grader.grade(body)
  expect(sub.result?.status, summary(sub)).toBe('fail')
  expect(sub.result?.tests.map(t => t.status), summary(sub)).toEqual(['pass', 'fail', 'pass'])
}

/** Grades every body at once (the worker runs as many as its host allows) and returns them in order. */
export async function gradeAll (grader: TestGrader, bodies: unknown[]): Promise<Submission[]> {
  return await Promise.all(bodies.map(async body => await grader.grade(body)))
}

/** A short random marker: a "hidden" value of a test module, to look for in what the API answers. */
export function hiddenMarker (): string {
  return `hidden-${Math.random().toString(36).slice(2, 10)}${Math.random().toString(36).slice(2, 10)}`
}

/**
 * A test grader that can grade: started, then waited on until `/readyz` says
 * a worker has a usable host. A new host counts as unhealthy until its first
 * good probe, and right after a heavy neighbour (a CPU spin, a fork bomb)
 * that probe can be slow; grading before then answers 503.
 */
export async function startReadyGrader (env: Record<string, string> = {}): Promise<TestGrader> {
  const grader = await startTestGrader(env)
  try {
    await until('the test grader to be ready', async () => {
      const res = await grader.request('/readyz', { key: null })
      await res.body?.cancel()
      return res.status === 200 ? true : undefined
    }, 30_000)
  } catch (err) {
    await grader.close()
    throw err
  }
  return grader
}
