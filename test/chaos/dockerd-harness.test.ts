// The chaos tests' extra Docker engines (test/helpers/dockerd.ts) and their recycle command
// do what the chaos tests rely on: two engines side by side, each able to run the grading
// image; a paused engine stops answering; a recycle brings it back clean; stop() leaves
// nothing behind.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mountsUnder } from '../fixtures/chaos/dockerd-engine.mjs'
import { MAIN_ENGINE_SOCKET, RECYCLE_COMMAND, startDockerd, type ExtraDockerd } from '../helpers/dockerd.js'

const IMAGE = 'grader-python:1'
const DAEMON_JSON = fileURLToPath(new URL('../../deploy/docker/daemon.json', import.meta.url))

describe('extra Docker engines for chaos tests', () => {
  const started: ExtraDockerd[] = []
  let a: ExtraDockerd
  let b: ExtraDockerd
  let imageId: string

  beforeAll(async () => {
    imageId = (await new Docker({ socketPath: MAIN_ENGINE_SOCKET }).getImage(IMAGE).inspect()).Id
    const results = await Promise.allSettled([startDockerd('harness-a'), startDockerd('harness-b')])
    for (const r of results) if (r.status === 'fulfilled') started.push(r.value)
    const failed = results.find(r => r.status === 'rejected')
    if (failed) throw failed.reason
    ;[a, b] = started as [ExtraDockerd, ExtraDockerd]
  })

  afterAll(async () => {
    for (const engine of started) await engine.stop()
  })

  it('runs two engines side by side, each with its own containerd and a copy of the image', async () => {
    expect(a.pid()).not.toBe(b.pid())
    for (const engine of [a, b]) {
      const containerd = engine.processes().filter(pid => argv(pid)[0] === 'containerd')
      expect(containerd).toHaveLength(1)
      expect(argv(containerd[0]!)).toContain(join(engine.root, 'exec/containerd/containerd.toml'))
      expect((await engine.docker.getImage(IMAGE).inspect()).Id).toBe(imageId)
    }
  })

  it('creates, starts and removes a container on each engine', async () => {
    for (const engine of [a, b]) {
      const container = await engine.docker.createContainer({
        Image: IMAGE,
        Entrypoint: ['python3', '-c', 'print("hello")'],
        HostConfig: { NetworkMode: 'none' },
      })
      await container.start()
      expect((await container.wait()).StatusCode).toBe(0)
      await container.remove({ force: true })
      expect(await engine.docker.listContainers({ all: true })).toEqual([])
    }
  })

  it('stops answering /_ping while paused and answers again after resume', async () => {
    a.pause()
    try {
      expect(await a.ping(1000)).toBe(false)
    } finally {
      a.resume()
    }
    expect(await a.ping(1000)).toBe(true)
  })

  it('recycle command brings a paused engine back with its image and without its containers', async () => {
    const containerPid = await startSleeper(b)
    const before = b.pid()
    b.pause()

    const { code, stderr } = await runRecycle({ GRADER_HOST_ID: 'harness-b', GRADER_HOST_ENDPOINT: b.endpoint })

    expect(code, stderr).toBe(0)
    expect(stderr).toMatch(/answers again/)
    expect(await b.ping(1000)).toBe(true)
    expect(b.pid()).not.toBe(before)
    expect((await b.docker.getImage(IMAGE).inspect()).Id).toBe(imageId)
    expect(await b.docker.listContainers({ all: true })).toEqual([])
    expect(isGone(containerPid)).toBe(true)
    expectNoContainerState(b)
  })

  it('restart() brings back a killed engine and kills the containers the crash left running', async () => {
    const containerPid = await startSleeper(a)
    await a.kill()
    expect(await a.ping(1000)).toBe(false)
    // A crashed dockerd takes its containerd along, not the containers under their shims.
    expect(isGone(containerPid)).toBe(false)

    await a.restart()

    expect(await a.ping(1000)).toBe(true)
    expect((await a.docker.getImage(IMAGE).inspect()).Id).toBe(imageId)
    expect(await a.docker.listContainers({ all: true })).toEqual([])
    expect(isGone(containerPid)).toBe(true)
    expectNoContainerState(a)
  })

  it('recycle command exits 2 with a message for an endpoint that is not a test engine', async () => {
    const unknown = await runRecycle({ GRADER_HOST_ID: 'nowhere', GRADER_HOST_ENDPOINT: 'unix:///tmp/nowhere/docker.sock' })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/nowhere: .*not an engine of test\/helpers\/dockerd\.ts/)

    const tcp = await runRecycle({ GRADER_HOST_ID: 'dock-1', GRADER_HOST_ENDPOINT: 'tcp://dock-1:2376' })
    expect(tcp.code).toBe(2)
    expect(tcp.stderr).toMatch(/only unix:\/\/ endpoints/)

    const missing = await runRecycle({})
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/GRADER_HOST_ENDPOINT is not set/)
  })

  it('starts an engine from deploy/docker/daemon.json', async () => {
    const engine = await startDockerd('daemon-json', { configFile: DAEMON_JSON, images: [] })
    try {
      const info = await engine.docker.info() as { LoggingDriver: string, LiveRestoreEnabled: boolean, Driver: string }
      expect(info).toMatchObject({ LoggingDriver: 'json-file', LiveRestoreEnabled: false, Driver: 'overlay2' })
    } finally {
      await engine.stop()
    }
  })

  it('stop() leaves no process, no mount and no folder, even with a container running', async () => {
    await startSleeper(b)
    b.pause()
    const pids = b.processes()
    // dockerd, its containerd, the container's shim and the container's process at least.
    expect(pids.length).toBeGreaterThanOrEqual(4)

    await b.stop()

    expect(pids.filter(pid => !isGone(pid))).toEqual([])
    expect(mountsUnder(b.root)).toEqual([])
    expect(existsSync(b.root)).toBe(false)
  })
})

/** Starts a container that sleeps on `engine` and returns its process id on this machine. */
async function startSleeper (engine: ExtraDockerd): Promise<number> {
  const container = await engine.docker.createContainer({
    Image: IMAGE,
    Entrypoint: ['sleep', '600'],
    HostConfig: { NetworkMode: 'none' },
  })
  await container.start()
  const { State } = await container.inspect()
  expect(State.Running).toBe(true)
  return State.Pid
}

/** After a recycle: no container state, no writable layer and no root filesystem mount left. */
function expectNoContainerState (engine: ExtraDockerd): void {
  expect(readdirSync(join(engine.dataRoot, 'containers'))).toEqual([])
  expect(readdirSync(join(engine.dataRoot, 'image/overlay2/layerdb/mounts'))).toEqual([])
  expect(mountsUnder(join(engine.dataRoot, 'overlay2'))).toEqual([])
}

function runRecycle (env: Record<string, string>): Promise<{ code: number | null, stderr: string }> {
  const base = { ...process.env }
  delete base.GRADER_HOST_ID
  delete base.GRADER_HOST_ENDPOINT
  return new Promise((resolve, reject) => {
    const child = spawn(RECYCLE_COMMAND, [], { env: { ...base, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    // 'close', not 'exit': it proves the restarted dockerd does not hold the command's pipes open.
    child.on('close', code => resolve({ code, stderr }))
  })
}

function argv (pid: number): string[] {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean) } catch { return [] }
}

/** Gone, or a zombie waiting for its parent: either way it runs no more. */
function isGone (pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return true
  }
}
