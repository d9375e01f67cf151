"""The test process: runs the challenge's suite with pytest, as `grader` (uid 10001).

Started by the agent as soon as the container starts, it imports pytest
while the job is still on its way, then waits on its control socket for the
run's configuration and the student side's connection (a descriptor passed
by the agent). The suite lives in /suite, which the student's uid cannot
read; the student's modules are reached only through proxies
(proxy_client.py). Events go to the agent on a pipe, one JSON line each.

With `isolation: "in-process"` the same suite runs through `main_in_process`
inside the student's own process instead (see student_process.py), and the
agent trusts its events no more than any other student output.
"""
import json
import os
import socket
import sys

HARNESS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HARNESS)

import pytest  # noqa: E402  (imported before any path of the run is on sys.path)
import _pytest.python, _pytest.unittest, _pytest.runner, _pytest.skipping  # noqa: E401,E402,F401

import channel  # noqa: E402
import pytest_plugin  # noqa: E402

SUITE = '/suite'
WORKSPACE = '/workspace'


class Events:
    def __init__(self, write):
        self.write = write

    def __call__(self, event):
        self.write(channel.line(event).encode('ascii'))


# tmp_path and tmpdir live here, where the student's code can reach what a test hands it;
# made at session start, before any student code runs (see pytest_plugin.Reporter).
BASETEMP = '/tmp/grader-tmp-path'


def pytest_args(rootdir, has_conftest, basetemp=None):
    args = [
        '-c', os.path.join(HARNESS, 'pytest.ini'),  # pinned configuration: no ini file of the run is read
        '--rootdir', rootdir,
        '-p', 'no:cacheprovider',                    # nothing is written next to the tests
        '-q',
    ] + (['--basetemp', basetemp] if basetemp else [])
    if not has_conftest:
        args.append('--noconftest')
    return args + [rootdir]


def student_module_names(files, suite_dir):
    """Top-level names among the student's files that the tests will import as proxies.

    A name the test process already resolves (the standard library, pytest, a
    module of the suite) stays the test process's own: a student's
    `unittest.py` or `pytest.py` never stands in for the real one here.
    """
    import importlib.machinery
    names = set()
    for path in files:
        top = path.split('/')[0]
        name = top[:-3] if top.endswith('.py') and '/' not in path else top
        if not name.isidentifier() or (top != path and top.endswith('.py')):
            continue
        if name in sys.builtin_module_names or name in sys.modules:
            continue
        if os.path.exists(os.path.join(suite_dir, name + '.py')) or os.path.isdir(os.path.join(suite_dir, name)):
            continue
        if importlib.machinery.PathFinder.find_spec(name, [p for p in sys.path if p not in ('', SUITE)]) is not None:
            continue
        names.add(name)
    return names


def install_programs(client):
    """Runs the student's file as a program in the student's process, for suites that use runpy."""
    import runpy
    real_run_path = runpy.run_path

    def run_path(path_name, init_globals=None, run_name=None):
        path = os.fspath(path_name)
        full = os.path.abspath(path)
        if full.startswith(WORKSPACE + '/') or not os.path.exists(full):
            return client.run_path(path, init_globals, run_name)
        return real_run_path(path_name, init_globals, run_name)
    runpy.run_path = run_path


def install_strict_comparisons(config):
    """Makes `__grader_exact__`, which intake wrote into strict-mode tests, resolvable."""
    if config.get('strict'):
        import builtins
        import grader_strict
        builtins.__grader_exact__ = grader_strict.exact


def main():
    # The agent passes its two descriptors by number: control (settings in), events (out).
    control_fd, events_fd = (int(n) for n in os.environ.pop('GRADER_FDS').split(','))
    events = Events(socket.socket(fileno=events_fd).sendall)
    control = socket.socket(fileno=control_fd)
    data, fds, _, _ = socket.recv_fds(control, 1 << 20, 1)
    if not data:
        sys.exit(0)  # the agent had no run for us (in-process mode, or it stopped)
    config = json.loads(data)
    if config.get('mode') == 'collect':
        main_collect(config, events)
    launcher = socket.socket(fileno=fds[0])
    import proxy_client
    client = proxy_client.Client(launcher, config, events)
    proxy_client.install(client, student_module_names(config['files'], SUITE), config['files'])
    install_programs(client)
    install_strict_comparisons(config)
    os.chdir(SUITE)
    # The student's files run as programs through bin/python3 (see there), as the student.
    exec_name = 'grader-exec-' + os.urandom(8).hex()
    launcher.send(json.dumps({'op': 'listen', 'name': exec_name}).encode())
    os.environ['GRADER_EXEC'] = exec_name
    os.environ['PATH'] = os.path.join(HARNESS, 'bin') + ':' + os.environ.get('PATH', '/usr/bin:/bin')
    sys.executable = os.path.join(HARNESS, 'bin', 'python3')
    plugin = pytest_plugin.Reporter(events, client, SUITE, originals=config.get('originals'))
    status = pytest.main(pytest_args(SUITE, config['hasConftest'], BASETEMP), plugins=[plugin])
    events({'e': 'end', 'exitstatus': int(status)})
    sys.stdout.flush()
    os._exit(0)


def main_collect(config, events):
    """Collect-only: report the suite's test ids and run nothing; no student side exists.

    The challenge's starter files (if any) are in /workspace and importable after
    the suite's own modules; the student modules the suite imports and nothing
    provides are placeholders (placeholders.py). Starter files are the author's
    own, like the suite, so importing them here trusts nobody new.
    """
    import placeholders
    os.chdir(SUITE)
    sys.path.append(WORKSPACE)
    placeholders.install(read_suite(SUITE))
    plugin = pytest_plugin.Reporter(events, None, SUITE)
    status = pytest.main(pytest_args(SUITE, config['hasConftest']) + ['--collect-only'], plugins=[plugin])
    events({'e': 'end', 'exitstatus': int(status)})
    sys.stdout.flush()
    os._exit(0)


def read_suite(root):
    """The suite's Python files, path → text (only to find the names they import)."""
    sources = {}
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith('.py'):
                path = os.path.join(folder, name)
                try:
                    with open(path, encoding='utf-8') as f:
                        sources[os.path.relpath(path, root)] = f.read()
                except (OSError, ValueError):
                    continue
    return sources


def main_in_process(control, config):
    """The opt-in mode: the student's code is imported into this very process (uid 10002)."""
    def send(data):
        for start in range(0, len(data), 60000):
            control.sendall(data[start:start + 60000])
    events = Events(send)
    install_strict_comparisons(config)
    os.chdir(WORKSPACE)
    sys.path.insert(0, WORKSPACE)
    plugin = pytest_plugin.Reporter(events, None, WORKSPACE)
    status = pytest.main(pytest_args(WORKSPACE, config['hasConftest']), plugins=[plugin])
    events({'e': 'end', 'exitstatus': int(status)})
    os._exit(0)


if __name__ == '__main__':
    main()
