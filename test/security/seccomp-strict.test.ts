// Attack: reach kernel features a grading run never needs (ptrace, new
// namespaces, personality, eBPF, io_uring, keyrings, userfaultfd) — the usual
// first step of a kernel exploit.
// Layer: the project's strict seccomp profile (GRADER_SECCOMP=strict,
// deploy/seccomp/grader-strict.json), on top of dropped capabilities.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ADD_CORRECT, ADD_TESTS } from '../fixtures/python/add.js'
import { python, type TestGrader } from '../helpers/grader.js'
import { py, startReadyGrader, summary } from './helpers.js'

// x86_64 syscall numbers; personality(0xffffffff) only queries, which Docker's default profile allows.
const SYSCALLS = { ptrace: 101, personality: 135, unshare: 272, keyctl: 250, bpf: 321, userfaultfd: 323, io_uring_setup: 425 }

let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader({ GRADER_SECCOMP: 'strict' }) })
afterAll(async () => { await grader?.close() })
afterEach(async () => { expect(await grader.leftovers()).toEqual([]) })

describe('the strict seccomp profile', () => {
  it('still grades an ordinary Python submission', async () => {
    const sub = await grader.grade(python(ADD_CORRECT, ADD_TESTS))
    expect(sub.result?.status, summary(sub)).toBe('pass')
  })

  it('refuses the syscalls it removes', async () => {
    const sub = await grader.grade(python(py`
      import ctypes, os

      libc = ctypes.CDLL(None, use_errno=True)


      def call(number, *args):
          result = libc.syscall(number, *[ctypes.c_long(a) for a in args])
          return 'allowed' if result != -1 else 'blocked: errno %d' % ctypes.get_errno()
    `, py`
      import pytest
      from solution import call

      SYSCALLS = ${JSON.stringify(SYSCALLS)}


      @pytest.mark.parametrize('name', sorted(SYSCALLS))
      def test_blocked(name):
          args = {'personality': (0xffffffff,), 'unshare': (0x10000000,), 'io_uring_setup': (1, 0)}.get(name, (0, 0, 0, 0))
          assert call(SYSCALLS[name], *args).startswith('blocked')
    `))
    expect(sub.result?.status, summary(sub)).toBe('pass')
  })
})
