"""Test runner: the half of the harness that shares a process with student code.

Started by the worker with `docker exec` as the `student` user (uid 10002),
after the agent printed "ready". Before any student code is imported it:
  - makes itself the OOM killer's first choice (so a memory bomb kills this
    process, not the agent);
  - connects to the agent twice: events, then output; stdout and stderr
    become the output connection, so every byte the student prints (from
    Python, C extensions or child processes) goes to the agent, which counts
    and attributes it;
  - moves the events connection to a high, close-on-exec descriptor.
Then it runs pytest with a pinned configuration and reports each phase of
each test to the agent. Nothing it prints or exits with decides the verdict:
the agent compares what it reports with the tests it found statically.
"""
import fcntl
import json
import os
import socket
import sys

SOCKET_PATH = '/run/grader/agent.sock'
# High enough to be out of the way of the student's files, below the nofile limit (256).
EVENTS_FD = 200
MESSAGE_LIMIT = 4000
# Events at test boundaries are acknowledged by the agent before the runner goes on.
SYNC_EVENTS = ('start', 'finish')
ACK = b'\x06'


def connect():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(SOCKET_PATH)
    return sock


class Events:
    def __init__(self, fd):
        self.fd = fd

    def send(self, obj):
        # Flush student output first so the agent attributes it to the right test.
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a closed or replaced stream must not stop reporting
                pass
        data = (json.dumps(obj) + '\n').encode()
        while data:
            data = data[os.write(self.fd, data):]
        if obj['e'] in SYNC_EVENTS:
            # Wait until the agent has taken this event: all output written
            # before it is then attributed to the test that printed it.
            if os.read(self.fd, 1) != ACK:
                os._exit(3)


def crash_message(report):
    longrepr = report.longrepr
    crash = getattr(longrepr, 'reprcrash', None)
    text = getattr(crash, 'message', None) or str(longrepr)
    location = ''
    if crash is not None and getattr(crash, 'path', None):
        location = ' (%s:%s)' % (os.path.relpath(str(crash.path), '/workspace'), crash.lineno)
    if len(text) > MESSAGE_LIMIT:
        text = text[:MESSAGE_LIMIT] + ' …'
    return text + location


def make_plugin(events):
    import pytest

    class Reporter:
        @pytest.hookimpl(trylast=True)
        def pytest_configure(self, config):
            # The agent reports; pytest's own progress and summary would only
            # be noise in the student's output. Its options stay registered
            # (assertion rewriting reads them), only its printer goes.
            terminal = config.pluginmanager.get_plugin('terminalreporter')
            if terminal is not None:
                config.pluginmanager.unregister(terminal)

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(self, item, call):
            outcome = yield
            report = outcome.get_result()
            excinfo = call.excinfo
            report.grader_kind = 'assertion' if excinfo is not None and excinfo.errisinstance(AssertionError) else 'exception'

        def pytest_collectreport(self, report):
            if report.failed:
                events.send({'e': 'collect_error', 'path': report.nodeid, 'message': str(report.longrepr)[-MESSAGE_LIMIT:]})

        def pytest_collection_finish(self, session):
            events.send({'e': 'collected', 'ids': [item.nodeid for item in session.items]})

        def pytest_runtest_logstart(self, nodeid, location):
            events.send({'e': 'start', 'id': nodeid})

        def pytest_runtest_logreport(self, report):
            message = None
            if report.failed:
                message = crash_message(report)
            elif report.skipped and isinstance(report.longrepr, tuple):
                message = str(report.longrepr[2])
            events.send({
                'e': 'report',
                'id': report.nodeid,
                'when': report.when,
                'outcome': report.outcome,
                'xfail': hasattr(report, 'wasxfail'),
                'kind': getattr(report, 'grader_kind', 'exception'),
                'message': message,
            })

        def pytest_runtest_logfinish(self, nodeid, location):
            events.send({'e': 'finish', 'id': nodeid})

    return Reporter()


def main():
    try:
        with open('/proc/self/oom_score_adj', 'w') as f:
            f.write('1000')
    except OSError:
        pass
    events_sock = connect()
    output_sock = connect()
    events_fd = fcntl.fcntl(events_sock.fileno(), fcntl.F_DUPFD_CLOEXEC, EVENTS_FD)
    config_line = b''
    while not config_line.endswith(b'\n'):
        chunk = os.read(events_fd, 65536)
        if not chunk:
            sys.exit(3)
        config_line += chunk
    config = json.loads(config_line)
    events_sock.close()
    os.dup2(output_sock.fileno(), 1)
    os.dup2(output_sock.fileno(), 2)
    output_sock.close()
    sys.stdout = open(1, 'w', encoding='utf-8', errors='replace', buffering=1, closefd=False)
    sys.stderr = open(2, 'w', encoding='utf-8', errors='replace', buffering=1, closefd=False)

    import pytest  # imported before /workspace is on sys.path: a student's pytest.py cannot shadow it

    events = Events(events_fd)
    args = [
        '-c', '/opt/grader/pytest.ini',   # pinned configuration: no ini file of the workspace is read
        '--rootdir', '/workspace',
        '-p', 'no:cacheprovider',         # the workspace is read-only, and a cache would leak between tests
        '-q',
        '-s',                             # no capture: output goes straight to the agent, attributed per test
    ]
    if config.get('noconftest'):
        args.append('--noconftest')
    args += config['testFiles']
    status = pytest.main(args, plugins=[make_plugin(events)])
    events.send({'e': 'end', 'exitstatus': int(status), 'problems': []})


if __name__ == '__main__':
    main()
