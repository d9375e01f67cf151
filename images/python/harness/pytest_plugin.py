"""The pytest plugin of the test process: reports what pytest itself saw.

Collection, fixtures, parametrize, unittest classes, marks: all pytest's own.
This plugin only tells the agent, one event per line, what was collected,
when each test starts and finishes, and each phase's outcome. In the split
mode nothing the student's code does runs in this process, so these events
are the verdict's ground truth; the proxy client adds a `fault` event when
the student's process fails during a test.
"""
import inspect
import os
import textwrap

import pytest

# Longest message or test code text sent per test.
MESSAGE_LIMIT = 4000


def cut(text, limit=MESSAGE_LIMIT):
    text = text if type(text) is str else safe_str(text)
    return text if len(text) <= limit else text[:limit] + ' …[cut]'


def safe_str(value):
    """str() that cannot raise: an exception's text may be anything (an int past the digit limit…)."""
    try:
        return str(value)
    except Exception:  # noqa: BLE001
        try:
            return '<%s that cannot be shown as text>' % type(value).__name__
        except Exception:  # noqa: BLE001
            return '<a value that cannot be shown as text>'


class Guard:
    """A reporter hook that raised would stop the whole pytest session: `with self.guard:` around a
    hook body records the problem instead (a hook's signature must stay its own: pluggy reads it)."""

    def __init__(self):
        self.errors = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, Exception):
            self.errors.append(cut(safe_str(exc), 300))
            return True
        return False


def test_code(item, originals=None):
    """The test's own source, as the student will see it: from the author's file even when strict
    mode rewrote it (the rewrite keeps every line where it was)."""
    try:
        lines, start = inspect.getsourcelines(getattr(item, 'obj', None))
        source = ''.join(lines)
        path = os.path.relpath(inspect.getsourcefile(getattr(item, 'obj', None)), SUITE_ROOT)
        if originals and path in originals:
            source = ''.join(originals[path].splitlines(True)[max(start - 1, 0):start - 1 + len(lines)])
    except (OSError, TypeError, ValueError):
        return ''
    # As Exercism shows test code: the lines themselves, no trailing newline.
    return cut(textwrap.dedent(source).rstrip('\n'))


SUITE_ROOT = '/suite'


def task_number(item):
    """The task a test belongs to, as Exercism's Python track marks it: `@pytest.mark.task(taskno=N)`.

    The closest mark wins (a method's over its class's); anything but a non-negative int is no task."""
    try:
        marker = item.get_closest_marker('task')
    except Exception:  # noqa: BLE001 - an item without marks has no task
        return None
    if marker is None:
        return None
    number = marker.kwargs.get('taskno', marker.args[0] if marker.args else None)
    return number if type(number) is int and 0 <= number < 2 ** 31 else None


def student_location(remote):
    """The innermost line of the student's code in a traceback from their process."""
    lines = [line.strip() for line in (remote or '').splitlines() if line.strip().startswith('File ')]
    if not lines:
        return ''
    # 'File "/workspace/solution.py", line 3, in f'
    text = lines[-1].replace('File "/workspace/', '').replace('", line ', ':')
    return ' (%s)' % text.split(',')[0]


def failure_message(report, excinfo, rootdir):
    if excinfo is not None:
        exc = excinfo.value
        if type(exc).__name__ == 'StudentFault':
            return str(exc)
        remote = getattr(exc, '__grader_remote__', None)
        if remote is not None:
            # The text the student's process gave (str() here could raise, or be slow).
            text = getattr(exc, '__grader_text__', None)
            text = text if type(text) is str else safe_str(exc)
            return cut('%s: %s' % (type(exc).__name__, text) if text else type(exc).__name__) + student_location(remote)
    longrepr = report.longrepr
    crash = getattr(longrepr, 'reprcrash', None)
    text = getattr(crash, 'message', None) or safe_str(longrepr)
    location = ''
    if crash is not None and getattr(crash, 'path', None):
        location = ' (%s:%s)' % (os.path.relpath(str(crash.path), rootdir), crash.lineno)
    return cut(text) + location


class Reporter:
    def __init__(self, emit, client, rootdir, originals=None):
        self.emit = emit
        self.client = client
        self.rootdir = rootdir
        self.originals = originals
        self.excinfo = {}
        self.captured = {}
        self.guard = Guard()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session):
        # The base of tmp_path, made now, before any student code runs, so it cannot be planted;
        # open to the student's uid, like the files a test puts there for the student's code.
        if self.client is not None:
            factory = getattr(session.config, '_tmp_path_factory', None)
            if factory is not None:
                os.chmod(factory.getbasetemp(), 0o755)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        outcome = yield
        if self.client is None or fixturedef.argname not in ('tmp_path', 'tmpdir'):
            return
        try:
            path = os.fspath(outcome.get_result())
            # Each test's own directory: the student's code reads what the test put there. Not
            # writable by it: a link it planted would be followed by the tests' own reads, as the
            # tests' uid (the kernel's protected_symlinks is not set on every host).
            os.chmod(path, 0o755)
            os.chmod(os.path.dirname(path), 0o755)
        except Exception:  # noqa: BLE001 - a fixture that failed reports itself
            pass

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config):
        # The agent reports; pytest's progress and summary would only be noise.
        terminal = config.pluginmanager.get_plugin('terminalreporter')
        if terminal is not None:
            config.pluginmanager.unregister(terminal)

    def pytest_collectstart(self, collector):
        if self.client is not None:
            self.client.collection_deadline()

    def pytest_collectreport(self, report):
        with self.guard:
            if report.failed:
                self.emit({'e': 'collect_error', 'path': cut(report.nodeid, 900), 'message': cut(safe_str(report.longrepr)[-MESSAGE_LIMIT:])})

    def pytest_collection_finish(self, session):
        with self.guard:
            if self.client is not None:
                self.client.deadline = None
            items = session.items
            self.emit({'e': 'collected', 'ids': [item.nodeid for item in items],
                       'code': [test_code(item, self.originals) for item in items],
                       'tasks': [task_number(item) for item in items]})

    def pytest_runtest_logstart(self, nodeid, location):
        with self.guard:
            if self.client is not None:
                self.client.begin(nodeid)
            self.emit({'e': 'start', 'id': nodeid})

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        self.excinfo[(item.nodeid, call.when)] = call.excinfo

    def pytest_runtest_logreport(self, report):
        with self.guard:
            excinfo = self.excinfo.pop((report.nodeid, report.when), None)
            if self.client is None and report.when == 'teardown':
                self.captured[report.nodeid] = report.capstdout + report.capstderr
            message = None
            if report.failed:
                message = failure_message(report, excinfo, self.rootdir)
            elif report.skipped and isinstance(report.longrepr, tuple):
                message = cut(report.longrepr[2])
            self.emit({
                'e': 'report', 'id': report.nodeid, 'when': report.when, 'outcome': report.outcome,
                'xfail': hasattr(report, 'wasxfail'), 'message': message,
            })

    def pytest_runtest_logfinish(self, nodeid, location):
        with self.guard:
            # Split: what the student process printed, as the proxy client forwarded it.
            # In-process: what pytest captured while the test ran.
            output = self.client.end(nodeid) if self.client is not None else self.captured.pop(nodeid, '')
            self.emit({'e': 'finish', 'id': nodeid, 'output': cut(output, 4096)})
