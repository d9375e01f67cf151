// Nothing survives: student code tries to outlive its grading: a classic
// double-forked daemon in a session of its own, and a nohup'ed child in a new
// session. A worker that dies mid-run must not leave its container behind
// either.
//
// What stops it: every process of a run lives in the run's container, which
// is single-use and removed (force, with its anonymous volumes) before the
// result is stored; a new session or process group changes nothing about
// that. Containers of a dead worker carry the managed label and are removed
// by the reaper once older than the longest possible run.
import { randomUUID } from 'node:crypto'
import type Docker from 'dockerode'
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildContainerSpec, LABELS } from '../../services/sandbox/container-spec.js'
import { LEFTOVER_AGE_MS, reapLeftovers } from '../../services/sandbox/reaper.js'
import { resolveLimits } from '../../services/shared/config/limits.js'
import { ADD_TESTS, ONE_ADD_TEST } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import {
  engineOf, processesOfUid, py, pythonImageOf, startReadyGrader, STUDENT_UID, submit, summary, until, untilContainerRunning, untilDone,
} from './helpers.js'

let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

/**
 * What the engine holds for this grader. Containers others run on the same
 * engine meanwhile (another grader's live runs, a conformance recording, an
 * image self-test) come and go on their own and are left out.
 */
async function engineState (docker: Docker, g: TestGrader) {
  // Removals after a verdict settle first; the warm pool's ready containers are the grader's own,
  // replaced as they are used, not anything a run left.
  const resume = await g.worker.quiesce()
  try {
    const warm = new Set(g.worker.warm.idleContainerIds())
    const containers = await docker.listContainers({ all: true })
    const ours = containers.filter(c => c.Labels[LABELS.worker] === g.config.workerId && !warm.has(c.Id))
    return {
      containers: ours.map(c => c.Id).sort(),
      volumes: ((await docker.listVolumes()).Volumes ?? []).length,
      networks: (await docker.listNetworks()).length,
    }
  } finally {
    resume()
  }
}

/**
 * Student processes on this machine that are not inside a running container:
 * this run's container is removed by now, so a process of it still alive is
 * a stray; containers others run on the same engine meanwhile (another
 * grader, a conformance recording, an image self-test) come and go on their
 * own and may hold processes of the same uid.
 */
async function strayStudentProcesses (docker: Docker) {
  const running = (await docker.listContainers()).map(c => c.Id)
  const found = await processesOfUid(STUDENT_UID)
  return found.filter(p => !running.some(id => p.cgroup.includes(id)))
}

const ATTACKS: Array<[string, string]> = [
  ['a double-forked daemon in a new session', py`
    import os
    import time

    def add(a, b):
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.closerange(0, 256)
                time.sleep(10 ** 6)
            os._exit(0)
        os.wait()
        return a + b
  `],
  ['a nohup sleep started in a new session', py`
    import subprocess

    def add(a, b):
        subprocess.Popen(['nohup', 'sleep', '1000'], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return a + b
  `],
]

describe('processes started by student code', () => {
  it('the host sees the student processes of a running grading, so the scans below mean something', async () => {
    const id = await submit(grader, python(py`
      import time

      def add(a, b):
          time.sleep(2)
          return a + b
    `, ONE_ADD_TEST, { limits: { timeoutMs: 5000 } }))
    const containerId = await untilContainerRunning(grader, id)
    // The exec starts as runc's init and becomes python3 a moment later.
    const seen = await until('the student\'s python3 in the running container', async () => {
      const inside = (await processesOfUid(STUDENT_UID)).filter(p => p.cgroup.includes(containerId))
      return inside.find(p => p.name === 'python3')
    }, 5000)
    expect(seen.cgroup).toContain(containerId)
    expect((await untilDone(grader, id)).result?.status).toBe('pass')
  })

  it.each(ATTACKS)('%s does not outlive the grading, and the engine is left as it was', async (_attack, program) => {
    const docker = engineOf(grader)
    const before = await engineState(docker, grader)

    const sub = await grader.grade(python(program, ADD_TESTS, { limits: { timeoutMs: 3000 } }))
    expect(sub.state, summary(sub)).toBe('done')

    // the run's container is removed just after its verdict is stored: that is when a run ends
    const after = await engineState(docker, grader)
    expect(await strayStudentProcesses(docker)).toEqual([])
    expect(after).toEqual(before)
  })
})

describe('containers of a worker that died mid-run', () => {
  /** A grading container as a dead worker would leave it: hardened spec, managed labels, still running. */
  async function startOrphan (docker: Docker): Promise<Docker.Container> {
    const spec = buildContainerSpec({
      image: pythonImageOf(grader),
      limits: resolveLimits('python'),
      submissionId: `orphan-${randomUUID()}`,
      workerId: grader.config.workerId,
    })
    const container = await docker.createContainer({ ...spec, Cmd: ['sleep', '1000'] })
    await container.start()
    return container
  }

  /**
   * The real reaper on the real engine, but shown only this grader's
   * containers: a reaper run "in the future" would otherwise also remove the
   * live runs of anyone else sharing the engine.
   */
  function scopedToThisWorker (docker: Docker): Docker {
    return Object.create(docker, {
      listContainers: {
        value: async (opts: { filters?: string } = {}) => {
          const filters = JSON.parse(opts.filters ?? '{}') as { label?: string[] }
          filters.label = [...(filters.label ?? []), `${LABELS.worker}=${grader.config.workerId}`]
          return await docker.listContainers({ ...opts, filters: JSON.stringify(filters) })
        },
      },
    }) as Docker
  }

  const gone = async (container: Docker.Container) =>
    await container.inspect().then(() => false, (err: { statusCode?: number }) => err.statusCode === 404)

  it('one older than the longest possible run is removed by the reaper', async () => {
    const docker = engineOf(grader)
    const orphan = await startOrphan(docker)
    try {
      const log = pino({ level: 'silent' })
      await reapLeftovers(scopedToThisWorker(docker), log, Date.now() + LEFTOVER_AGE_MS + 1000)
      expect(await gone(orphan)).toBe(true)
    } finally {
      await orphan.remove({ force: true, v: true }).catch(() => {})
    }
  })

  it('a young running one is left alone', async () => {
    const docker = engineOf(grader)
    const young = await startOrphan(docker)
    try {
      await reapLeftovers(scopedToThisWorker(docker), pino({ level: 'silent' }), Date.now())
      expect(await gone(young)).toBe(false)
      expect((await young.inspect()).State.Running).toBe(true)
    } finally {
      await young.remove({ force: true, v: true }).catch(() => {})
    }
  })
})
