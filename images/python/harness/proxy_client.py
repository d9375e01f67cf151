"""The test process's view of the student's code: proxies over a channel.

The student's modules are never imported here. `import solution` gives a
module proxy, and everything reached through it is either plain data, copied
by value (channel.py), or a *handle* to an object of the student process:
attribute access, calls and the dunder protocol are sent there and done
there. Student classes appear here as classes (mirrors), so isinstance and
issubclass work; a student's exception arrives as a real exception of the
same builtin type, or of a mirror class with the same name and builtin base.

Every message the student process sends is hostile. It is checked
(channel.check_message, Codec.decode) before use, every wait has a deadline,
and when the student process misbehaves (exits, crashes, hangs, floods, or
says something that is not the protocol) it is stopped, the test that was
running is marked as an error whatever it catches (`StudentFault` is a
BaseException and the fault is reported to the agent out of band), and a
fresh student process is started on next use.
"""
import builtins
import codecs
import collections
import functools
import importlib.abc
import importlib.machinery
import io
import json
import os
import random
import select
import signal
import socket
import sys
import time
import types
import unittest.mock

import channel
from channel import Codec, FrameReader, ProtocolError, capped, check_message, frame

# Output of one test kept for its result (what a result shows is cut further by the worker).
KEEP_PER_TEST = 4096
# Calls nested through callbacks (test → student → test …) before it counts as runaway recursion.
MAX_NESTING = 150
# How long the launcher may take to answer.
LAUNCHER_TIMEOUT_S = 5
MEMORY_EVENTS = ('/sys/fs/cgroup/memory.events', '/sys/fs/cgroup/memory/memory.oom_control')

# Requests the student process may send: callbacks and reads of what the test provides.
TEST_OPS = ('call', 'getattr', 'special', 'input', 'stdin')
# What student code may do to an object of the test process.
K_SPECIALS = {
    '__len__', '__iter__', '__next__', '__contains__', '__getitem__', '__bool__', '__hash__', '__eq__', '__ne__',
    '__lt__', '__le__', '__gt__', '__ge__', '__repr__', '__str__', '__format__', '__enter__', '__exit__',
    '__add__', '__radd__', '__sub__', '__rsub__', '__mul__', '__rmul__', '__truediv__', '__rtruediv__',
    '__floordiv__', '__rfloordiv__', '__mod__', '__rmod__', '__neg__', '__abs__', '__int__', '__float__', '__index__',
}
# Never handed to student code: through these it could reach the test's frames, globals or modules.
UNSHAREABLE = (types.FrameType, types.TracebackType, types.CodeType, types.ModuleType, types.CellType)
# Module attributes importlib and pytest set and read: kept here, never sent.
LOCAL_MODULE_ATTRS = {'__name__', '__loader__', '__package__', '__spec__', '__path__', '__file__', '__cached__',
                      '__builtins__', '__doc__', '__dict__', '__class__'}

# Looked up by pytest on everything in a test module's namespace: never the student's business.
NOT_FORWARDED = {'__test__', '__tracebackhide__', 'pytestmark', '__pytest_wrapped__'}

SIGNAL_NAMES = {signal.SIGSEGV: 'a segmentation fault', signal.SIGABRT: 'an abort', signal.SIGBUS: 'a bus error',
                signal.SIGFPE: 'a floating-point exception', signal.SIGILL: 'an illegal instruction'}


def _is_class_handle(obj):
    return type(obj) is RemoteClassMeta or (isinstance(obj, type) and obj.__dict__.get('_g_mirror', False))


def hget(obj, field):
    """A handle's own state (id, gen, path): in slots for instances, in the class dict for classes."""
    if isinstance(obj, type):
        return obj.__dict__.get('_g_c' + field)
    if isinstance(obj, ModuleProxy):
        return obj.__dict__.get('_g_' + field)
    try:
        return object.__getattribute__(obj, '_g_' + field)
    except AttributeError:
        return None


def hset(obj, field, value):
    if isinstance(obj, type):
        type.__setattr__(obj, '_g_c' + field, value)
    elif isinstance(obj, ModuleProxy):
        types.ModuleType.__setattr__(obj, '_g_' + field, value)
    else:
        object.__setattr__(obj, '_g_' + field, value)


class StudentFault(BaseException):
    """The student's process failed during this test.

    A BaseException, so `except Exception` and `pytest.raises(Exception)` in a
    test do not swallow it; the test is reported as an error in any case.
    """


# ---------------------------------------------------------------- what the tests share
# Objects of the tests handed to the student's code run in this process, as this uid, when
# the student's code uses them. Only what a suite means to share is usable: mocks (but not
# their own API: assert_*, configure_mock…, which a student's code could rewire), and code
# and objects of the suite itself, plus plain in-memory types. Anything else (a file, a
# socket, a library's object) is opaque: it can be passed back, compared and shown.
MOCK_API = {n for n in dir(unittest.mock.NonCallableMagicMock) if not n.startswith('_')} | {
    'return_value', 'side_effect', 'called', 'call_count', 'call_args', 'call_args_list', 'method_calls',
    'mock_calls', 'assert_called', 'assert_called_once', 'assert_called_with', 'assert_called_once_with',
    'assert_any_call', 'assert_has_calls', 'assert_not_called', 'configure_mock', 'reset_mock', 'attach_mock',
    'mock_add_spec', 'await_count', 'await_args', 'await_args_list'}
SAFE_TYPES = (io.StringIO, io.BytesIO, collections.Counter, collections.OrderedDict, collections.defaultdict,
              collections.deque, random.Random, types.SimpleNamespace)
# Modules whose values live in memory only (range, zip, itertools.count, deque, Decimal, a
# compiled pattern…): using them cannot reach a file, a process or code of the tests.
SAFE_MODULES = {'builtins', 'itertools', 'collections', 'enum', 'decimal', 'fractions', 'datetime', 'random',
                'operator', 're', 'string', 'numbers'}
# Builtins a suite may hand over as callbacks: none of them reaches files, code or the process.
SAFE_BUILTINS = {'abs', 'all', 'any', 'ascii', 'bin', 'bool', 'chr', 'divmod', 'format', 'hash', 'hex', 'id',
                 'isinstance', 'issubclass', 'iter', 'len', 'max', 'min', 'next', 'oct', 'ord', 'pow', 'print',
                 'repr', 'round', 'sorted', 'sum'}
PLAIN_OWNERS = (list, dict, set, frozenset, tuple, str, bytes, bytearray, int, float, complex)
OPAQUE_SPECIALS = {'__repr__', '__str__', '__eq__', '__ne__', '__hash__', '__bool__', '__format__'}
# Overridable only for the harness's unit tests, which play the suite from their own folder.
SUITE_DIR = os.environ.get('GRADER_SUITE', '/suite').rstrip('/') + '/'


def sharing(obj):
    """How much of a test object the student's code may use: 'mock', 'full' or 'opaque'."""
    if isinstance(obj, unittest.mock.NonCallableMock):
        return 'mock'
    if isinstance(obj, SAFE_TYPES) or type(obj).__module__ in ('enum',):
        return 'full'
    if isinstance(obj, types.BuiltinFunctionType):
        owner = obj.__self__
        if owner is builtins:
            return 'full' if obj.__name__ in SAFE_BUILTINS else 'opaque'
        # A method of an in-memory value (seen.append, counts.get): it touches that value only.
        return 'full' if type(owner) in PLAIN_OWNERS or isinstance(owner, SAFE_TYPES) else 'opaque'
    if isinstance(obj, types.MethodType):
        return sharing(obj.__func__) if sharing(obj.__self__) != 'opaque' else 'opaque'
    code = getattr(obj, '__code__', None) if isinstance(obj, types.FunctionType) else None
    if code is None and isinstance(obj, types.GeneratorType):
        code = obj.gi_code
    if code is not None:
        return 'full' if code.co_filename.startswith(SUITE_DIR) else 'opaque'
    if isinstance(obj, type):
        return 'full' if _defined_in_suite(obj) or obj.__module__ in SAFE_MODULES else 'opaque'
    if isinstance(obj, functools.partial):
        return sharing(obj.func)
    if type(obj).__module__ in SAFE_MODULES:
        return 'full'
    return 'full' if _defined_in_suite(type(obj)) else 'opaque'


def _defined_in_suite(cls):
    module = sys.modules.get(getattr(cls, '__module__', None) or '')
    return (getattr(module, '__file__', None) or '').startswith(SUITE_DIR)


class Handle:
    """Base of every proxy of a student object (mirror classes derive from it)."""

    __slots__ = ('_g_id', '_g_gen', '_g_path', '__weakref__')

    def __getattr__(self, name):
        if name.startswith(('_g_', '_pytest')) or name in NOT_FORWARDED:
            raise AttributeError(name)
        return _client.getattr(self, name)

    def __setattr__(self, name, value):
        _client.setattr(self, name, value)

    def __delattr__(self, name):
        _client.delattr(self, name)

    def __dir__(self):
        return _client.dir(self)


class RemoteClassMeta(type):
    """Metaclass of mirrors: class-level attribute access and calls go to the student's class."""

    def __getattr__(cls, name):
        if name.startswith('_g_') or (name.startswith('__') and name.endswith('__')):
            raise AttributeError(name)
        return _client.getattr(cls, name)

    def __setattr__(cls, name, value):
        if name.startswith('_g_'):
            type.__setattr__(cls, name, value)
        else:
            _client.setattr(cls, name, value)

    def __call__(cls, *args, **kwargs):
        return _client.call(cls, args, kwargs)

    def __repr__(cls):
        return _client.special(cls, '__repr__', ())

    def __iter__(cls):
        return _client.special(cls, '__iter__', ())

    def __len__(cls):
        return _client.special(cls, '__len__', ())

    def __contains__(cls, item):
        return _client.special(cls, '__contains__', (item,))

    def __getitem__(cls, key):
        return _client.special(cls, '__getitem__', (key,))


class ModuleProxy(types.ModuleType):
    """A student module as the tests see it."""

    def __getattr__(self, name):
        if name.startswith('_g_'):
            raise AttributeError(name)
        if name.startswith('__') and name.endswith('__') and name not in ('__all__', '__version__'):
            raise AttributeError(name)
        if name == '__all__':
            try:
                return _client.getattr(self, name)
            except AttributeError:
                return [n for n in _client.dir(self) if not n.startswith('_')]
        return _client.getattr(self, name)

    def __setattr__(self, name, value):
        if name in LOCAL_MODULE_ATTRS or name.startswith('_g_'):
            types.ModuleType.__setattr__(self, name, value)
        else:
            _client.setattr(self, name, value)

    def __delattr__(self, name):
        if name in LOCAL_MODULE_ATTRS:
            types.ModuleType.__delattr__(self, name)
        else:
            _client.delattr(self, name)

    def __dir__(self):
        return _client.dir(self)

    def __repr__(self):
        return "<module '%s' (your code)>" % self.__name__


def _special(name):
    if name == '__call__':
        def method(self, *args, **kwargs):
            __tracebackhide__ = True
            return _client.call(self, args, kwargs)
    elif name == '__exit__':
        def method(self, exc_type, exc, tb):
            __tracebackhide__ = True
            # The traceback stays here: its frames are the test's.
            return _client.special(self, name, (exc_type, exc, None))
    else:
        def method(self, *args):
            __tracebackhide__ = True
            return _client.special(self, name, args)
    method.__name__ = name
    return method


ALWAYS = ('__repr__', '__str__', '__eq__', '__ne__', '__format__')


class StudentFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes `import <student module>` give a proxy; first on sys.meta_path."""

    def __init__(self, client, names, files=()):
        self.client = client
        self.names = set(names)
        # Dotted names of the student's modules and packages, from their files' paths.
        self.modules, self.packages = set(names), set()
        for path in files:
            parts = path.split('/')
            if parts[0] not in self.names or not path.endswith('.py'):
                continue
            for i in range(1, len(parts)):
                self.packages.add('.'.join(parts[:i]))
                self.modules.add('.'.join(parts[:i]))
            leaf = parts[:-1] if parts[-1] == '__init__.py' else parts[:-1] + [parts[-1][:-3]]
            self.modules.add('.'.join(leaf))

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split('.')[0] not in self.names or fullname not in self.modules:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=fullname in self.packages)

    def create_module(self, spec):
        module = ModuleProxy(spec.name)
        hset(module, 'path', (spec.name,))
        hset(module, 'gen', -1)
        hset(module, 'id', None)
        self.client.by_path[(spec.name,)] = module
        return module

    def exec_module(self, module):
        __tracebackhide__ = True
        self.client.rebind(module)


class Client:
    """The test process's end of the channel, and the student process it talks to."""

    def __init__(self, launcher, config, emit):
        self.launcher = launcher
        self.emit = emit
        self.memory_mb = config.get('memoryMb', 0)
        self.test_timeout_s = config['testTimeoutMs'] / 1000
        self.output_budget = config['outputBytes']
        self.output_total = 0
        self.gen = 0
        self.alive = False
        self.launcher_gone = False
        self.chan = None
        self.sock = None
        self.pipes = {}
        self.decoders = {}
        self.reader = FrameReader()
        self.table = {}
        self.by_path = {}
        self.mirrors = {}
        self.kobjects = {}
        self.kids = {}
        self.next_id = 0
        self.depth = 0
        self.codec = Codec(self.foreign, self.local)
        self.current_test = None
        self.deadline = None
        self.pipes_quiet = False
        self.kept = {}
        self.outside = bytearray()

    # ------------------------------------------------------------ tests
    def begin(self, test_id):
        self.current_test = test_id
        self.deadline = time.monotonic() + self.test_timeout_s

    def end(self, test_id):
        self.pump_all()
        self.current_test = None
        self.deadline = None
        return bytes(self.kept.pop(test_id, b'')).decode('utf-8', 'replace')

    def collection_deadline(self):
        self.deadline = time.monotonic() + self.test_timeout_s

    # ------------------------------------------------------------ the student process
    def ensure(self):
        if self.alive:
            return
        if self.launcher_gone:
            self.launcher_lost()
        try:
            self.launcher.settimeout(LAUNCHER_TIMEOUT_S)
            self.launcher.send(b'{"op":"spawn"}')
            data, fds, _, _ = socket.recv_fds(self.launcher, 4096, 3)
        except OSError:
            data, fds = b'', []
        try:
            reply = json.loads(data) if data else None
        except ValueError:
            reply = None
        if type(reply) is not dict or reply.get('ok') is not True or len(fds) != 3:
            for fd in fds:
                os.close(fd)
            self.launcher_gone = True
            self.launcher_lost()
        chan, out, err = fds
        for fd in fds:
            os.set_blocking(fd, False)
        self.chan = chan
        self.sock = socket.socket(fileno=os.dup(chan))
        self.sock.setblocking(False)
        self.pipes = {out: 'stdout', err: 'stderr'}
        self.decoders = {out: codecs.getincrementaldecoder('utf-8')('replace'), err: codecs.getincrementaldecoder('utf-8')('replace')}
        self.reader = FrameReader()
        self.gen += 1
        self.table = {}
        self.alive = True
        self.oom_before = oom_kills()

    def launcher_lost(self):
        """No student process can be started any more (the student's code killed its launcher,
        or left no memory or processes to start one): every test that needs one is an error."""
        oom = oom_kills() > getattr(self, 'oom_before', 0)
        message = ('Your code used up the memory of the run (%s MB), so no more of your code can run.' % seconds(self.memory_mb)
                   if oom else 'Your code stopped the process that starts it, so no more of your code can run.')
        self.emit({'e': 'fault', 'id': self.current_test, 'kind': 'memory' if oom else 'launcher', 'message': message})
        raise StudentFault(message)

    def stop(self, grace_ms):
        """Stops every student process; returns how the last one ended (exit code, signal)."""
        status = (None, None)
        if self.alive and not self.launcher_gone:
            try:
                self.launcher.settimeout(LAUNCHER_TIMEOUT_S)
                self.launcher.send(json.dumps({'op': 'stop', 'graceMs': grace_ms}).encode())
                reply = json.loads(self.launcher.recv(4096) or b'null')
                if type(reply) is dict:
                    code, sig = reply.get('exit'), reply.get('signal')
                    status = (code if type(code) is int else None, sig if type(sig) is int else None)
            except (OSError, ValueError):
                self.launcher_gone = True
        self.pump_all()
        for fd in [self.chan] + list(self.pipes):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self.chan = None
        self.pipes = {}
        self.alive = False
        return status

    def fault(self, kind, detail=''):
        """The student process failed: stop it, report why, and end the running test as an error."""
        status = self.stop(0 if kind in ('timeout', 'protocol') else 200)
        oom = oom_kills() > self.oom_before
        message = describe_fault(kind, status, oom, detail, self.test_timeout_s, self.memory_mb, self.current_test)
        self.emit({'e': 'fault', 'id': self.current_test, 'kind': 'memory' if oom else kind, 'message': capped(message)})
        raise StudentFault(message)

    # ------------------------------------------------------------ output of the student process
    def pump(self, fd):
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b''
        if not data:
            del self.pipes[fd]
            os.close(fd)
            return
        self.output_total += len(data)
        buf = self.kept.setdefault(self.current_test, bytearray()) if self.current_test else self.outside
        room = KEEP_PER_TEST - len(buf)
        if room > 0:
            buf.extend(data[:room])
        if self.output_total > self.output_budget:
            # What the running test printed before the flood stays visible to the student.
            shown = bytes(self.kept.get(self.current_test, b'') if self.current_test else self.outside)
            self.emit({'e': 'output', 'id': self.current_test, 'text': shown.decode('utf-8', 'replace')})
            self.emit({'e': 'output_exceeded'})
            # The agent stops the run and names the cause; nothing more is worth doing here.
            os._exit(0)
        text = self.decoders[fd].decode(data)
        stream = sys.stdout if self.pipes.get(fd) == 'stdout' else sys.stderr
        try:
            stream.write(text)
        except Exception:  # noqa: BLE001 - a stream the test replaced; what it does with text is its own business
            pass

    def pump_all(self):
        for _ in range(64):
            if not self.pipes:
                return
            readable, _, _ = select.select(list(self.pipes), [], [], 0)
            if not readable:
                return
            for fd in readable:
                if fd in self.pipes:
                    self.pump(fd)

    # ------------------------------------------------------------ frames
    def wait(self, fds, write=False):
        """Waits until `fds` are ready, pumping output, within the test's deadline."""
        while True:
            timeout = 0.5
            if self.deadline is not None:
                timeout = min(timeout, self.deadline - time.monotonic())
                if timeout <= 0:
                    self.fault('timeout')
            readable, writable, _ = select.select(list(self.pipes) + ([] if write else fds), fds if write else [], [], timeout)
            self.pipes_quiet = True
            for fd in readable:
                if fd in self.pipes:
                    self.pipes_quiet = False
                    self.pump(fd)
            if (writable if write else [fd for fd in readable if fd in fds]):
                return

    def send(self, data):
        view = memoryview(data if type(data) is bytes else frame(data))
        while view:
            try:
                sent = os.write(self.chan, view)
            except BlockingIOError:
                # The student process is not reading: wait, pumping its output, until the deadline.
                self.wait([self.chan], write=True)
                continue
            except OSError:
                self.fault('exit')
            view = view[sent:]

    def receive(self):
        while True:
            try:
                message = self.reader.next()
            except ProtocolError as err:
                self.fault('protocol', str(err))
            if message is not None:
                # Output the student printed before this message was in its pipes before the
                # message was sent: a select that saw the message and no output saw all of it.
                if not self.pipes_quiet:
                    self.pump_all()
                return message
            self.wait([self.chan])
            try:
                more = self.reader.fill(self.sock)
            except BlockingIOError:
                continue
            except ProtocolError as err:
                self.fault('protocol', str(err))
            except OSError:
                more = False
            if not more:
                self.fault('exit')

    def request(self, op, refs=None, **fields):
        __tracebackhide__ = True
        self.ensure()
        if self.depth >= MAX_NESTING:
            raise RecursionError('maximum recursion depth exceeded between the tests and your code')
        self.next_id += 1
        mid = self.next_id
        data = frame(dict(fields, id=mid, op=op))  # too large to send: a ValueError, nothing sent
        self.depth += 1
        finished = False
        gen = self.gen
        # Outside any test (between tests, at session end) a call still has a deadline.
        own_deadline = self.deadline is None
        if own_deadline:
            self.deadline = time.monotonic() + self.test_timeout_s
        try:
            self.send(data)
            while True:
                message = self.receive()
                try:
                    kind, ref = check_message(message, TEST_OPS)
                except ProtocolError as err:
                    self.fault('protocol', str(err))
                if kind == 'request':
                    self.serve(message)
                    continue
                if ref != mid:
                    self.fault('protocol', 'a reply out of turn')
                try:
                    if refs is not None and message.get('sync'):
                        self.codec.apply_sync(message['sync'], refs)
                    if 'err' in message:
                        error = self.exception(message['err'])
                    else:
                        value = self.codec.decode(message['ok'])
                except ProtocolError as err:
                    self.fault('protocol', str(err))
                finished = True
                if 'err' in message:
                    raise error
                return value
        finally:
            self.depth -= 1
            if own_deadline:
                self.deadline = None
            if not finished and self.alive and self.gen == gen:
                # Left mid-call (a fault of the test's own, a pytest outcome raised in a callback):
                # the student process is still inside the call, so it cannot be used again.
                self.stop(0)

    def serve(self, message):
        """Does what the student process asks of an object of the test process (a callback)."""
        op, mid = message['op'], message['id']
        refs = []
        try:
            if op == 'input':
                result = builtins.input(self.codec.decode(message['prompt']))
            elif op == 'stdin':
                stream = sys.stdin
                result = stream.read(message['size']) if message['how'] == 'read' else stream.readline(message['size'])
                if type(result) is not str:
                    result = str(result)
            else:
                target = self.kobjects.get(message['h'])
                if target is None:
                    raise ProtocolError('an unknown object of the tests')
                reach = sharing(target)
                if op == 'getattr':
                    name = message['name']
                    if name.startswith('_') or reach == 'opaque' or (reach == 'mock' and name in MOCK_API):
                        raise AttributeError("%r of the tests shares no attribute %r with your code" % (type(target).__name__, name))
                    result = getattr(target, name)
                elif op == 'call' and reach == 'opaque':
                    raise TypeError("%r of the tests cannot be called by your code" % type(target).__name__)
                elif op == 'call':
                    args = [self.codec.decode(a, refs) for a in message['a']]
                    kwargs = {}
                    for pair in message['kw']:
                        if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                            raise ProtocolError('a malformed call')
                        kwargs[pair[0]] = self.codec.decode(pair[1], refs)
                    # An opaque object of the tests stays opaque as an argument: a shared callable
                    # (sorted, next, print) must not call or read it for the student's code.
                    if any(id(a) in self.kids and sharing(a) == 'opaque' for a in list(args) + list(kwargs.values())):
                        raise TypeError('an object of the tests your code cannot use was passed to %r' % type(target).__name__)
                    result = target(*args, **kwargs)
                else:
                    if message['name'] not in K_SPECIALS or (reach == 'opaque' and message['name'] not in OPAQUE_SPECIALS):
                        raise TypeError('this operation is not available on an object of the tests')
                    args = [self.codec.decode(a, refs) for a in message['a']]
                    # The bound attribute, as an explicit `x.__exit__(...)` would find it: a mock's
                    # configured magic methods live on the instance, not its type.
                    result = getattr(target, message['name'])(*args)
            reply = {'re': mid, 'ok': self.codec.encode(result)}
        except ProtocolError as err:
            self.fault('protocol', str(err))
        except Exception as exc:  # noqa: BLE001 - the test's exception goes to the student's code, as it would in one process
            reply = {'re': mid, 'err': self.encode_exception(exc)}
        self.send(reply)

    # ------------------------------------------------------------ values
    def foreign(self, value):
        """An object of the test process as the student process sees it."""
        if isinstance(value, (Handle, ModuleProxy)) or _is_class_handle(value):
            return ['r', self.current_id(value)]
        if isinstance(value, BaseException):
            return ['x', self.encode_exception(value)]
        if isinstance(value, UNSHAREABLE):
            raise TypeError('a %s of the tests cannot be passed to your code' % type(value).__name__)
        kid = self.keep(value)
        cls = type(value)
        specials = [name for name in K_SPECIALS | {'__call__'} if getattr(cls, name, None) is not None
                    and (name == '__hash__' or getattr(cls, name, None) is not getattr(object, name, None))]
        return ['k', kid, {'n': cls.__name__, 'sp': specials}]

    def encode_exception(self, exc):
        """A test-side exception for the student's code: its builtin base and args, and a handle
        (`k`) so that the same exception object comes back if the student's code passes it on."""
        base = None
        for klass in type(exc).__mro__:
            if klass.__module__ == 'builtins':
                base = klass.__name__
                break
        try:
            args = [self.codec.encode(a) for a in exc.args]
        except Exception:  # noqa: BLE001
            args = [str(exc)]
        return {'t': base, 'c': None, 'a': args, 's': capped(str(exc)), 'tb': '', 'k': self.keep(exc)}

    def keep(self, value):
        """The id under which the student process may name `value`, an object of the tests."""
        kid = self.kids.get(id(value))
        if kid is None:
            kid = len(self.kobjects) + 1
            self.kobjects[kid] = value
            self.kids[id(value)] = kid
        return kid

    def local(self, tag, items, depth):
        if tag == 'h':
            return self.handle(items, depth)
        if tag == 'kr':
            if len(items) != 1 or items[0] not in self.kobjects:
                raise ProtocolError('an unknown object of the tests')
            return self.kobjects[items[0]]
        if tag == 'x':
            if len(items) != 1:
                raise ProtocolError('a malformed exception')
            return self.exception(items[0], depth)
        raise ProtocolError('an unknown value tag')

    def handle(self, items, depth):
        if len(items) != 2 or not channel._is_id(items[0]):
            raise ProtocolError('a malformed handle')
        hid, info = items
        known = self.table.get(hid)
        if known is not None:
            return known
        if type(info) is not dict:
            raise ProtocolError('a handle announced without its kind')
        kind = info.get('k')
        path = info.get('p')
        if path is not None and not channel.is_path(path):
            raise ProtocolError('a malformed path')
        path = tuple(path) if path else None
        existing = self.by_path.get(path) if path else None
        if kind == 'module':
            if existing is None:
                raise ProtocolError('a module that was never imported')
            self.bind(existing, hid)
            return existing
        if kind == 'class':
            if existing is None and path is None:
                # A class of no student module (function, generator, a library's): one mirror per
                # name for the whole run, so identity and isinstance hold across restarts.
                existing = self.by_path.get(('<type>', str(info.get('m')), str(info.get('q'))))
            if existing is not None and hget(existing, 'gen') == self.gen and path is not None:
                # Another object under the same path in this process: the name was rebound.
                existing = None
            cls = existing if existing is not None else self.mirror(info, path, depth)
            if path is None:
                self.by_path[('<type>', str(info.get('m')), str(info.get('q')))] = cls
            self.bind(cls, hid)
            return cls
        if kind == 'obj':
            cls = self.codec.decode(info.get('c'), None, depth + 1)
            if type(cls) is not RemoteClassMeta:
                raise ProtocolError('an object whose class is not a class')
            if existing is not None and hget(existing, 'gen') != self.gen:
                # Found again by its path after a restart: the same proxy, so `is` still holds.
                self.bind(existing, hid)
                return existing
            proxy = object.__new__(cls)
            hset(proxy, 'path', path)
            self.bind(proxy, hid)
            if path:
                self.by_path[path] = proxy
            return proxy
        raise ProtocolError('a handle of an unknown kind')

    def bind(self, obj, hid):
        hset(obj, 'id', hid)
        hset(obj, 'gen', self.gen)
        self.table[hid] = obj

    def mirror(self, info, path, depth):
        name, qualname, module = info.get('n'), info.get('q'), info.get('m')
        specials = info.get('sp')
        bases_data = info.get('b')
        exc = info.get('x')
        if (not all(channel._is_name(v) and '\0' not in v and channel.well_formed(v) for v in (name, qualname, module))
                or type(specials) is not list or not all(type(n) is str for n in specials)
                or type(bases_data) is not list or len(bases_data) > 16 or not (exc is None or type(exc) is str)):
            raise ProtocolError('a malformed class')
        bases = [self.codec.decode(b, None, depth + 1) for b in bases_data]
        if exc is not None:
            builtin = getattr(builtins, exc, None) if type(exc) is str else None
            if not (isinstance(builtin, type) and issubclass(builtin, Exception)):
                builtin = Exception
            chosen = tuple(b for b in bases if isinstance(b, type) and issubclass(b, BaseException) and getattr(b, '_g_mirror', False)) or (builtin,)
            ns = {'__module__': module, '__qualname__': qualname, '_g_mirror': True, '_g_cpath': path, '__str__': _exception_str}
            try:
                cls = type(name, chosen, ns)
            except TypeError:
                cls = type(name, (builtin,), ns)
            if path:
                self.by_path[path] = cls
            return cls
        if not all(type(b) is RemoteClassMeta for b in bases):
            raise ProtocolError('a class with a base that is not a class')
        ns = {'__slots__': (), '__module__': module, '__qualname__': qualname}
        for special in set(specials) & set(SPECIALS) | set(ALWAYS):
            ns[special] = _special(special)
        if '__hash__' not in specials:
            ns['__hash__'] = None
        else:
            ns['__hash__'] = _special('__hash__')
        try:
            cls = RemoteClassMeta(name, tuple(bases) or (Handle,), ns)
        except TypeError:
            cls = RemoteClassMeta(name, (Handle,), ns)
        hset(cls, 'path', path)
        if path:
            self.by_path[path] = cls
        return cls

    def exception(self, data, depth=0):
        if (type(data) is not dict or not set(data) <= {'t', 'c', 'a', 's', 'tb', 'k'}
                or not (data.get('t') is None or type(data.get('t')) is str)):
            raise ProtocolError('a malformed exception')
        if 'k' in data:
            # An exception of the tests' own, passed back by the student's code: the very same object.
            original = self.kobjects.get(data['k']) if channel._is_id(data['k']) else None
            if not isinstance(original, BaseException):
                raise ProtocolError('an exception of the tests that never crossed')
            return original
        args = data.get('a', [])
        if type(args) is not list:
            raise ProtocolError('a malformed exception')
        args = [self.codec.decode(a, None, depth + 1) for a in args]
        text = capped(data.get('s', ''))
        cls = None
        if data.get('c') is not None:
            cls = self.codec.decode(data['c'], None, depth + 1)
            if not (isinstance(cls, type) and getattr(cls, '_g_mirror', False)):
                raise ProtocolError('an exception whose class is not an exception')
        if cls is None:
            cls = getattr(builtins, data.get('t') or '', None)
            if not (isinstance(cls, type) and issubclass(cls, Exception)):
                # A BaseException that is not an Exception (KeyboardInterrupt…) arrives as a RuntimeError.
                cls = RuntimeError
        try:
            exc = cls(*args)
        except Exception:  # noqa: BLE001 - a builtin that wants other arguments (UnicodeError…)
            exc = cls.__new__(cls)
            exc.args = tuple(args)
        if getattr(cls, '_g_mirror', False) or cls is RuntimeError:
            exc._g_text = text
        exc.__grader_text__ = text
        exc.__grader_remote__ = capped(data.get('tb', '') if type(data.get('tb')) is str else '')
        return exc

    def current_id(self, obj):
        """The handle id of a proxy in today's student process, finding it again after a restart."""
        __tracebackhide__ = True
        self.ensure()
        if hget(obj, 'gen') == self.gen:
            return hget(obj, 'id')
        self.rebind(obj)
        return hget(obj, 'id')

    def rebind(self, obj):
        __tracebackhide__ = True
        self.ensure()
        path = hget(obj, 'path')
        if not path:
            raise StudentFault('This object was made by your code before its process was restarted '
                               '(after an earlier error), so it no longer exists.')
        if isinstance(obj, ModuleProxy):
            result = self.request('import', name=path[0])
        else:
            result = self.request('resolve', path=list(path))
        if result is not obj:
            raise ImportError('%s is not what it was in your code before its process was restarted' % '.'.join(path))

    # ------------------------------------------------------------ operations (what proxies call)
    def getattr(self, obj, name):
        __tracebackhide__ = True
        return self.request('getattr', h=self.current_id(obj), name=name)

    def setattr(self, obj, name, value):
        __tracebackhide__ = True
        hid = self.current_id(obj)
        refs = []
        self.request('setattr', refs, h=hid, name=name, v=self.codec.encode(value, refs))

    def delattr(self, obj, name):
        __tracebackhide__ = True
        self.request('delattr', h=self.current_id(obj), name=name)

    def dir(self, obj):
        names = self.request('dir', h=self.current_id(obj))
        return [n for n in names if type(n) is str] if type(names) is list else []

    def call(self, obj, args, kwargs):
        __tracebackhide__ = True
        hid = self.current_id(obj)
        refs = []
        a = [self.codec.encode(v, refs) for v in args]
        kw = [[k, self.codec.encode(v, refs)] for k, v in kwargs.items()]
        return self.request('call', refs, h=hid, a=a, kw=kw)

    def special(self, obj, name, args):
        __tracebackhide__ = True
        hid = self.current_id(obj)
        refs = []
        a = [self.codec.encode(v, refs) for v in args]
        return self.request('special', refs, h=hid, name=name, a=a)

    def run_path(self, path, init_globals=None, run_name=None):
        __tracebackhide__ = True
        return self.request('run_path', path=path, run_name=run_name, g=self.codec.encode(dict(init_globals or {})))


SPECIALS = (
    '__call__', '__len__', '__iter__', '__next__', '__reversed__', '__contains__', '__getitem__', '__setitem__',
    '__delitem__', '__bool__', '__enter__', '__exit__', '__lt__', '__le__', '__gt__', '__ge__',
    '__neg__', '__pos__', '__abs__', '__invert__', '__int__', '__float__', '__complex__', '__index__',
    '__round__', '__trunc__', '__floor__', '__ceil__',
) + tuple('__%s%s__' % (p, n) for n in (
    'add', 'sub', 'mul', 'matmul', 'truediv', 'floordiv', 'mod', 'divmod', 'pow', 'lshift', 'rshift', 'and', 'xor', 'or',
) for p in ('', 'r', 'i'))


def _exception_str(self):
    text = self.__dict__.get('_g_text')
    return text if text is not None else Exception.__str__(self)


def oom_kills():
    for path in MEMORY_EVENTS:
        try:
            with open(path) as f:
                for row in f:
                    key, _, value = row.partition(' ')
                    if key == 'oom_kill':
                        return int(value)
        except (OSError, ValueError):
            continue
    return 0


def seconds(s):
    return ('%d' % s) if float(s).is_integer() else ('%.1f' % s)


def describe_fault(kind, status, oom, detail, timeout_s, memory_mb, test):
    where = 'while this test was running' if test else 'while the tests were loading it'
    code, sig = status
    if kind == 'timeout':
        return ('Your code ran for more than %s s %s and was stopped. Look for a loop that never ends '
                'or work that is too slow.' % (seconds(timeout_s), 'in this test' if test else 'while the tests were loading it'))
    if oom:
        return 'Your code used more than %s MB of memory %s and was stopped. Look for data that grows without bound.' % (seconds(memory_mb), where)
    if kind == 'protocol':
        return 'Your code disturbed the way the tests talk to it (%s) %s, so it was stopped.' % (detail or 'a malformed message', where)
    if sig is not None:
        what = SIGNAL_NAMES.get(sig)
        if what:
            return 'Your code crashed with %s %s.' % (what, where)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = 'signal %d' % sig
        return 'Your code was killed by %s %s.' % (name, where)
    if code is not None:
        return ('Your code exited with status %d %s. Do not call exit(), sys.exit() or os._exit() in your solution.'
                % (code, where))
    return 'Your code\'s process ended %s.' % where


_client = None


def install(client, names, files=None):
    """Makes `client` the one every proxy talks through, and student modules importable as proxies.

    `files` are the student's file paths (packages and submodules are found from them);
    without them every name is taken as a plain module.
    """
    global _client
    _client = client
    finder = StudentFinder(client, names, files or [n + '.py' for n in names])
    sys.meta_path.insert(0, finder)
    return finder
