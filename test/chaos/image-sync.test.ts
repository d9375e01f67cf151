// A new host that lacks the runtime image: with GRADER_IMAGE_SYNC it gets the
// image copied from a host that has it, over the Docker API, and then grades.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostId } from '../../services/hostpool/docker-endpoint.js'
import { ADD_CORRECT, ADD_TESTS } from '../fixtures/python/add.js'
import { startDockerd, type ExtraDockerd } from '../helpers/dockerd.js'
import { python, startTestGrader, type TestGrader } from '../helpers/grader.js'

let full: ExtraDockerd
let empty: ExtraDockerd
let grader: TestGrader | undefined
beforeAll(async () => {
  [full, empty] = await Promise.all([startDockerd('sync-full'), startDockerd('sync-empty', { images: [] })])
}, 300_000)
afterAll(async () => {
  await grader?.close()
  await Promise.all([full?.stop(), empty?.stop()])
})

describe('image sync between hosts', () => {
  it('copies the runtime image to a host that lacks it, which then grades', async () => {
    expect((await empty.docker.listImages()).length).toBe(0)
    grader = await startTestGrader({ DOCKER_HOSTS: `${full.endpoint},${empty.endpoint}`, GRADER_IMAGE_SYNC: 'true', GRADER_PROBE_INTERVAL_MS: '300' })
    const target = grader.worker.pool.get(hostId(empty.endpoint))!
    const deadline = Date.now() + 120_000
    while (!target.images.has('python')) {
      if (Date.now() > deadline) throw new Error('the image was not copied in time')
      await new Promise(r => setTimeout(r, 200))
    }
    // Only the new host may take work now.
    const drain = await grader.request(`/v1/hosts/${encodeURIComponent(hostId(full.endpoint))}/drain`, { method: 'POST' })
    expect(drain.status).toBe(202)
    const source = grader.worker.pool.get(hostId(full.endpoint))!
    while (!source.draining) await new Promise(r => setTimeout(r, 50))

    const sub = await grader.grade(python(ADD_CORRECT, ADD_TESTS))
    expect(sub.result?.status).toBe('pass')
    expect(sub.result?.host).toBe(hostId(empty.endpoint))
  })
})
