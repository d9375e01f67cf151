import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dockerOptions, hostId } from '../../../services/hostpool/docker-endpoint.js'

let certDir: string

/** Writes ca.pem, cert.pem and key.pem into `dir`, each naming itself and `tag`. */
function writeCerts (dir: string, tag: string): void {
  mkdirSync(dir, { recursive: true })
  for (const name of ['ca', 'cert', 'key']) writeFileSync(join(dir, `${name}.pem`), `${tag}-${name}`)
}

beforeEach(() => {
  certDir = mkdtempSync(join(tmpdir(), 'grader-certs-'))
})

afterEach(() => {
  rmSync(certDir, { recursive: true, force: true })
})

describe('dockerOptions', () => {
  it('connects to a unix socket by its path', () => {
    expect(dockerOptions('unix:///var/run/docker.sock', {})).toEqual({ socketPath: '/var/run/docker.sock' })
  })

  it('decodes an escaped unix socket path', () => {
    expect(dockerOptions('unix:///run/my%20docker.sock', {})).toEqual({ socketPath: '/run/my docker.sock' })
  })

  it('speaks TLS to a tcp endpoint, on 2376 by default', () => {
    expect(dockerOptions('tcp://docker.example', {})).toEqual({ protocol: 'https', host: 'docker.example', port: 2376 })
  })

  it('uses the port of a tcp endpoint', () => {
    expect(dockerOptions('tcp://10.0.0.2:3376', {})).toMatchObject({ host: '10.0.0.2', port: 3376 })
  })

  it('sends no client certificate to a tcp endpoint when DOCKER_CERT_PATH is unset', () => {
    const opts = dockerOptions('tcp://docker.example:2376', {})
    expect(opts.ca).toBeUndefined()
    expect(opts.cert).toBeUndefined()
    expect(opts.key).toBeUndefined()
  })

  it('reads ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH for a tcp endpoint', () => {
    writeCerts(certDir, 'shared')
    const opts = dockerOptions('tcp://docker.example:2376', { DOCKER_CERT_PATH: certDir })
    expect(String(opts.ca)).toBe('shared-ca')
    expect(String(opts.cert)).toBe('shared-cert')
    expect(String(opts.key)).toBe('shared-key')
  })

  it('prefers the per-host folder of DOCKER_CERT_PATH when it holds certificates', () => {
    writeCerts(certDir, 'shared')
    writeCerts(join(certDir, 'docker-b.example'), 'host-b')
    expect(String(dockerOptions('tcp://docker-b.example', { DOCKER_CERT_PATH: certDir }).cert)).toBe('host-b-cert')
    expect(String(dockerOptions('tcp://docker-a.example', { DOCKER_CERT_PATH: certDir }).cert)).toBe('shared-cert')
  })

  it('throws when DOCKER_CERT_PATH lacks a certificate, rather than connecting without it', () => {
    writeFileSync(join(certDir, 'ca.pem'), 'only-ca')
    expect(() => dockerOptions('tcp://docker.example', { DOCKER_CERT_PATH: certDir })).toThrow(/cert\.pem/)
  })

  it('treats https like tcp', () => {
    writeCerts(certDir, 'shared')
    expect(dockerOptions('https://docker.example', { DOCKER_CERT_PATH: certDir })).toMatchObject({ protocol: 'https', port: 2376 })
  })

  it('connects over ssh with the user, port and ssh agent of the endpoint', () => {
    expect(dockerOptions('ssh://ops@10.0.0.3:2222', { SSH_AUTH_SOCK: '/run/ssh-agent.sock' })).toEqual({
      protocol: 'ssh',
      host: '10.0.0.3',
      port: 2222,
      username: 'ops',
      sshOptions: { agent: '/run/ssh-agent.sock' },
    })
  })

  it('connects over ssh on port 22 with no user when the endpoint names none', () => {
    const opts = dockerOptions('ssh://10.0.0.3', {})
    expect(opts).toMatchObject({ protocol: 'ssh', host: '10.0.0.3', port: 22 })
    expect(opts.username).toBeUndefined()
  })

  it('speaks plain HTTP to an http endpoint, on 2375 by default', () => {
    expect(dockerOptions('http://127.0.0.1', {})).toEqual({ protocol: 'http', host: '127.0.0.1', port: 2375 })
    expect(dockerOptions('http://127.0.0.1:12375', {})).toMatchObject({ port: 12375 })
  })

  it.each(['ftp://docker.example', 'npipe:////./pipe/docker_engine', 'fd://'])('throws on the unsupported endpoint %s', endpoint => {
    expect(() => dockerOptions(endpoint, {})).toThrow(`unsupported Docker endpoint ${endpoint}`)
  })

  it('throws on something that is not a URL', () => {
    expect(() => dockerOptions('docker.example:2376', {})).toThrow()
  })
})

describe('hostId', () => {
  it.each([
    ['unix:///var/run/docker.sock', 'unix:_var_run_docker.sock'],
    ['tcp://10.0.0.2:2376', '10.0.0.2:2376'],
    ['tcp://docker.example', 'docker.example:2376'],
    ['ssh://ops@10.0.0.3', 'ops_10.0.0.3:22'],
    ['ssh://ops@10.0.0.3:2222', 'ops_10.0.0.3:2222'],
    ['http://127.0.0.1:12375', '127.0.0.1:12375'],
    ['http://docker.example', 'docker.example:2375'],
  ])('names %s as %s', (endpoint, id) => {
    expect(hostId(endpoint)).toBe(id)
  })

  it('keeps only characters safe in labels and metric values', () => {
    for (const endpoint of ['unix:///run/my%20docker.sock', 'tcp://[::1]:2376', 'ssh://a@h:22']) {
      expect(hostId(endpoint)).toMatch(/^[a-zA-Z0-9_.:-]+$/)
    }
  })

  it('gives two hosts two ids', () => {
    expect(hostId('tcp://10.0.0.2:2376')).not.toBe(hostId('tcp://10.0.0.3:2376'))
    expect(hostId('tcp://10.0.0.2:2376')).not.toBe(hostId('tcp://10.0.0.2:2377'))
  })
})
