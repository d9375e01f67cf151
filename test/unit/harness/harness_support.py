"""Shared by the harness's unit tests: where the harness lives, a fake codec side, a local student side.

Not a test module (pytest collects only test_*.py): it puts the harness
folder on sys.path and gives `FakeSide`, a Codec whose handles are recorded,
and `StudentSide`, which runs the real launcher
(student_process.py --control-fd) on a socketpair with a workspace of its
own, a real proxy_client.Client, and the proxies installed for the
workspace's modules. Closing it stops the student process and the launcher,
takes the finder off sys.meta_path and forgets the proxies, so the next test
starts from nothing.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
HARNESS = os.path.join(ROOT, 'images', 'python', 'harness')
STUDENT_PROCESS = os.path.join(HARNESS, 'student_process.py')

if HARNESS not in sys.path:
    sys.path.insert(0, HARNESS)
# These tests play the suite: callbacks they hand to student code are the suite's own code.
os.environ.setdefault('GRADER_SUITE', HERE)

import proxy_client  # noqa: E402
from channel import Codec, ProtocolError  # noqa: E402

DEFAULT_CONFIG = {'testTimeoutMs': 3000, 'outputBytes': 100000, 'memoryMb': 256}


class Remote:
    """What the fake `local` decodes a handle into."""

    def __init__(self, number):
        self.number = number


class FakeSide:
    """A side whose handles are numbered in a list: `foreign` records what crossed by handle."""

    def __init__(self):
        self.handed = []
        self.codec = Codec(self.foreign, self.local)

    def foreign(self, value):
        self.handed.append(value)
        return ['h', len(self.handed) - 1, None]

    def local(self, tag, items, depth):
        if tag == 'h' and len(items) == 2 and type(items[0]) is int:
            return Remote(items[0])
        raise ProtocolError('an unknown value tag')


class StudentSide:
    """A launcher, its student process and the test side's Client, as in a grading container."""

    def __init__(self, files, config=None, emit=None, workspace=None):
        self.files = files
        self.config = dict(DEFAULT_CONFIG, **(config or {}))
        self.events = []
        self.emit = emit if emit is not None else self.events.append
        self.names = {path.split('/')[0][:-3] if path.split('/')[0].endswith('.py') else path.split('/')[0]
                      for path in files}
        self.own_workspace = workspace is None
        self.workspace = workspace or tempfile.mkdtemp(prefix='harness-ws-')
        self.process = None
        self.client = None
        self.finder = None
        self.previous_client = None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def start(self):
        for path, content in self.files.items():
            full = os.path.join(self.workspace, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'w', encoding='utf-8') as f:
                f.write(content)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ, GRADER_WORKSPACE=self.workspace)
        try:
            self.process = subprocess.Popen(
                [sys.executable, STUDENT_PROCESS, '--control-fd', str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL)
        finally:
            theirs.close()
        self.client = proxy_client.Client(ours, self.config, self.emit)
        self.previous_client = proxy_client._client
        self.finder = proxy_client.install(self.client, self.names, list(self.files))

    def faults(self):
        return [e for e in self.events if e.get('e') == 'fault']

    def close(self):
        if self.client is not None:
            try:
                self.client.stop(0)
            except BaseException:  # noqa: BLE001 - closing what is already gone
                pass
            self.client.launcher.close()
        if self.finder is not None:
            if self.finder in sys.meta_path:
                sys.meta_path.remove(self.finder)
            for name in list(sys.modules):
                if name.split('.')[0] in self.names:
                    del sys.modules[name]
            proxy_client._client = self.previous_client
            self.finder = None
        if self.process is not None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.own_workspace:
            shutil.rmtree(self.workspace, ignore_errors=True)
