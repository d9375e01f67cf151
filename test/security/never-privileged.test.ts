// Never privileged: checks, on a live grading, that its container really runs
// with the hardening the spec asks for — as the engine reports it (inspect),
// and as the processes inside see themselves (/proc/<pid>/status). A spec that
// a daemon, a runtime or a refactoring quietly dropped would show here.
//
// What it guards: no privileged mode or added capability, every capability
// dropped, no-new-privileges, a seccomp filter, a read-only root, no network,
// no swap beyond the memory limit, a pids limit, no daemon-side logging, no
// bind mount or volume, and the agent's uid for the container's main process.
import type Docker from 'dockerode'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_CORRECT, ONE_ADD_TEST } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import { engineOf, py, startReadyGrader, submit, summary, testNamed, untilContainerRunning, untilDone } from './helpers.js'

let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

describe('a running grading container, as the engine reports it', () => {
  let info: Docker.ContainerInspectInfo
  let done: Submission

  beforeAll(async () => {
    const id = await submit(grader, python(py`
      import time

      def add(a, b):
          time.sleep(2)
          return a + b
    `, ONE_ADD_TEST, { limits: { timeoutMs: 5000 } }))
    info = await engineOf(grader).getContainer(await untilContainerRunning(grader, id)).inspect()
    done = await untilDone(grader, id)
  })

  it('was graded normally while it was inspected', () => {
    expect(done.result?.status, summary(done)).toBe('pass')
  })

  it('is not privileged and holds no capability', () => {
    expect(info.HostConfig.Privileged).toBe(false)
    expect(info.HostConfig.CapAdd ?? []).toEqual([])
    expect(info.HostConfig.CapDrop).toEqual(['ALL'])
  })

  it('cannot gain privileges', () => {
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges')
    // A seccomp=unconfined entry would switch the daemon's filter off.
    expect(info.HostConfig.SecurityOpt?.filter((o: string) => /seccomp[=:]unconfined/.test(o))).toEqual([])
  })

  it('has a read-only root, no network and no mount from the host', () => {
    expect(info.HostConfig.ReadonlyRootfs).toBe(true)
    expect(info.HostConfig.NetworkMode).toBe('none')
    expect(info.HostConfig.Binds ?? []).toEqual([])
    expect((info.HostConfig as { Mounts?: unknown[] }).Mounts ?? []).toEqual([])
    expect(info.Mounts).toEqual([])
  })

  it('runs its main process as the agent\'s uid', () => {
    expect(info.Config.User).toBe('10001:10001')
  })

  it('has no swap, a pids limit and no daemon-side log', () => {
    expect(info.HostConfig.Memory).toBeGreaterThan(0)
    expect(info.HostConfig.MemorySwap).toBe(info.HostConfig.Memory)
    expect(info.HostConfig.PidsLimit).toBeGreaterThan(0)
    expect(info.HostConfig.LogConfig?.Type).toBe('none')
  })
})

describe('a grading container, as the processes inside see themselves', () => {
  let sub: Submission

  beforeAll(async () => {
    sub = await grader.grade(python(ADD_CORRECT + py`

      import os

      def status(name, pid='self'):
          for line in open('/proc/%s/status' % pid):
              if line.startswith(name + ':'):
                  return line.split(':', 1)[1].strip()

      def ids():
          return (os.getuid(), os.geteuid(), os.getgid())

      def agent_pid():
          for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
              try:
                  if b'agent.py' in open('/proc/%s/cmdline' % pid, 'rb').read():
                      return pid
              except OSError:
                  pass
    `, py`
      import os
      from solution import agent_pid, ids, status

      CAPABILITY_SETS = ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb')


      def test_student_runs_as_the_student_uid():
          assert ids() == (10002, 10002, 10002)


      def test_tests_run_as_the_grader_uid():
          # This line runs in the test process, not in the student's.
          assert (os.getuid(), os.geteuid(), os.getgid()) == (10001, 10001, 10001)


      def test_student_holds_no_capability():
          assert {s: status(s) for s in CAPABILITY_SETS} == {s: '0000000000000000' for s in CAPABILITY_SETS}


      def test_student_cannot_gain_privileges():
          assert status('NoNewPrivs') == '1'


      def test_student_is_under_a_seccomp_filter():
          assert status('Seccomp') == '2'


      def test_agent_holds_no_capability_either():
          pid = agent_pid()
          assert pid is not None
          assert status('CapEff', pid) == '0000000000000000'
          assert status('CapBnd', pid) == '0000000000000000'
    `))
  })

  it.each([
    ['student code runs as the student uid', 'test_student_runs_as_the_student_uid'],
    ['the tests themselves run as the grader uid, in a process of their own', 'test_tests_run_as_the_grader_uid'],
    ['student code holds no capability (CapEff, CapBnd… all zero)', 'test_student_holds_no_capability'],
    ['student code has NoNewPrivs 1', 'test_student_cannot_gain_privileges'],
    ['student code is under a seccomp filter (Seccomp 2)', 'test_student_is_under_a_seccomp_filter'],
    ['the agent holds no capability either', 'test_agent_holds_no_capability_either'],
  ])('%s', (_what, test) => {
    expect(testNamed(sub, test)?.status, summary(sub)).toBe('pass')
  })
})
