// No way out: student code probes for a way to reach anything beyond its own
// container: the network (public hosts, the Docker bridge, Redis on the host,
// a metadata service, DNS), the Docker socket, the grader's secrets, other
// users' files, and the kernel calls an escape starts with (chroot, mount, raw
// sockets, ptrace, setuid, user namespaces, module loading, kernel symbols).
// Each probe is a solution function answering 'blocked: …' or 'open: …', and
// its test asserts 'blocked', so a pass of the submission means the isolation
// held; a failure shows what the probe reached.
//
// What stops it: network mode none (no interface but an empty loopback);
// no Docker socket or bind mount inside; an empty container environment;
// the student uid (not root, not the agent's uid); cap-drop ALL,
// no-new-privileges and the seccomp profile; a read-only root and /proc, /sys
// paths masked by the runtime. File names are checked by the API before
// anything is queued, so a hostile path never reaches a container.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LABELS } from '../../services/sandbox/container-spec.js'
import { ADD_CORRECT, ADD_TESTS } from '../fixtures/security/add-challenge.js'
import { python, TEST_KEY, type TestGrader } from '../helpers/grader.js'
import { engineOf, py, startReadyGrader, summary } from './helpers.js'

let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader() })
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

const PROBE_TEST = py`
  from solution import probe


  def test_isolation_holds():
      outcome = probe()
      assert outcome.startswith('blocked'), outcome
`

/** Grades a probe; its one test passes only when the probe answered 'blocked…'. */
async function expectBlocked (solution: string): Promise<void> {
  const sub = await grader.grade(python(solution, PROBE_TEST, { limits: { timeoutMs: 10_000 } }))
  expect(sub.result?.status, summary(sub)).toBe('pass')
}

const tcpProbe = (host: string, port: number) => py`
  import socket

  def probe():
      try:
          socket.create_connection(('${host}', ${port}), timeout=3).close()
      except OSError as e:
          return 'blocked: ' + type(e).__name__
      return 'open: connected to ${host}:${port}'
`

/** A libc call through ctypes: 'blocked' with its errno unless it returned 0. */
const LIBC = py`
  import ctypes
  import errno

  libc = ctypes.CDLL(None, use_errno=True)

  def outcome(name, rc):
      if rc == 0:
          return 'open: %s succeeded' % name
      return 'blocked: %s %s' % (name, errno.errorcode.get(ctypes.get_errno(), '?'))
`

/** The agent's pid, found by its command line (readable to everyone). */
const AGENT_PID = py`
  import os

  def agent_pid():
      for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
          try:
              if b'agent.py' in open('/proc/%s/cmdline' % pid, 'rb').read():
                  return int(pid)
          except OSError:
              pass
      raise RuntimeError('no agent process found')
`

describe('the network', () => {
  it.each([
    ['a public DNS server over TCP', '1.1.1.1', 53],
    ['the Docker API on the default bridge gateway', '172.17.0.1', 2375],
    ['a Redis on the host\'s loopback', '127.0.0.1', 6379],
    ['the grader\'s own Redis port on the loopback', '127.0.0.1', Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379)],
    ['a cloud metadata service', '169.254.169.254', 80],
  ])('student code cannot reach %s', async (_what, host, port) => {
    await expectBlocked(tcpProbe(host, port))
  })

  it('student code cannot send a UDP datagram to a public DNS server', async () => {
    await expectBlocked(py`
      import socket

      def probe():
          try:
              socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'\x00' * 12, ('8.8.8.8', 53))
          except OSError as e:
              return 'blocked: ' + type(e).__name__
          return 'open: datagram sent'
    `)
  })

  it('student code cannot resolve a host name', async () => {
    await expectBlocked(py`
      import socket

      def probe():
          try:
              found = socket.getaddrinfo('example.com', 80)
          except OSError as e:
              return 'blocked: ' + type(e).__name__
          return 'open: resolved to %s' % found[0][4][0]
    `)
  })
})

describe('the Docker engine and the grader\'s secrets', () => {
  it('no Docker or containerd socket exists inside the container', async () => {
    await expectBlocked(py`
      import os

      def probe():
          found = [p for p in ('/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock')
                   if os.path.exists(p)]
          return 'open: %s' % found if found else 'blocked: absent'
    `)
  })

  it('no environment in the container holds the grader\'s Redis URL, key names or key', async () => {
    const secrets = ['REDIS_URL', 'GRADER_API_KEYS', TEST_KEY, ...(process.env.REDIS_URL ? [process.env.REDIS_URL] : [])]
    await expectBlocked(py`
      import os

      SECRETS = ${JSON.stringify(secrets)}

      def probe():
          seen = {'os.environ': '\n'.join('%s=%s' % kv for kv in os.environ.items())}
          for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
              try:
                  seen['/proc/%s/environ' % pid] = open('/proc/%s/environ' % pid, 'rb').read().decode('utf-8', 'replace')
              except OSError:
                  pass  # another uid's environment: unreadable, which is the point
          leaks = ['%s in %s' % (s, where) for where, text in seen.items() for s in SECRETS if s in text]
          return 'open: ' + ', '.join(leaks) if leaks else 'blocked: no secret in %s' % sorted(seen)
    `)
  })

  it('/etc/shadow is unreadable', async () => {
    await expectBlocked(py`
      def probe():
          try:
              open('/etc/shadow').read()
          except OSError as e:
              return 'blocked: ' + type(e).__name__
          return 'open: read /etc/shadow'
    `)
  })
})

describe('the first steps of an escape', () => {
  it('os.chroot fails', async () => {
    await expectBlocked(py`
      import os

      def probe():
          try:
              os.chroot('/tmp')
          except OSError as e:
              return 'blocked: ' + type(e).__name__
          return 'open: chroot succeeded'
    `)
  })

  it('mount(2) through ctypes fails', async () => {
    await expectBlocked(py`
      ${LIBC}
      def probe():
          return outcome('mount', libc.mount(b'none', b'/tmp', b'tmpfs', 0, None))
    `)
  })

  it.each([
    ['AF_PACKET', 'socket.AF_PACKET, socket.SOCK_RAW, 0'],
    ['AF_INET', 'socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP'],
  ])('a raw %s socket cannot be opened', async (_family, args) => {
    await expectBlocked(py`
      import socket

      def probe():
          try:
              socket.socket(${args}).close()
          except OSError as e:
              return 'blocked: ' + type(e).__name__
          return 'open: raw socket opened'
    `)
  })

  it('ptrace(PTRACE_ATTACH) of the agent fails', async () => {
    await expectBlocked(py`
      ${LIBC}
      ${AGENT_PID}
      PTRACE_ATTACH = 16

      def probe():
          return outcome('ptrace', libc.ptrace(ctypes.c_long(PTRACE_ATTACH), ctypes.c_long(agent_pid()), None, None))
    `)
  })

  it('os.setuid(0) fails', async () => {
    await expectBlocked(py`
      import os

      def probe():
          try:
              os.setuid(0)
          except OSError as e:
              return 'blocked: ' + type(e).__name__
          return 'open: uid is now %d' % os.getuid()
    `)
  })

  it('a new user namespace cannot be created', async () => {
    // Root inside a fresh user namespace is where many kernel exploits start.
    await expectBlocked(py`
      ${LIBC}
      CLONE_NEWUSER = 0x10000000

      def probe():
          return outcome('unshare', libc.unshare(CLONE_NEWUSER))
    `)
  })

  it('init_module and finit_module fail', async () => {
    await expectBlocked(py`
      ${LIBC}
      import os
      import platform

      NUMBERS = {'x86_64': (175, 313), 'aarch64': (105, 273)}

      def probe():
          init_module, finit_module = NUMBERS[platform.machine()]
          fd = os.open('/dev/null', os.O_RDONLY)
          first = outcome('init_module', libc.syscall(ctypes.c_long(init_module), None, ctypes.c_ulong(0), b''))
          second = outcome('finit_module', libc.syscall(ctypes.c_long(finit_module), ctypes.c_int(fd), b'', ctypes.c_int(0)))
          if not first.startswith('blocked'):
              return first
          return second if not second.startswith('blocked') else 'blocked: %s; %s' % (first, second)
    `)
  })

  it('the hard limits cannot be raised', async () => {
    await expectBlocked(py`
      import resource

      def probe():
          try:
              resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
          except (OSError, ValueError) as e:
              return 'blocked: ' + type(e).__name__
          return 'open: RLIMIT_FSIZE raised'
    `)
  })

  it('the cgroup and sysrq files cannot be written', async () => {
    await expectBlocked(py`
      def probe():
          for path in ('/sys/fs/cgroup/pids/pids.max', '/sys/fs/cgroup/pids.max', '/proc/sysrq-trigger'):
              try:
                  with open(path, 'w') as f:
                      f.write('max')
              except OSError:
                  continue
              return 'open: wrote %s' % path
          return 'blocked: every write refused'
    `)
  })

  it('/proc/config.gz is unreadable or empty', async () => {
    await expectBlocked(py`
      def probe():
          try:
              data = open('/proc/config.gz', 'rb').read()
          except OSError as e:
              return 'blocked: ' + type(e).__name__
          return 'open: %d bytes of kernel config' % len(data) if data else 'blocked: empty'
    `)
  })

  it('/proc/kallsyms shows no kernel address', async () => {
    await expectBlocked(py`
      def probe():
          try:
              lines = open('/proc/kallsyms').read().splitlines()
          except OSError as e:
              return 'blocked: ' + type(e).__name__
          real = [l for l in lines if l.split(' ', 1)[0].strip('0')]
          return 'open: %d real addresses' % len(real) if real else 'blocked: %d lines, no address' % len(lines)
    `)
  })
})

describe('hostile file names over the API', () => {
  const NAMES: Array<[string, string]> = [
    ['"."', '.'],
    ['".."', '..'],
    ['"../x"', '../x'],
    ['"/etc/passwd"', '/etc/passwd'],
    ['a name holding a newline', 'a\nb'],
    ['a name holding a NUL', 'a\u0000b'],
    ['a 4000-character name', 'x'.repeat(4000)],
  ]

  it.each(NAMES)('%s is refused with 400 invalid_path and never reaches a container', async (_what, name) => {
    const since = Date.now() / 1000
    for (const body of [
      { language: 'python', files: { [name]: ADD_CORRECT }, tests: { 'test_solution.py': ADD_TESTS } },
      { language: 'python', files: { 'solution.py': ADD_CORRECT }, tests: { [name]: ADD_TESTS } },
    ]) {
      const res = await grader.request('/v1/submissions?wait=true', { method: 'POST', body: JSON.stringify(body) })
      expect(res.status).toBe(400)
      expect((await res.json() as { error: { code: string } }).error.code).toBe('invalid_path')
    }
    // The engine's own record: no container of this grader's worker was created meanwhile.
    const stream = await engineOf(grader).getEvents({
      since,
      until: Date.now() / 1000 + 0.5,
      filters: { type: ['container'], event: ['create'], label: [`${LABELS.worker}=${grader.config.workerId}`] },
    })
    let events = ''
    for await (const chunk of stream) events += String(chunk)
    expect(events).toBe('')
  })
})
