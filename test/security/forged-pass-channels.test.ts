// Forged-pass channels: a wrong answer to the `add` challenge tries to make the
// grader believe its tests passed, by ending the run early, printing something
// that looks like a result, killing or impersonating the trusted agent and
// the test process, writing a forged session on every descriptor it holds, or
// planting files the grader might read.
//
// What stops it: the verdict comes only from the agent's stdout, which student
// code (another uid, no descriptor of it) cannot reach; the agent and the test
// process run as the grader's uid, which the student's uid cannot signal,
// trace or open through /proc; the verdict is folded from what pytest saw in
// the test process, and the student's process only ever speaks the proxy
// protocol to it, checked at the boundary (a forged event is a malformed
// message there, never an event); student output is counted, never parsed;
// /workspace and /run/grader belong to the agent (0755), the suite is in
// /suite where the student's uid cannot write, the agent's socket is gone
// before student code runs, and reserved file names (conftest.py…) are
// refused before anything starts. The student's own launcher runs as the
// student's uid: reaching it is reaching the student's own process.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_ALWAYS_ZERO, ADD_TESTS } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import { expectHonestVerdict, py, securityFixture, startReadyGrader, summary } from './helpers.js'

let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

/** Not a pass, and no single test shown as passed either. */
function expectNoPass (sub: Submission): void {
  expect(sub.state).toBe('done')
  expect(sub.result?.status, summary(sub)).not.toBe('pass')
  expect(sub.result?.tests.filter(t => t.status === 'pass'), summary(sub)).toEqual([])
}

/** What the first test printed: the hostile programs below report their attempts there. */
const printed = (sub: Submission) => sub.result?.tests[0]?.output ?? ''

describe('ending the run early', () => {
  it('sys.exit(0) at import is an error, not a pass', async () => {
    const sub = await grader.grade(python(py`
      import sys
      sys.exit(0)

      def add(a, b):
          return 0
    `, ADD_TESTS))
    expectNoPass(sub)
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'runtime' })
  })

  it('os._exit(0) inside the tested function is an error, not a pass', async () => {
    const sub = await grader.grade(python(py`
      import os

      def add(a, b):
          os._exit(0)
    `, ADD_TESTS))
    expectNoPass(sub)
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'runtime' })
  })

  it('sys.exit(0) inside the tested function is not a pass', async () => {
    const sub = await grader.grade(python(py`
      import sys

      def add(a, b):
          sys.exit(0)
    `, ADD_TESTS))
    expectNoPass(sub)
  })

  it('pytest.exit(returncode=0) inside the tested function is not a pass', async () => {
    const sub = await grader.grade(python(py`
      import pytest

      def add(a, b):
          pytest.exit('all good', returncode=0)
    `, ADD_TESTS))
    expectNoPass(sub)
  })
})

describe('printing something that looks like a result', () => {
  it('a fake pytest summary and fake report lines printed at exit are only output', async () => {
    const sub = await grader.grade(python(py`
      import atexit
      import json

      IDS = ['test_solution.py::test_adds_small_numbers', 'test_solution.py::test_adds_negative_numbers',
             'test_solution.py::TestZero::test_zero_is_neutral']

      def fake_results():
          print('===== 3 passed in 0.01s =====')
          print(json.dumps({'event': 'report', 'protocol': 1, 'complete': True, 'collected': IDS,
                            'tests': [{'name': i, 'status': 'pass'} for i in IDS]}))

      atexit.register(fake_results)

      def add(a, b):
          return 0
    `, ADD_TESTS))
    expectNoPass(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
  })

  it('lines shaped like the agent\'s and the runner\'s events, on stdout and stderr, are only output', async () => {
    const sub = await grader.grade(python(py`
      import json
      import os
      import sys

      def add(a, b):
          for test in ('test_solution.py::test_adds_small_numbers', 'test_solution.py::test_adds_negative_numbers'):
              line = json.dumps({'event': 'result', 'test': {'name': test, 'status': 'pass'}})
              print(line)
              sys.stderr.write(line + '\n')
              os.write(1, (json.dumps({'e': 'report', 'id': test, 'when': 'call', 'outcome': 'passed'}) + '\n').encode())
          return 0
    `, ADD_TESTS))
    expectNoPass(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
  })

  it('the stdout and the events pipe of the agent and the test process cannot be opened through /proc', async () => {
    const sub = await grader.grade(python(py`
      import os

      def uid(pid):
          for line in open('/proc/%s/status' % pid):
              if line.startswith('Uid:'):
                  return int(line.split()[1])

      def add(a, b):
          counts = {}
          for pid in [p for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()]:
              try:
                  owner = 'grader' if uid(pid) == 10001 else 'own'
              except OSError:
                  continue
              for fd in range(1, 8):
                  try:
                      with open('/proc/%s/fd/%d' % (pid, fd), 'w') as out:
                          out.write('{"event": "report", "protocol": 2, "complete": true, "collected": [], "tests": []}\n')
                      outcome = 'written'
                  except OSError as e:
                      outcome = type(e).__name__
                  counts[(owner, outcome)] = counts.get((owner, outcome), 0) + 1
          for (owner, outcome), n in sorted(counts.items()):
              print(owner, outcome, n)
          return 0
    `, ADD_TESTS))
    expectNoPass(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
    // Agent, test process and the container's init: every descriptor refused.
    expect(printed(sub), summary(sub)).toMatch(/^grader PermissionError \d+$/m)
    expect(printed(sub), summary(sub)).not.toMatch(/^grader (?!PermissionError)/m)
  })
})

describe('silencing or impersonating the agent', () => {
  it('SIGKILL to every other process fails with PermissionError for the agent and the test process', async () => {
    const sub = await grader.grade(python(py`
      import os
      import signal

      def add(a, b):
          for pid in [int(p) for p in os.listdir('/proc') if p.isdigit()]:
              if pid == os.getpid():
                  continue
              try:
                  cmdline = open('/proc/%d/cmdline' % pid, 'rb').read()
              except OSError:
                  continue
              role = ('agent' if b'agent.py' in cmdline else 'tests' if b'test_process.py' in cmdline
                      else 'launcher' if b'student_process.py' in cmdline else 'pid %d' % pid)
              try:
                  os.kill(pid, signal.SIGKILL)
                  print(role, 'killed')
              except OSError as e:
                  print(role, type(e).__name__)
          return 0
    `, ADD_TESTS))
    // The agent and the test process lived to report the wrong answer: an ordinary fail.
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expectNoPass(sub)
    expect(printed(sub)).toContain('agent PermissionError')
    expect(printed(sub)).toContain('tests PermissionError')
    expect(printed(sub)).not.toMatch(/^(agent|tests) killed/m)
  })

  it('a second client cannot connect to the agent\'s socket to send forged events', async () => {
    const sub = await grader.grade(python(py`
      import json
      import socket

      def add(a, b):
          try:
              sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
              sock.connect('/run/grader/student.sock')
              sock.sendall(json.dumps({'e': 'end', 'exitstatus': 0}).encode())
              print('connected')
          except OSError as e:
              print('connect', type(e).__name__)
          return 0
    `, ADD_TESTS))
    expectNoPass(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expect(printed(sub)).toMatch(/^connect (FileNotFoundError|ConnectionRefusedError|PermissionError)/)
  })

  it('nothing can be planted in /run/grader: no symlink, FIFO or file', async () => {
    const sub = await grader.grade(python(py`
      import os

      def add(a, b):
          attempts = {
              'symlink': lambda: os.symlink('/tmp/evil.sock', '/run/grader/agent.sock'),
              'fifo': lambda: os.mkfifo('/run/grader/events'),
              'file': lambda: open('/run/grader/report.json', 'w').close(),
          }
          for name, attempt in attempts.items():
              try:
                  attempt()
                  print(name, 'created')
              except OSError as e:
                  print(name, type(e).__name__)
          return 0
    `, ADD_TESTS))
    expectNoPass(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expect(printed(sub)).toBe('symlink PermissionError\nfifo PermissionError\nfile PermissionError\n')
  })

  it('a forged session written on every descriptor of the student\'s process is not a pass', async () => {
    // In the old design the student held the runner's events socket; now it holds its
    // own channel to the test process, its output pipes and the launcher's leftovers.
    const sub = await grader.grade(python(securityFixture('forge-events-on-own-descriptors.py'), ADD_TESTS))
    expectNoPass(sub)
    expectHonestVerdict(sub)
  })
})

describe('planting files the grader might read', () => {
  it('fake report.json, junit.xml and conftest.py cannot be written into /workspace', async () => {
    const sub = await grader.grade(python(py`
      def add(a, b):
          for name in ('report.json', 'junit.xml', 'conftest.py'):
              try:
                  with open('/workspace/' + name, 'w') as f:
                      f.write('passed')
                  print(name, 'written')
              except OSError as e:
                  print(name, type(e).__name__)
          return 0
    `, ADD_TESTS))
    expectNoPass(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expect(printed(sub)).toBe('report.json PermissionError\njunit.xml PermissionError\nconftest.py PermissionError\n')
  })

  it('the challenge\'s test file cannot be overwritten, replaced or removed, in /suite or /workspace', async () => {
    const sub = await grader.grade(python(py`
      import os

      def add(a, b):
          attempts = {
              'overwrite': lambda: open('/suite/test_solution.py', 'w').write('def test_ok():\n    pass\n'),
              'remove': lambda: os.unlink('/suite/test_solution.py'),
              'plant': lambda: open('/suite/conftest.py', 'w').write('collect_ignore = ["test_solution.py"]\n'),
              'shadow': lambda: open('/workspace/test_solution.py', 'w').write('def test_ok():\n    pass\n'),
              'replace': lambda: os.rename('/workspace/solution.py', '/workspace/test_solution.py'),
          }
          for name, attempt in attempts.items():
              try:
                  attempt()
                  print(name, 'done')
              except OSError as e:
                  print(name, type(e).__name__)
          return 0
    `, ADD_TESTS))
    expectNoPass(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
    expect(printed(sub)).toBe('overwrite PermissionError\nremove PermissionError\nplant PermissionError\nshadow PermissionError\nreplace PermissionError\n')
  })

  it('a student file named pytest.py does not shadow pytest', async () => {
    const sub = await grader.grade({
      ...python(ADD_ALWAYS_ZERO, ADD_TESTS),
      files: {
        'solution.py': ADD_ALWAYS_ZERO,
        'pytest.py': py`
          # A fake pytest: "runs" nothing and says every test passed.
          def main(*args, **kwargs):
              print('3 passed')
              return 0
        `,
      },
    })
    expectNoPass(sub)
    expect(sub.result?.status, summary(sub)).toBe('fail')
  })

  it.each(['conftest.py', 'pytest.ini'])('a student file named %s is refused as reserved', async (name) => {
    const sub = await grader.grade({
      ...python(ADD_ALWAYS_ZERO, ADD_TESTS),
      files: {
        'solution.py': ADD_ALWAYS_ZERO,
        // A conftest that turns every report into a pass; the ini would pin python_files to nothing.
        [name]: name === 'conftest.py'
          ? py`
            import pytest

            @pytest.hookimpl(hookwrapper=True)
            def pytest_runtest_makereport(item, call):
                outcome = yield
                outcome.get_result().outcome = 'passed'
          `
          : '[pytest]\npython_files = nothing_*.py\n',
      },
    })
    expectNoPass(sub)
    expect(sub.result, summary(sub)).toMatchObject({ status: 'error', reason: 'runtime' })
    expect(sub.result?.message).toMatch(/reserved/)
  })
})
