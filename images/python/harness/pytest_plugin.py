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
    text = text if type(text) is str else str(text)
    return text if len(text) <= limit else text[:limit] + ' …[cut]'


def test_code(item):
    """The test's own source, as the student will see it."""
    try:
        source = inspect.getsource(getattr(item, 'obj', None))
    except (OSError, TypeError):
        return ''
    return cut(textwrap.dedent(source))


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
            return cut('%s: %s' % (type(exc).__name__, exc) if str(exc) else type(exc).__name__) + student_location(remote)
    longrepr = report.longrepr
    crash = getattr(longrepr, 'reprcrash', None)
    text = getattr(crash, 'message', None) or str(longrepr)
    location = ''
    if crash is not None and getattr(crash, 'path', None):
        location = ' (%s:%s)' % (os.path.relpath(str(crash.path), rootdir), crash.lineno)
    return cut(text) + location


class Reporter:
    def __init__(self, emit, client, rootdir):
        self.emit = emit
        self.client = client
        self.rootdir = rootdir
        self.excinfo = {}
        self.captured = {}

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
        if report.failed:
            self.emit({'e': 'collect_error', 'path': cut(report.nodeid, 900), 'message': cut(str(report.longrepr)[-MESSAGE_LIMIT:])})

    def pytest_collection_finish(self, session):
        if self.client is not None:
            self.client.deadline = None
        self.emit({'e': 'collected', 'ids': [item.nodeid for item in session.items], 'code': [test_code(item) for item in session.items]})

    def pytest_runtest_logstart(self, nodeid, location):
        if self.client is not None:
            self.client.begin(nodeid)
        self.emit({'e': 'start', 'id': nodeid})

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        self.excinfo[(item.nodeid, call.when)] = call.excinfo

    def pytest_runtest_logreport(self, report):
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
        # Split: what the student process printed, as the proxy client forwarded it.
        # In-process: what pytest captured while the test ran.
        output = self.client.end(nodeid) if self.client is not None else self.captured.pop(nodeid, '')
        self.emit({'e': 'finish', 'id': nodeid, 'output': cut(output, 4096)})
