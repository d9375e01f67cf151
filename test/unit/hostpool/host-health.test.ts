import { describe, expect, it } from 'vitest'
import { HostHealth } from '../../../services/hostpool/host-health.js'

const criteria = { degradedMs: 100, unhealthyAfter: 2, recoverAfter: 2 }

function admitted (): HostHealth {
  const h = new HostHealth(criteria)
  h.probeSucceeded(5)
  return h
}

describe('host health', () => {
  it('admits a new host on its first good probe', () => {
    const h = new HostHealth(criteria)
    expect(h.state).toBe('unhealthy')
    expect(h.probeSucceeded(5)).toBe('healthy')
  })

  it('turns degraded when the p95 latency passes the criteria, and healthy again when it falls back', () => {
    const h = admitted()
    for (let i = 0; i < 5; i++) h.probeSucceeded(500)
    expect(h.state).toBe('degraded')
    expect(h.p95).toBe(500)
    for (let i = 0; i < 20; i++) h.probeSucceeded(5)
    expect(h.state).toBe('healthy')
  })

  it('turns unhealthy only after the configured number of consecutive failures', () => {
    const h = admitted()
    expect(h.probeFailed(1000)).toBeNull()
    expect(h.state).toBe('healthy')
    expect(h.probeFailed(2000)).toBe('unhealthy')
    expect(h.unhealthySince).toBe(2000)
  })

  it('a good probe between failures resets the count', () => {
    const h = admitted()
    h.probeFailed()
    h.probeSucceeded(5)
    expect(h.probeFailed()).toBeNull()
    expect(h.state).toBe('healthy')
  })

  it('re-admits an unhealthy host only after enough consecutive good probes', () => {
    const h = admitted()
    h.probeFailed(); h.probeFailed()
    expect(h.probeSucceeded(5)).toBeNull()
    expect(h.state).toBe('unhealthy')
    expect(h.probeSucceeded(5)).toBe('healthy')
    expect(h.unhealthySince).toBeNull()
  })

  it('forgets old latencies when it goes unhealthy', () => {
    const h = admitted()
    for (let i = 0; i < 5; i++) h.probeSucceeded(500)
    h.probeFailed(); h.probeFailed()
    expect(h.p95).toBeNull()
  })

  it('after a recycle, good probes re-admit it', () => {
    const h = admitted()
    h.probeFailed(); h.probeFailed()
    expect(h.recycleStarted()).toBe('recycling')
    expect(h.probeSucceeded(5)).toBeNull()
    expect(h.state).toBe('recycling')
    expect(h.probeSucceeded(5)).toBe('healthy')
  })

  it('after a recycle that did not bring the daemon back, failing probes make it unhealthy again (to be recycled again)', () => {
    const h = admitted()
    h.probeFailed(); h.probeFailed()
    h.recycleStarted()
    expect(h.probeFailed()).toBeNull()
    expect(h.probeFailed()).toBe('unhealthy')
  })

  it('a failed recycle leaves it unhealthy', () => {
    const h = admitted()
    h.recycleStarted()
    expect(h.recycleFailed()).toBe('unhealthy')
  })
})
