import { describe, expect, it } from 'vitest'
import { DEADLINE_MARGIN_MS, LABELS } from '../../../services/sandbox/container-spec.js'
import { classifyContainer, containerDeadlineMs, LEFTOVER_AGE_MS, type ListedContainer } from '../../../services/sandbox/reaper.js'

const NOW_MS = 1_800_000_000_000

/** A listed grading container created `ageMs` ago, with the given labels on top of the managed one. */
function listed (ageMs: number, labels: Record<string, string> = {}, state = 'running'): ListedContainer {
  return { Id: 'c1', Created: Math.floor((NOW_MS - ageMs) / 1000), State: state, Labels: { [LABELS.managed]: 'true', ...labels } }
}
const ours = (deadlineInMs: number, state = 'running'): ListedContainer =>
  listed(1_000, { [LABELS.prefix]: 'prod', [LABELS.deadline]: String(NOW_MS + deadlineInMs) }, state)

describe('classifyContainer', () => {
  it('never touches a container of another deployment, even long past its deadline', () => {
    const theirs = listed(10 * LEFTOVER_AGE_MS, { [LABELS.prefix]: 'staging', [LABELS.deadline]: String(NOW_MS - 3_600_000) })
    expect(classifyContainer(theirs, NOW_MS, { prefix: 'prod' })).toBe('foreign')
  })

  it('keeps a running container of its own within its deadline, and takes it one ms past', () => {
    expect(classifyContainer(ours(1), NOW_MS, { prefix: 'prod' })).toBe('live')
    expect(classifyContainer(ours(-1), NOW_MS, { prefix: 'prod' })).toBe('expired')
  })

  it('goes by the run\'s own deadline, not a fixed age: a short run is a leftover long before LEFTOVER_AGE_MS', () => {
    // a 1 s run created 70 s ago: its deadline (1 s + the margin) has passed, though it is far younger than the fixed age
    const short = listed(70_000, { [LABELS.prefix]: 'prod', [LABELS.deadline]: String(NOW_MS - 70_000 + 1_000 + DEADLINE_MARGIN_MS) })
    expect(70_000).toBeLessThan(LEFTOVER_AGE_MS)
    expect(classifyContainer(short, NOW_MS, { prefix: 'prod' })).toBe('expired')
  })

  it('leaves a stopped container within its deadline to the ended-grace check', () => {
    expect(classifyContainer(ours(5_000, 'exited'), NOW_MS, { prefix: 'prod' })).toBe('stopped')
    expect(classifyContainer(ours(5_000, 'created'), NOW_MS, { prefix: 'prod' })).toBe('live')
  })

  it('reaps a container from before prefix labels by its deadline label, or by age without one, whichever deployment asks', () => {
    expect(classifyContainer(listed(1_000, { [LABELS.deadline]: String(NOW_MS - 1) }), NOW_MS, { prefix: 'prod' })).toBe('expired')
    expect(classifyContainer(listed(LEFTOVER_AGE_MS - 5_000), NOW_MS, { prefix: 'prod' })).toBe('live')
    expect(classifyContainer(listed(LEFTOVER_AGE_MS + 5_000), NOW_MS, { prefix: 'staging' })).toBe('expired')
  })

  it('falls back to age when the deadline label is not a number', () => {
    const garbled = listed(1_000, { [LABELS.deadline]: 'soon' })
    expect(containerDeadlineMs(garbled)).toBe(garbled.Created * 1000 + LEFTOVER_AGE_MS)
    expect(classifyContainer(garbled, NOW_MS)).toBe('live')
  })

  it('without a prefix of its own, treats every grading container as its own', () => {
    const theirs = listed(1_000, { [LABELS.prefix]: 'staging', [LABELS.deadline]: String(NOW_MS - 1) })
    expect(classifyContainer(theirs, NOW_MS)).toBe('expired')
  })
})
