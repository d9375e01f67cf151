import { hostname } from 'node:os'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConfigError, loadConfig } from '../../../services/shared/config/config.js'

/** The problems listed by the ConfigError `env` raises; fails when it loads. */
function problemsOf (env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('expected a ConfigError, the configuration loaded')
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('loadConfig', () => {
  it('applies every default to an empty environment', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      redisUrl: 'redis://127.0.0.1:6379',
      dockerHosts: ['unix:///var/run/docker.sock'],
      apiKeys: [],
      hostConcurrency: 2,
      attempts: 3,
      waitMaxMs: 30_000,
      queueMax: 10_000,
      resultTtlS: 86_400,
      prefix: 'grader',
      logLevel: 'info',
      seccomp: 'default',
    })
    expect(config.workerId).toBe(`${hostname()}-${process.pid}`)
  })

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '' })).toMatchObject({ port: 8080, host: '127.0.0.1' })
  })

  it('reads the environment it is given, not process.env', () => {
    vi.stubEnv('PORT', '1234')
    expect(loadConfig({}).port).toBe(8080)
  })

  it('coerces numeric strings to numbers', () => {
    const config = loadConfig({ PORT: '9000', GRADER_ATTEMPTS: '5', GRADER_WAIT_MAX_MS: '0', GRADER_RESULT_TTL_S: '3600' })
    expect(config.port).toBe(9000)
    expect(config.attempts).toBe(5)
    expect(config.waitMaxMs).toBe(0)
    expect(config.resultTtlS).toBe(3600)
  })

  it('splits comma-separated lists, trimming blanks and dropping empty entries', () => {
    const config = loadConfig({
      GRADER_API_KEYS: ' key-a, key-b ,,key-c ',
      DOCKER_HOSTS: 'unix:///var/run/docker.sock, tcp://10.0.0.2:2376,ssh://ops@10.0.0.3',
    })
    expect(config.apiKeys).toEqual(['key-a', 'key-b', 'key-c'])
    expect(config.dockerHosts).toEqual(['unix:///var/run/docker.sock', 'tcp://10.0.0.2:2376', 'ssh://ops@10.0.0.3'])
  })

  it('lists every problem in one ConfigError', () => {
    const problems = problemsOf({
      PORT: 'not-a-port',
      GRADER_ATTEMPTS: '0',
      GRADER_PREFIX: 'has space',
      LOG_LEVEL: 'loud',
      DOCKER_HOSTS: 'ftp://docker.example',
    })
    for (const key of ['PORT', 'GRADER_ATTEMPTS', 'GRADER_PREFIX', 'LOG_LEVEL', 'DOCKER_HOSTS']) {
      expect(problems.some(p => p.startsWith(key))).toBe(true)
    }
  })

  it('puts every problem in the ConfigError message', () => {
    try {
      loadConfig({ PORT: '70000', GRADER_HOST_CONCURRENCY: '0' })
      expect.unreachable('the configuration loaded')
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as Error).name).toBe('ConfigError')
      expect((err as Error).message).toMatch(/PORT/)
      expect((err as Error).message).toMatch(/GRADER_HOST_CONCURRENCY/)
    }
  })

  it.each(['ftp://docker.example', 'docker.example:2376', '/var/run/docker.sock'])('refuses the DOCKER_HOSTS entry %s for its scheme', endpoint => {
    const problems = problemsOf({ DOCKER_HOSTS: `unix:///var/run/docker.sock,${endpoint}` })
    expect(problems).toEqual([`DOCKER_HOSTS entry "${endpoint}" must start with unix://, tcp://, ssh://, http:// or https://`])
  })

  it('refuses a DOCKER_HOSTS that names no endpoint', () => {
    expect(problemsOf({ DOCKER_HOSTS: ' , ' })).toEqual(['DOCKER_HOSTS names no Docker endpoint'])
  })

  it('refuses a port out of range', () => {
    expect(problemsOf({ PORT: '65536' })).toHaveLength(1)
  })

  it('returns a deeply frozen configuration', () => {
    const config = loadConfig({ GRADER_API_KEYS: 'a' })
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.dockerHosts)).toBe(true)
    expect(Object.isFrozen(config.apiKeys)).toBe(true)
    expect(() => { (config as { port: number }).port = 1 }).toThrow(TypeError)
    expect(() => { (config.apiKeys as string[]).push('b') }).toThrow(TypeError)
  })
})
