"""Grading agent: the trusted half of the in-container harness (protocol 1).

Runs as the container's main process, as the `grader` user (uid 10001). The
student's code never runs as this user, so it cannot write to this process's
stdout, signal it, ptrace it or read its memory.

Lifecycle, driven by the worker over the container's attach stream:
  1. read one JSON line from stdin: the job (files, tests, output budget);
  2. write the files into /workspace (owned by `grader`, read-only to the
     student), check the student's Python files parse, and find the tests the
     suite defines by reading the test files statically: the expected test
     list is fixed before any student code runs;
  3. listen on a unix socket and print {"event": "ready"}; the worker then
     starts runner.py as the `student` user (uid 10002) with `docker exec`;
  4. accept exactly two connections, the runner's events and its
     stdout/stderr, then close the socket: student code, which only runs after
     that, cannot open a channel of its own;
  5. attribute output to the test that was running, stop everything when the
     output budget is spent, and print one {"event": "report"} line.
When this process exits the container stops, and every process the student
started dies with it.

Everything printed on stdout is one JSON object per line, for the worker.
"""
import ast
import hashlib
import hmac
import json
import os
import select
import socket
import sys
import textwrap

PROTOCOL = 1
WORKSPACE = '/workspace'
SOCKET_PATH = '/run/grader/agent.sock'
MAX_JOB_BYTES = 8 * 1024 * 1024
# Test-boundary events the runner waits on (see runner.py).
SYNC_EVENTS = ('collected', 'start', 'finish')
ACK = b'\x06'
# Output kept per test before truncation to what a result shows.
KEEP_PER_TEST = 4096
# How long the runner may take to connect once we said ready.
CONNECT_TIMEOUT_S = 15
# Student files that would change how pytest itself behaves.
# How often limits are checked while the runner runs.
LIMIT_POLL_S = 0.2
# The container's pids cgroup: "max N" counts forks refused at the limit (cgroup v1, then v2).
PIDS_EVENTS = ('/sys/fs/cgroup/pids/pids.events', '/sys/fs/cgroup/pids.events')
RESERVED_NAMES = {'conftest.py', 'pytest.ini', 'pyproject.toml', 'tox.ini', 'setup.cfg'}


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def finish(report):
    if 'complete' in report and not report.get('limit'):
        # A limit hit just before the end (a fork bomb that also ran out of
        # memory) is still the cause worth naming.
        limit = limit_reached()
        if limit:
            report['limit'] = limit
    report['event'] = 'report'
    report['protocol'] = PROTOCOL
    emit(report)
    sys.exit(0)


def is_literal(node):
    try:
        ast.literal_eval(node)
        return True
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def strict_rewrite(source):
    """Strict comparison mode: wraps the non-literal side of `==`/`!=` with a literal in
    every assert as `__grader_exact__(X, literal)` (see grader_strict.py).

    Edits the text in place, within the lines the expression spans, so line numbers
    in messages and the test code shown stay those of the author's file.
    """
    tree = ast.parse(source)
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert) or not isinstance(node.test, ast.Compare):
            continue
        cmp = node.test
        if len(cmp.ops) != 1 or not isinstance(cmp.ops[0], (ast.Eq, ast.NotEq)):
            continue
        left, right = cmp.left, cmp.comparators[0]
        if is_literal(right) and not is_literal(left):
            target, literal = left, right
        elif is_literal(left) and not is_literal(right):
            target, literal = right, left
        else:
            continue
        edits.append((target, ast.unparse(literal)))
    lines = [line.encode('utf-8') for line in source.splitlines(True)]
    # Right to left, bottom to top: earlier offsets stay valid.
    inserts = []
    for target, literal_text in edits:
        inserts.append((target.end_lineno, target.end_col_offset, (', %s)' % literal_text).encode('utf-8')))
        inserts.append((target.lineno, target.col_offset, b'__grader_exact__('))
    for lineno, col, text in sorted(inserts, key=lambda i: (i[0], i[1]), reverse=True):
        line = lines[lineno - 1]
        lines[lineno - 1] = line[:col] + text + line[col:]
    return b''.join(lines).decode('utf-8')


def safe_parts(path):
    parts = path.split('/')
    if path.startswith('/') or any(p in ('', '.', '..') for p in parts) or '\0' in path:
        raise ValueError('unsafe path %r' % path)
    return parts


def write_files(files):
    for path, content in files.items():
        parts = safe_parts(path)
        current = WORKSPACE
        for part in parts[:-1]:
            current = os.path.join(current, part)
            if not os.path.isdir(current):
                os.mkdir(current, 0o755)
        # O_EXCL | O_NOFOLLOW: never write through anything already there.
        fd = os.open(os.path.join(WORKSPACE, path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(content)


def is_test_file(path):
    name = path.rsplit('/', 1)[-1]
    return name.endswith('.py') and (name.startswith('test_') or name.endswith('_test.py'))


def decorator_names(node):
    names = []
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        try:
            names.append(ast.unparse(target))
        except Exception:  # noqa: BLE001 - an odd decorator is simply not a marker
            pass
    return names


def declared_marks(node, inherited=()):
    marks = set(inherited)
    for name in decorator_names(node):
        for mark in ('skip', 'skipif', 'xfail'):
            if name in ('pytest.mark.' + mark, 'mark.' + mark):
                marks.add('skip' if mark == 'skipif' else mark)
    return marks


def module_marks(tree):
    """`pytestmark = pytest.mark.skip(...)` at module level applies to every test."""
    marks = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == 'pytestmark' for t in node.targets):
            text = ast.unparse(node.value)
            for mark in ('skip', 'skipif', 'xfail'):
                if 'mark.' + mark in text:
                    marks.add('skip' if mark == 'skipif' else mark)
    return marks


def discover_tests(path, source):
    """The tests pytest will collect from one file, found without running it."""
    tree = ast.parse(source, filename=path)
    base = module_marks(tree)
    found = []

    def add(node_id, node, marks):
        decorators = decorator_names(node)
        found.append({
            'id': node_id,
            'marks': sorted(marks),
            # Where the function's code object must come from: the first line
            # (a decorator's, if any) in this file. Only checked for tests whose
            # decorators are all pytest marks: other decorators may wrap them.
            'line': min([node.lineno] + [d.lineno for d in node.decorator_list]),
            'plain': all(d.startswith(('pytest.mark.', 'mark.')) for d in decorators),
            'code': textwrap.dedent(ast.get_source_segment(source, node, padded=True) or ''),
        })

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith('test'):
            add('%s::%s' % (path, node.name), node, declared_marks(node, base))
        elif isinstance(node, ast.ClassDef) and node.name.startswith('Test'):
            methods = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            if any(m.name == '__init__' for m in methods):
                continue  # pytest refuses to collect classes with __init__
            class_marks = declared_marks(node, base)
            for m in methods:
                if m.name.startswith('test'):
                    add('%s::%s::%s' % (path, node.name, m.name), m, declared_marks(m, class_marks))
    return found


def syntax_message(path, err, whose):
    where = 'line %s' % err.lineno if err.lineno else 'an unknown line'
    text = (err.text or '').rstrip('\n')
    pointer = ''
    if text and err.offset:
        pointer = '\n    ' + text + '\n    ' + ' ' * max(err.offset - 1, 0) + '^'
    return '%s has a syntax error on %s: %s%s' % (whose % path, where, err.msg, pointer)


def check_syntax(files, tests):
    for path, source in files.items():
        if path.endswith('.py'):
            try:
                compile(source, path, 'exec', dont_inherit=True)
            except SyntaxError as err:
                return syntax_message(path, err, 'Your file %s')
            except ValueError as err:  # e.g. NUL bytes in the source
                return 'Your file %s cannot be read as Python: %s' % (path, err)
    for path, source in tests.items():
        if path.endswith('.py'):
            try:
                compile(source, path, 'exec', dont_inherit=True)
            except (SyntaxError, ValueError) as err:
                return 'The test file %s of this challenge does not parse (%s); this is not a problem with your code' % (path, err)
    return None


def read_job():
    line = sys.stdin.buffer.readline(MAX_JOB_BYTES + 1)
    if len(line) > MAX_JOB_BYTES or not line.endswith(b'\n'):
        raise ValueError('job missing or larger than %d bytes' % MAX_JOB_BYTES)
    job = json.loads(line)
    if job.get('protocol') != PROTOCOL:
        raise ValueError('unsupported protocol %r' % job.get('protocol'))
    return job


class Run:
    """What the runner reported so far, and the output attributed to each test."""

    def __init__(self, expected, output_budget, test_files=()):
        self.expected = expected
        self.test_files = list(test_files)
        self.output_budget = output_budget
        self.output_total = 0
        self.current = None
        self.outside = bytearray()
        self.kept = {}
        self.reports = {}
        self.collected = None
        self.collect_errors = []
        self.ended = None

    def take_output(self, chunk):
        self.output_total += len(chunk)
        buf = self.kept.setdefault(self.current, bytearray()) if self.current else self.outside
        room = KEEP_PER_TEST - len(buf)
        if room > 0:
            buf.extend(chunk[:room])
        return self.output_total <= self.output_budget

    def on_event(self, ev):
        kind = ev.get('e')
        if kind == 'collected':
            self.collected = list(ev.get('ids', []))
            # The tests are loaded: from now on the student's code cannot read
            # them as files (the runner waits for our ack before running any).
            for path in self.test_files:
                try:
                    os.unlink(os.path.join(WORKSPACE, path))
                except OSError:
                    pass
        elif kind == 'collect_error':
            self.collect_errors.append({'path': ev.get('path'), 'message': ev.get('message', '')})
        elif kind == 'start':
            self.current = ev.get('id')
            emit({'event': 'test', 'id': self.current})
        elif kind == 'report':
            self.reports.setdefault(ev.get('id'), []).append(ev)
        elif kind == 'finish':
            finished = ev.get('id') or ''
            self.current = None
            # Stream each finished test's outcome, so a run stopped later
            # (timeout) still shows what passed before.
            for test in self.expected:
                if finished == test['id'] or finished.startswith(test['id'] + '['):
                    emit({'event': 'result', 'test': self.outcome(test)})
        elif kind == 'end':
            self.ended = ev

    def summary(self):
        return {
            'complete': self.ended is not None,
            'collected': self.collected,
            'current': self.current,
            'collectErrors': self.collect_errors,
            'outsideOutput': self.outside.decode('utf-8', 'replace'),
            'outputBytes': self.output_total,
            'problems': (self.ended or {}).get('problems', []),
            'tests': [self.outcome(t) for t in self.expected],
        }

    def outcome(self, test):
        """One expected test's result, strict: it must have reported exactly once with a real outcome."""
        base = {'name': test['id'], 'test_code': test['code']}
        ids = [i for i in self.reports if i == test['id'] or (i or '').startswith(test['id'] + '[')]
        printed = set(ids)
        if self.current and (self.current == test['id'] or self.current.startswith(test['id'] + '[')):
            printed.add(self.current)  # the test cut short still shows what it printed
        output = b''.join(bytes(self.kept.get(i, b'')) for i in sorted(printed)).decode('utf-8', 'replace')
        if output:
            base['output'] = output
        if not ids:
            if self.ended is None:
                return dict(base, status='error', message='This test did not finish: the run was stopped first.')
            return dict(base, status='error', message='This test never ran: it was not collected or did not report.')
        statuses = []
        messages = []
        for node_id in ids:
            status, message = self.one_outcome(test, self.reports[node_id])
            statuses.append(status)
            if message:
                messages.append(message if len(ids) == 1 else '%s: %s' % (node_id[len(test['id']):], message))
        for worst in ('error', 'fail', 'skip', 'pass'):
            if worst in statuses:
                result = dict(base, status=worst)
                if messages:
                    result['message'] = '\n'.join(messages)
                return result
        return dict(base, status='error', message='This test reported no outcome.')

    def one_outcome(self, test, reports):
        phases = {}
        for r in reports:
            if r.get('when') in phases:
                return 'error', 'This test reported twice.'
            phases[r.get('when')] = r
        declared = set(test['marks'])
        setup, call, teardown = phases.get('setup'), phases.get('call'), phases.get('teardown')
        if setup is None or teardown is None:
            return 'error', 'This test did not finish: the run was stopped first.'
        for r in (setup, call, teardown):
            if r is None:
                continue
            if r.get('xfail') and 'xfail' not in declared:
                return 'error', 'This test was marked as an expected failure while your code ran, which is not allowed.'
            if r['outcome'] == 'skipped' and not r.get('xfail'):
                if 'skip' in declared and r is setup:
                    return 'skip', r.get('message') or 'Skipped by the challenge author.'
                return 'error', 'This test was skipped while your code ran; skipping is not allowed.'
        if setup['outcome'] == 'failed':
            return 'error', 'The test could not be set up: ' + setup.get('message', '')
        if call is None:
            return 'error', 'This test reported no outcome.'
        if call.get('xfail'):
            # An author-declared expected failure: failing is the expected result.
            if call['outcome'] == 'skipped':
                return 'skip', 'Expected to fail (declared by the challenge author).'
            return 'fail', 'This test was expected to fail, but passed.'
        if call['outcome'] == 'failed':
            return ('fail' if call.get('kind') == 'assertion' else 'error'), call.get('message', '')
        if teardown['outcome'] == 'failed':
            return 'error', 'The test could not be cleaned up: ' + teardown.get('message', '')
        return 'pass', None


def limit_reached():
    """A kernel limit the student's code ran into: more processes than allowed, or /tmp full.

    The student's code gets EAGAIN or ENOSPC and might limp on; we stop the
    run instead, so the verdict names the cause rather than a confusing error.
    """
    for path in PIDS_EVENTS:
        try:
            with open(path) as f:
                for line in f:
                    name, _, count = line.partition(' ')
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


def drain(sock, run):
    """Reads whatever output is waiting; False once the budget is spent."""
    while True:
        try:
            chunk = sock.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return True
        if not chunk:
            return True
        if not run.take_output(chunk):
            return False


def serve(job, expected, test_files):
    try:
        os.unlink(SOCKET_PATH)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(SOCKET_PATH)
    os.chmod(SOCKET_PATH, 0o666)
    listener.listen(2)
    listener.settimeout(CONNECT_TIMEOUT_S)
    emit({'event': 'ready', 'tests': [t['id'] for t in expected]})
    try:
        events, _ = listener.accept()
        output, _ = listener.accept()
    except socket.timeout:
        finish({'fault': 'the test runner never connected'})
    # Two connections and no more: from here on student code may run.
    listener.close()
    os.unlink(SOCKET_PATH)

    has_conftest = any(p.rsplit('/', 1)[-1] == 'conftest.py' for p in job['tests'])
    # Per-run key the runner signs its events with (see runner.make_signer).
    key = os.urandom(32)
    config = {
        'key': key.hex(),
        'testFiles': test_files,
        'noconftest': not has_conftest,
        'strict': bool(job.get('strict')),
        'tests': [{'id': t['id'], 'line': t['line'], 'plain': t['plain']} for t in expected],
    }
    try:
        events.sendall((json.dumps(config) + '\n').encode())
    except OSError:
        pass  # the runner is gone already: the loop below sees the end of its stream and reports it

    run = Run(expected, int(job['outputBytes']), test_files)
    pending = b''
    seq = 0
    open_socks = [events, output]
    while events in open_socks:
        readable, _, _ = select.select(open_socks, [], [], LIMIT_POLL_S)
        limit = limit_reached()
        if limit:
            finish(dict(run.summary(), limit=limit))
        # Output first: the runner flushes before each event, so everything a
        # test printed is already here when its "finish" event arrives.
        if output in readable:
            if not drain(output, run):
                finish(dict(run.summary(), outputExceeded=True))
            peek = None
            try:
                peek = output.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:
                pass
            if peek == b'':
                open_socks.remove(output)
        if events in readable:
            try:
                chunk = events.recv(65536)
            except ConnectionResetError:
                chunk = b''  # the runner died with an acknowledgement unread: same as its end
            if not chunk:
                open_socks.remove(events)
                break
            pending += chunk
            if len(pending) > MAX_JOB_BYTES:
                finish(dict(run.summary(), fault='runner sent an oversized event'))
            while b'\n' in pending:
                line, pending = pending.split(b'\n', 1)
                if output in open_socks and not drain(output, run):
                    finish(dict(run.summary(), outputExceeded=True))
                payload, _, mac = line.rpartition(b'\t')
                seq += 1
                expected_mac = hmac.new(key, b'%d:' % seq + payload, hashlib.sha256).hexdigest().encode()
                if not hmac.compare_digest(mac, expected_mac):
                    # Only code inside the test process can write there: the student's.
                    finish(dict(run.summary(), problems=['the test reports were forged (an event without a valid signature)']))
                try:
                    event = json.loads(payload)
                    run.on_event(event)
                except (ValueError, AttributeError):
                    finish(dict(run.summary(), problems=['the test reports were malformed']))
                if event.get('e') in SYNC_EVENTS:
                    # The runner waits for this: nothing more is printed until it
                    # arrives, so the output drained above belongs to the event's test.
                    try:
                        events.sendall(ACK)
                    except OSError:
                        pass
    if output in open_socks:
        output.settimeout(0.2)
        drain(output, run)
    finish(dict(run.summary(), outputExceeded=False))


def main():
    try:
        job = read_job()
        files, tests = job['files'], job['tests']
        for path in files:
            if path.rsplit('/', 1)[-1] in RESERVED_NAMES:
                finish({'verdict': 'runtime', 'message': 'Your files may not include %s: that name is reserved for the challenge.' % path})
        written = dict(tests)
        if job.get('strict'):
            for path in written:
                if is_test_file(path):
                    try:
                        written[path] = strict_rewrite(written[path])
                    except SyntaxError:
                        pass  # reported below by check_syntax, on the author's own text
        write_files(written)
        write_files(files)
    except (ValueError, KeyError, TypeError, OSError) as err:
        finish({'fault': 'bad job: %s' % err})

    problem = check_syntax(files, tests)
    if problem:
        finish({'verdict': 'syntax', 'message': problem})

    test_files = sorted(p for p in tests if is_test_file(p))
    expected = []
    for path in test_files:
        expected.extend(discover_tests(path, tests[path]))
    if not expected:
        finish({'verdict': 'no_tests', 'message': 'The test suite of this challenge defines no test.'})
    serve(job, expected, test_files)


if __name__ == '__main__':
    main()
