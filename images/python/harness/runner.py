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
import functools
import hashlib
import hmac
import json
import os
import socket
import sys
import types

SOCKET_PATH = '/run/grader/agent.sock'
# High enough to be out of the way of the student's files, below the nofile limit (256).
EVENTS_FD = 200
MESSAGE_LIMIT = 4000
# Events at test boundaries are acknowledged by the agent before the runner goes on.
SYNC_EVENTS = ('collected', 'start', 'finish')
ACK = b'\x06'


def connect():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(SOCKET_PATH)
    return sock


def install_strict_comparisons():
    """Makes `__grader_exact__`, which the agent wrote into strict-mode tests, resolvable.

    A builtin, set before the integrity snapshot: replacing it later is tampering.
    """
    import builtins
    import importlib.util
    spec = importlib.util.spec_from_file_location('grader_strict', '/opt/grader/grader_strict.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    builtins.__grader_exact__ = module.exact


def make_signer(key):
    """Signs each event with the per-run key the agent sent, numbered against replay.

    The key is only held inside the HMAC object of this closure: code that
    merely finds the events descriptor and writes to it cannot produce events
    the agent accepts.
    """
    template = hmac.new(key, digestmod=hashlib.sha256)
    counter = [0]

    def sign(payload):
        counter[0] += 1
        mac = template.copy()
        mac.update(b'%d:' % counter[0] + payload)
        return mac.hexdigest().encode()
    return sign


class Events:
    def __init__(self, fd, sign):
        self.fd = fd
        self.sign = sign

    def send(self, obj):
        # Flush student output first so the agent attributes it to the right test.
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a closed or replaced stream must not stop reporting
                pass
        payload = json.dumps(obj).encode()
        data = payload + b'\t' + self.sign(payload) + b'\n'
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


# Modules whose functions and classes the verdict relies on. Their namespaces
# (and the namespaces of the classes they define) are snapshotted before any
# student code runs and compared by identity after every test.
WATCHED_MODULES = (
    '_pytest.python', '_pytest.runner', '_pytest.reports', '_pytest.main', '_pytest.nodes',
    '_pytest.outcomes', '_pytest.skipping', '_pytest.fixtures', '_pytest.unittest', '_pytest.raises',
    '_pytest.python_api', '_pytest.assertion', '_pytest.assertion.rewrite', '_pytest.assertion.util',
    '_pytest.config', '_pytest._code.code', 'pluggy', 'pluggy._hooks', 'pluggy._callers', 'pluggy._manager',
    'pytest', 'json', 'os', 'posix', 'socket', 'builtins', '__main__',
)
# Hooks whose implementations decide what is reported.
WATCHED_HOOKS = (
    'pytest_runtest_protocol', 'pytest_runtest_setup', 'pytest_runtest_call', 'pytest_runtest_teardown',
    'pytest_runtest_makereport', 'pytest_runtest_logreport', 'pytest_pyfunc_call', 'pytest_report_teststatus',
    'pytest_runtest_logstart', 'pytest_runtest_logfinish', 'pytest_collection_modifyitems', 'pytest_sessionfinish',
)
# Builtins a program may reasonably rebind without touching the verdict.
BUILTINS_ALLOWED_TO_CHANGE = {'_', 'print', 'input', 'help', 'exit', 'quit', 'copyright', 'credits', 'license'}


class Integrity:
    """Detects tampering with the test framework from inside the test process.

    Student code shares the interpreter with the tests, so it can monkeypatch
    pytest, the report objects, assertion helpers, builtins, or a test's code.
    This cannot stop a determined in-process attacker (see SECURITY.md), but it
    turns every such patch of what the verdict relies on into an error.
    """

    def __init__(self, expected_tests):
        self.expected = {t['id']: t for t in expected_tests}
        self.namespaces = {}
        self.tests = {}
        self.trace = (None, None)
        self.instances = []
        self.hooks = {}
        self.config = None

    def snapshot(self):
        """Called when the pytest session starts: configured, and still no student code has run."""
        self.namespaces = {}
        for name in WATCHED_MODULES:
            module = sys.modules.get(name)
            if module is None:
                continue
            self.namespaces[name] = dict(vars(module))
            for attr, value in vars(module).items():
                if isinstance(value, type) and getattr(value, '__module__', None) == name:
                    self.namespaces['%s.%s' % (name, attr)] = (value, dict(vars(value)))
        self.trace = (sys.gettrace(), sys.getprofile())

    def watch(self, *objects):
        """Also watch these objects' own attributes (the runner's reporter and event sender)."""
        for obj in objects:
            self.instances.append((obj, dict(vars(obj))))

    def watch_hooks(self, config):
        """The hook implementations pytest calls: a plugin registered by student code shows up here."""
        self.config = config
        self.hooks = {name: [(impl, impl.function) for impl in getattr(config.hook, name).get_hookimpls()]
                      for name in WATCHED_HOOKS}
        problems = []
        for name in WATCHED_HOOKS:
            for impl in getattr(config.hook, name).get_hookimpls():
                origin = getattr(getattr(impl.function, '__code__', None), 'co_filename', '')
                if origin.startswith('/workspace/') and os.path.basename(origin) != 'conftest.py':
                    problems.append('a pytest plugin was registered from %s' % origin[len('/workspace/'):])
        return problems

    def record_tests(self, items):
        """Called once tests are collected, before any of them runs."""
        problems = []
        for item in items:
            fn = getattr(item, 'obj', None)
            code = getattr(fn, '__code__', None)
            base = item.nodeid.split('[', 1)[0]
            self.tests[item.nodeid] = (item, fn, code)
            static = self.expected.get(base)
            if static is None or not static['plain'] or code is None:
                continue
            path = item.nodeid.split('::', 1)[0]
            # The code object must be the one compiled from the test file at the
            # line the agent found, not a function the student put in its place.
            if (code.co_filename != os.path.join('/workspace', path) or code.co_firstlineno != static['line']
                    or code.co_name != base.rsplit('::', 1)[-1]):
                problems.append('the test %s was replaced before it ran' % base)
        return problems + self.check()

    def check(self):
        problems = []
        if (sys.gettrace(), sys.getprofile()) != self.trace:
            problems.append('a trace or profile hook was installed (sys.settrace/sys.setprofile)')
        for name, saved in self.namespaces.items():
            if isinstance(saved, tuple):
                cls, attrs = saved
                current = vars(cls)
            else:
                module = sys.modules.get(name)
                if module is None:
                    problems.append('the module %s was removed' % name)
                    continue
                attrs, current = saved, vars(module)
            for attr, value in attrs.items():
                if name == 'builtins' and attr in BUILTINS_ALLOWED_TO_CHANGE:
                    continue
                # Code only: pytest itself updates data attributes (caches,
                # the current config) as it runs.
                if not is_code(value):
                    continue
                if current.get(attr, _MISSING) is not value:
                    problems.append('%s.%s was replaced' % (name, attr))
        for obj, attrs in self.instances:
            if vars(obj) != attrs or any(vars(obj).get(k) is not v for k, v in attrs.items()):
                problems.append('the grading harness object %s was modified' % type(obj).__name__)
        for name, impls in self.hooks.items():
            current = [(impl, impl.function) for impl in getattr(self.config.hook, name).get_hookimpls()]
            if len(current) != len(impls) or any(a is not c or fa is not fc for (a, fa), (c, fc) in zip(impls, current)):
                problems.append('the pytest hook %s was changed' % name)
        for node_id, (item, fn, code) in self.tests.items():
            if getattr(item, 'obj', None) is not fn or (fn is not None and getattr(fn, '__code__', None) is not code):
                problems.append('the test %s was modified' % node_id)
        return problems


_MISSING = object()
_CODE_TYPES = (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.MethodDescriptorType,
               types.WrapperDescriptorType, staticmethod, classmethod, property, functools.partial)


def is_code(value):
    return isinstance(value, _CODE_TYPES)


def make_plugin(events, integrity):
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

        @pytest.hookimpl(tryfirst=True)
        def pytest_sessionstart(self, session):
            integrity.snapshot()
            integrity.watch(self, events)

        def pytest_collection_finish(self, session):
            # Collection registers the suite's conftest plugins, so hooks are
            # snapshotted here; a plugin the student's import registered is
            # caught by where its code lives.
            self.add_problems(integrity.watch_hooks(session.config))
            self.add_problems(integrity.record_tests(session.items))
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

        @pytest.hookimpl(trylast=True)
        def pytest_sessionfinish(self, session):
            # The last check, while pytest is still configured: at unconfigure it
            # undoes its own patches, which would look like tampering.
            self.add_problems(integrity.check())

        def add_problems(self, found):
            for problem in found:
                if problem not in self.problems:
                    self.problems.append(problem)

        def pytest_runtest_logfinish(self, nodeid, location):
            # Checked after every test: a patch made during one test to pass the
            # next and undone afterwards is still caught.
            self.add_problems(integrity.check())
            events.send({'e': 'finish', 'id': nodeid})

    reporter = Reporter()
    reporter.problems = []  # appended to, never rebound: the object is watched
    return reporter


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
    sign = make_signer(bytes.fromhex(config.pop('key')))
    del config_line
    events_sock.close()
    os.dup2(output_sock.fileno(), 1)
    os.dup2(output_sock.fileno(), 2)
    output_sock.close()
    sys.stdout = open(1, 'w', encoding='utf-8', errors='replace', buffering=1, closefd=False)
    sys.stderr = open(2, 'w', encoding='utf-8', errors='replace', buffering=1, closefd=False)

    import pytest  # imported before /workspace is on sys.path: a student's pytest.py cannot shadow it

    events = Events(events_fd, sign)
    del sign
    # Import what pytest will need before the snapshot, so lazily imported
    # modules are watched too. Still no student code has run.
    import _pytest.python, _pytest.runner, _pytest.reports, _pytest.skipping, _pytest.unittest  # noqa: E401,F401
    import _pytest.assertion.rewrite, _pytest.assertion.util, _pytest._code.code, _pytest.python_api  # noqa: E401,F401
    if config.get('strict'):
        install_strict_comparisons()
    integrity = Integrity(config.get('tests', []))
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
    plugin = make_plugin(events, integrity)
    status = pytest.main(args, plugins=[plugin])
    events.send({'e': 'end', 'exitstatus': int(status), 'problems': plugin.problems})


if __name__ == '__main__':
    main()
