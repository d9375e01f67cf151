"""Grading agent: the container's main process, as `grader` (uid 10001).

It owns the run and writes the only output the worker reads:
  1. start the test process at once (test_process.py, same uid), so pytest
     is imported while the job is still on its way;
  2. listen on a unix socket and print {"event": "ready"}: the container can
     take a job. The worker starts student_process.py as `student` (uid 10002)
     with `docker exec` right after the container starts, without waiting for
     the job (a warm container has it started long before a job exists); it
     connects and waits, running nothing of the student's;
  3. read one JSON line from stdin: the job, validated against the protocol
     (intake.py writes the student's files to /workspace, read-only to the
     student, and the suite to /suite, which the student cannot read);
  4. accept exactly one connection, the student side's, close the socket,
     print {"event": "started"} and hand the connection to the test process
     with the run's settings: from here on student code may run;
  5. fold the test process's events into results (judge.py), stream each
     finished test to the worker, watch the kernel limits, and print one
     {"event": "report"} line.
When this process exits the container stops, and every process the student
started dies with it. Everything printed on stdout is one JSON object per line.
"""
import json
import os
import select
import socket
import subprocess
import sys

HARNESS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HARNESS)

import channel  # noqa: E402
import intake  # noqa: E402
import judge  # noqa: E402
import schema  # noqa: E402

SOCKET_PATH = '/run/grader/student.sock'
# How long the student side may take to connect once the job is in.
CONNECT_TIMEOUT_S = 15
# How often limits are checked while the run goes on.
LIMIT_POLL_S = 0.2
# Longest line the test process may send; its events are small.
MAX_EVENT_BYTES = 256 * 1024
# The container's pids cgroup: "max N" counts forks refused at the limit (cgroup v1, then v2).
PIDS_EVENTS = ('/sys/fs/cgroup/pids/pids.events', '/sys/fs/cgroup/pids.events')
# Private scratch space of the test process (pytest's captures), out of the student's reach.
TEST_TMP = '/run/grader/tmp'


def emit(obj):
    sys.stdout.write(channel.line(obj))
    sys.stdout.flush()


def finish(report):
    if not report.get('limit') and 'fault' not in report and 'verdict' not in report:
        # A limit hit just before the end (a fork bomb that also ran out of memory) is still the cause worth naming.
        limit = limit_reached()
        if limit:
            report['limit'] = limit
    report['event'] = 'report'
    report['protocol'] = schema.VERSION
    try:
        schema.check('report', report)
    except schema.Invalid as err:
        # Everything in a report past intake came from the run: the student's, never a fault to retry.
        report = {'event': 'report', 'protocol': schema.VERSION,
                  'stopped': 'The test run produced a report the grader cannot accept (%s).' % str(err)[:200]}
    emit(report)
    sys.exit(0)


def limit_reached():
    """A kernel limit the student's code ran into: more processes than allowed, or /tmp full.

    The student's code gets EAGAIN or ENOSPC and might limp on; we stop the
    run instead, so the verdict names the cause rather than a confusing error.
    """
    for path in PIDS_EVENTS:
        try:
            with open(path) as f:
                for row in f:
                    name, _, count = row.partition(' ')
                    if name == 'max' and int(count) > 0:
                        return 'pids'
            break
        except (OSError, ValueError):
            continue
    try:
        st = os.statvfs('/tmp')
        if st.f_bavail * st.f_frsize < 64 * 1024 or (st.f_files and st.f_favail < 16):
            return 'disk'
    except OSError:
        pass
    return None


def start_test_process():
    control, child_control = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    # A socket, not a pipe: /proc/<pid>/fd/N of a socket cannot be opened again, so even code
    # running as this uid by mistake could not write events through the file system.
    events, child_events = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    os.makedirs(TEST_TMP, mode=0o700, exist_ok=True)
    # The descriptors go by environment, which other uids cannot read (/proc/<pid>/cmdline they can).
    env = {'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': TEST_TMP, 'TMPDIR': TEST_TMP, 'LANG': 'C.UTF-8',
           'PYTHONDONTWRITEBYTECODE': '1', 'PYTHONIOENCODING': 'utf-8',
           'GRADER_FDS': '%d,%d' % (child_control.fileno(), child_events.fileno())}
    proc = subprocess.Popen(
        [sys.executable, '-I', '-B', os.path.join(HARNESS, 'test_process.py')],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        pass_fds=(child_control.fileno(), child_events.fileno()), env=env, cwd='/',
    )
    child_control.close()
    child_events.close()
    return proc, control, events.detach()


class Stream:
    """Lines from one descriptor, bounded."""

    def __init__(self, fd):
        self.fd = fd
        self.pending = b''
        self.open = True

    def read(self):
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b''
        if not data:
            self.open = False
            return []
        self.pending += data
        lines = self.pending.split(b'\n')
        self.pending = lines.pop()
        if len(self.pending) > MAX_EVENT_BYTES:
            raise ValueError('an event larger than %d bytes' % MAX_EVENT_BYTES)
        return lines


def listen_for_student_side():
    """Binds the socket the student side connects to, and says the container is ready for a job."""
    try:
        os.unlink(SOCKET_PATH)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(SOCKET_PATH)
    os.chmod(SOCKET_PATH, 0o666)
    # A backlog of one: the student side's connection waits here until the job is in.
    listener.listen(1)
    emit({'event': 'ready', 'protocol': schema.VERSION})
    return listener


def accept_student_side(listener):
    listener.settimeout(CONNECT_TIMEOUT_S)
    try:
        conn, _ = listener.accept()
    except socket.timeout:
        finish({'fault': 'the student side never connected'})
    # One connection and no more: from here on student code may run.
    listener.close()
    os.unlink(SOCKET_PATH)
    emit({'event': 'started'})
    return conn


def follow(run, sources, tests_proc, isolation):
    """Folds runner events into `run` until the runner ends; returns the report's extra fields."""
    stderr_tail = b''
    streams = {s.fd: (s, kind) for s, kind in sources}
    while any(s.open for s, kind in sources if kind == 'events'):
        fds = [fd for fd, (s, _) in streams.items() if s.open]
        readable, _, _ = select.select(fds, [], [], LIMIT_POLL_S)
        limit = limit_reached()
        if limit:
            return dict(limit=limit)
        for fd in readable:
            stream, kind = streams[fd]
            try:
                lines = stream.read()
            except ValueError as err:
                return dict(stopped='The test run sent a message out of protocol (%s), so it was stopped.' % err)
            if kind == 'stderr':
                stderr_tail = (stderr_tail + b'\n'.join(lines))[-2000:]
                continue
            if kind == 'stdout':
                continue  # what the tests printed themselves: not the student's, not reported
            for raw in lines:
                if not raw.strip():
                    continue
                try:
                    event = schema.check('runnerEvent', json.loads(raw))
                except (ValueError, RecursionError) as err:
                    return dict(stopped='The test run sent a message out of protocol (%s), so it was stopped.' % str(err)[:200])
                if event['e'] == 'output_exceeded':
                    return dict(outputExceeded=True)
                if event['e'] == 'collected':
                    emit({'event': 'collected', 'tests': event['ids']})
                if event['e'] == 'start':
                    emit({'event': 'test', 'id': event['id']})
                try:
                    finished = run.on_event(event)
                except judge.OutOfTurn as err:
                    return dict(stopped='The test run reported out of turn (%s), so it was stopped.' % err)
                if finished is not None:
                    emit({'event': 'result', 'test': run.outcome(finished)})
    if run.ended is None and tests_proc is not None:
        try:
            code = tests_proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        tail = stderr_tail.decode('utf-8', 'replace').strip().splitlines()[-1:] if stderr_tail else []
        return dict(stopped='The test run ended early (exit status %s)%s.' % (code, (': ' + tail[0][:300]) if tail else ''))
    return {}


def collect_only(tests_proc, control, events_r, settings):
    """Collects the suite and reports its test ids; no student side is started, nothing runs.

    No `ready` is printed, so the worker never starts the student half: the
    report is the only answer.
    """
    control.send(json.dumps({'mode': 'collect', 'hasConftest': settings['hasConftest']}).encode())
    run = judge.Run()
    sources = [(Stream(events_r), 'events'), (Stream(tests_proc.stdout.fileno()), 'stdout'),
               (Stream(tests_proc.stderr.fileno()), 'stderr')]
    extra = follow(run, sources, tests_proc, 'split')
    summary = run.summary()
    # The tests were collected, not run: there are no outcomes to report.
    summary['tests'] = []
    finish(dict(summary, isolation='split', **extra))


def main():
    tests_proc, control, events_r = start_test_process()
    listener = listen_for_student_side()
    try:
        job = intake.read_job(sys.stdin.buffer)
    except intake.BadJob as err:
        finish({'fault': 'bad job: %s' % err})
    try:
        settings = intake.take(job)
    except intake.StudentProblem as problem:
        finish({'verdict': problem.verdict, 'message': problem.message})
    except intake.BadJob as err:
        finish({'fault': str(err)})
    isolation = job['isolation']
    if job.get('collectOnly'):
        collect_only(tests_proc, control, events_r, settings)
    conn = accept_student_side(listener)
    config = {
        'mode': isolation, 'files': sorted(job['files']), 'hasConftest': settings['hasConftest'],
        'testTimeoutMs': job['testTimeoutMs'], 'outputBytes': job['outputBytes'], 'memoryMb': job['memoryMb'],
        'strict': job['strict'], 'originals': settings['originals'],
    }
    run = judge.Run()
    if isolation == 'split':
        conn.send(json.dumps({'mode': 'split'}).encode())
        socket.send_fds(control, [json.dumps(config).encode()], [conn.fileno()])
        conn.close()
        sources = [(Stream(events_r), 'events'), (Stream(tests_proc.stdout.fileno()), 'stdout'),
                   (Stream(tests_proc.stderr.fileno()), 'stderr')]
    else:
        # The suite runs inside the student's process: this test process has nothing to do.
        control.close()
        tests_proc.kill()
        tests_proc = None
        conn.send(json.dumps(config).encode())
        sources = [(Stream(conn.fileno()), 'events')]
    extra = follow(run, sources, tests_proc, isolation)
    finish(dict(run.summary(), isolation=isolation, outsideOutput='', **extra))


if __name__ == '__main__':
    main()
