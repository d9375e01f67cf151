// The host lifecycle alone: every edge of its graph, and the events it refuses.
import { describe, expect, it } from 'vitest'
import { HostLifecycle, IllegalHostTransitionError } from '../../../services/hostpool/host-lifecycle.js'

const criteria = { degradedMs: 100, unhealthyAfter: 2, recoverAfter: 2 }

function healthy (): HostLifecycle {
  const l = new HostLifecycle(criteria, 0)
  l.probeSucceeded(5, 1)
  return l
}

describe('host lifecycle', () => {
  it('starts unhealthy, with its grace counted from when it was added, and is admitted by its first good probe', () => {
    const l = new HostLifecycle(criteria, 1000)
    expect(l.state).toBe('unhealthy')
    expect(l.unhealthySince).toBe(1000)
    expect(l.probeSucceeded(5, 1001)).toBe('healthy')
    expect(l.unhealthySince).toBeNull()
  })

  it('follows probe verdicts between healthy, degraded and unhealthy', () => {
    const l = healthy()
    for (let i = 0; i < 5; i++) l.probeSucceeded(500, 2)
    expect(l.state).toBe('degraded')
    expect(l.probeFailed(3)).toBeNull()
    expect(l.probeFailed(4)).toBe('unhealthy')
    expect(l.unhealthySince).toBe(4)
  })

  it('claims a recycle from any probed state, showing ops the state it came from while it claims', () => {
    const l = healthy()
    expect(l.claimRecycle()).toBe(true)
    expect(l.state).toBe('claiming')
    expect(l.publicState).toBe('healthy')
    expect(l.probing).toBe(false)
  })

  it('refuses a second claim while one is claimed or running', () => {
    const l = healthy()
    l.claimRecycle()
    expect(l.claimRecycle()).toBe(false)
    l.recycleStarted(10)
    expect(l.claimRecycle()).toBe(false)
    expect(l.state).toBe('recycling')
  })

  it('refuses probe answers while a recycle is claimed or running: they say nothing about the restarted daemon', () => {
    const l = healthy()
    l.probeFailed(2); l.probeFailed(3)
    l.claimRecycle()
    expect(l.probeSucceeded(5, 4)).toBeNull()
    expect(l.probeSucceeded(5, 5)).toBeNull()
    expect(l.state).toBe('claiming')
    l.recycleStarted(6)
    expect(l.probeFailed(7)).toBeNull()
    expect(l.probeFailed(8)).toBeNull()
    expect(l.state).toBe('recycling')
  })

  it('goes back to where it was when another worker holds the recycle', () => {
    const l = healthy()
    l.probeFailed(2); l.probeFailed(3)
    l.claimRecycle()
    l.claimLost()
    expect(l.state).toBe('unhealthy')
    expect(l.unhealthySince).toBe(3)
    expect(l.probing).toBe(true)
  })

  it('after a successful action, rejoins (shown as recycling) until enough good probes re-admit it', () => {
    const l = healthy()
    l.claimRecycle()
    l.recycleStarted(10)
    expect(l.recycleFinished(true, 20)).toBe('rejoining')
    expect(l.publicState).toBe('recycling')
    expect(l.probeSucceeded(5, 21)).toBeNull()
    expect(l.probeSucceeded(5, 22)).toBe('healthy')
  })

  it('a rejoining host whose probes keep failing turns unhealthy (to be recycled again)', () => {
    const l = healthy()
    l.claimRecycle(); l.recycleStarted(10); l.recycleFinished(true, 20)
    expect(l.probeFailed(21)).toBeNull()
    expect(l.probeFailed(22)).toBe('unhealthy')
    expect(l.unhealthySince).toBe(22)
  })

  it('a failed action leaves it unhealthy, its grace counted from the failure', () => {
    const l = healthy()
    l.claimRecycle(); l.recycleStarted(10)
    expect(l.recycleFinished(false, 20)).toBe('unhealthy')
    expect(l.unhealthySince).toBe(20)
  })

  it('throws on a move off the graph: a recycle never claimed, or finished when none runs', () => {
    expect(() => healthy().recycleStarted(1)).toThrow(IllegalHostTransitionError)
    expect(() => healthy().recycleFinished(true, 1)).toThrow(/healthy to rejoining/)
    const claimed = healthy()
    claimed.claimRecycle()
    expect(() => claimed.recycleFinished(false, 1)).toThrow(IllegalHostTransitionError)
  })
})
