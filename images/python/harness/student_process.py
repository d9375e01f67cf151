"""The student's side of the harness: everything here runs as `student` (uid 10002).

Nothing in this file is trusted by the rest of the harness. It exists so
that the student's code has a process of its own to run in, and it is
written to serve the tests well, not to defend anything: whatever it says is
validated by the test process (proxy_client.py and channel.py).

Started by the worker with `docker exec` as soon as the container runs
(in a warm container, long before there is a job), it connects to the
agent's socket (the only connection the agent accepts), waits there while
the job arrives, and is then told its mode:
  - split (the default): it becomes the *launcher*. The test process sends it
    `spawn`, and it forks a fresh *student process* (the proxy server below),
    passing back the process's channel and its stdout/stderr pipes;
    `stop` kills every student process and says how the last one ended;
  - in-process (opt-in): it runs the suite itself (test_process.py), with
    the student's code imported into the same interpreter.
"""
import builtins
import importlib
import io
import json
import os
import runpy
import select
import signal
import socket
import sys
import time
import traceback
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import channel  # noqa: E402
from channel import Codec, FrameReader, ProtocolError, capped, check_message, frame  # noqa: E402

SOCKET_PATH = '/run/grader/student.sock'
# How long to wait for the agent to bind its socket (it starts with the container, as this does).
CONNECT_WAIT_S = 15
# Overridable only so the harness's unit tests can run it outside a container.
WORKSPACE = os.environ.get('GRADER_WORKSPACE', '/workspace')
SUITE = os.environ.get('GRADER_SUITE', '/suite')
STUDENT_UID = 10002
CONTROL_MAX = 65536

# Dunder methods a handle of the test process may forward (see proxy_client.SPECIALS).
SPECIALS = (
    '__call__', '__len__', '__iter__', '__next__', '__reversed__', '__contains__', '__getitem__', '__setitem__',
    '__delitem__', '__bool__', '__hash__', '__enter__', '__exit__', '__lt__', '__le__', '__gt__', '__ge__',
    '__eq__', '__ne__', '__repr__', '__str__', '__format__',
    '__neg__', '__pos__', '__abs__', '__invert__', '__int__', '__float__', '__complex__', '__index__',
    '__round__', '__trunc__', '__floor__', '__ceil__',
) + tuple('__%s%s__' % (p, n) for n in (
    'add', 'sub', 'mul', 'matmul', 'truediv', 'floordiv', 'mod', 'divmod', 'pow', 'lshift', 'rshift', 'and', 'xor', 'or',
) for p in ('', 'r', 'i'))
ALLOWED_EXCEPTIONS = {name for name, v in vars(builtins).items()
                      if isinstance(v, type) and issubclass(v, BaseException)}

_type_name = type.__dict__['__name__'].__get__
_type_qualname = type.__dict__['__qualname__'].__get__
_type_mro = type.__dict__['__mro__'].__get__
_type_bases = type.__dict__['__bases__'].__get__


def student_modules():
    """Top-level module and package names among the student's files."""
    names = set()
    for entry in os.listdir(WORKSPACE):
        if entry.endswith('.py') and entry[:-3].isidentifier():
            names.add(entry[:-3])
        elif entry.isidentifier() and os.path.isdir(os.path.join(WORKSPACE, entry)):
            names.add(entry)
    return names


def type_specials(cls):
    found = []
    mro = _type_mro(cls)
    for name in SPECIALS:
        for klass in mro:
            if name in klass.__dict__:
                value = klass.__dict__[name]
                # object's own methods say NotImplemented or fall back: only overrides count,
                # but an object is hashable unless a class said otherwise.
                if value is not None and (klass is not object or name == '__hash__'):
                    found.append(name)
                break
    return found


def exception_base(cls):
    """The nearest builtin exception class in cls's MRO, by name."""
    for klass in _type_mro(cls):
        if klass.__module__ == 'builtins' and _type_name(klass) in ALLOWED_EXCEPTIONS:
            return _type_name(klass)
    return None


class Server:
    """The proxy server: holds the student's objects and does what the test process asks of them."""

    def __init__(self, sock):
        self.sock = sock
        self.reader = FrameReader()
        self.objects = {}
        self.ids = {}
        self.sent = set()
        self.paths = {}
        self.kproxies = {}
        self.kclasses = set()
        self.next_request = 1 << 40
        self.modules = student_modules()
        self.codec = Codec(self.foreign, self.local)

    # -- values
    def register(self, value):
        key = id(value)
        hid = self.ids.get(key)
        if hid is None:
            hid = len(self.objects) + 1
            self.objects[hid] = value
            self.ids[key] = hid
        return hid

    def foreign(self, value):
        t = type(value)
        if t in self.kclasses:
            return ['kr', object.__getattribute__(value, '_kid')]
        if BaseException in _type_mro(t):
            return ['x', self.exception(value)]
        hid = self.register(value)
        info = None
        if hid not in self.sent:
            info = self.info(value, hid)
            self.sent.add(hid)
        return ['h', hid, info]

    def path_of(self, value):
        t = type(value)
        if issubclass(t, type) or t is types.FunctionType:
            try:
                module = value.__module__
                qualname = _type_qualname(value) if issubclass(t, type) else value.__qualname__
            except Exception:  # noqa: BLE001
                return None
            if type(module) is not str or type(qualname) is not str or module.split('.')[0] not in self.modules:
                return None
            parts = qualname.split('.')
            if '<locals>' in parts or module not in sys.modules:
                return None
            target = sys.modules[module]
            try:
                for part in parts:
                    target = getattr(target, part)
            except Exception:  # noqa: BLE001
                return None
            if target is value:
                return [module] + parts
        return None

    def info(self, value, hid):
        t = type(value)
        path = self.paths.get(hid) or self.path_of(value)
        if issubclass(t, types.ModuleType):
            name = getattr(value, '__name__', '?')
            return {'k': 'module', 'n': str(name)[:200], 'p': [str(name)[:200]]}
        if issubclass(t, type):
            return {
                'k': 'class', 'n': _type_name(value)[:200], 'q': _type_qualname(value)[:200],
                'm': str(value.__dict__.get('__module__', '?'))[:200] if isinstance(value.__dict__.get('__module__'), str) else '?',
                'b': [self.encode_class(b) for b in _type_bases(value) if b.__module__ != 'builtins'],
                'x': exception_base(value) if BaseException in _type_mro(value) else None,
                'sp': type_specials(value), 'p': path,
            }
        return {'k': 'obj', 'c': self.encode_class(t), 'p': path}

    def encode_class(self, cls):
        return self.foreign(cls)

    def exception(self, exc):
        t = type(exc)
        try:
            text = str(exc)
        except Exception:  # noqa: BLE001
            text = '<unprintable %s>' % _type_name(t)
        try:
            args = [self.codec.encode(a) for a in BaseException.args.__get__(exc)]
        except Exception:  # noqa: BLE001
            args = [capped(text)]
        tb = ''
        if exc.__traceback__ is not None:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith('/opt/grader/')]
            tb = ''.join(traceback.format_list(frames[-8:]))
        kid = getattr(exc, '__grader_kid__', None)
        if type(kid) is int:
            # An exception of the tests', passing back through: named by its id, the same object there.
            return {'t': None, 'c': None, 'a': [], 's': '', 'tb': '', 'k': kid}
        builtin = t.__module__ == 'builtins' and _type_name(t) in ALLOWED_EXCEPTIONS
        return {
            't': _type_name(t) if builtin else exception_base(t),
            'c': None if builtin else self.encode_class(t),
            'a': args, 's': capped(text), 'tb': capped(tb),
        }

    def local(self, tag, items, depth):
        if tag == 'r' and len(items) == 1 and items[0] in self.objects:
            return self.objects[items[0]]
        if tag == 'k' and len(items) == 2:
            return self.kproxy(items[0], items[1])
        if tag == 'x' and len(items) == 1 and type(items[0]) is dict:
            return self.make_exception(items[0])
        raise ProtocolError('unknown value %s' % tag)

    def make_exception(self, data):
        cls = getattr(builtins, data.get('t') or '', None)
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            cls = RuntimeError
        args = [self.codec.decode(a) for a in data.get('a', [])]
        try:
            exc = cls(*args)
        except Exception:  # noqa: BLE001
            exc = cls(data.get('s', ''))
        if type(data.get('k')) is int:
            exc.__grader_kid__ = data['k']
        return exc

    def kproxy(self, kid, info):
        proxy = self.kproxies.get(kid)
        if proxy is not None:
            return proxy
        server = self
        names = set(info.get('sp', [])) if type(info) is dict else set()
        ns = {'__slots__': ('_kid',), '__module__': 'tests'}

        def getattr_(self, name):
            return server.request('getattr', h=object.__getattribute__(self, '_kid'), name=name)
        ns['__getattr__'] = getattr_
        for name in names & set(SPECIALS):
            ns[name] = _forwarder(server, name)
        if '__hash__' not in names:
            ns['__hash__'] = None
        ns.setdefault('__repr__', _forwarder(server, '__repr__'))
        cls = type(str(info.get('n', 'object'))[:200] if type(info) is dict else 'object', (), ns)
        self.kclasses.add(cls)
        proxy = object.__new__(cls)
        object.__setattr__(proxy, '_kid', kid)
        self.kproxies[kid] = proxy
        return proxy

    # -- the channel
    def send(self, message):
        flush_output()
        self.sock.sendall(frame(message))

    def receive(self):
        while True:
            message = self.reader.next()
            if message is not None:
                return message
            if not self.reader.fill(self.sock):
                os._exit(0)

    def request(self, op, refs=None, **fields):
        """Asks the test process for something (a callback, input) and waits for its answer."""
        self.next_request += 1
        mid = self.next_request
        self.send(dict(fields, id=mid, op=op))
        while True:
            message = self.receive()
            kind, ref = check_message(message, STUDENT_OPS)
            if kind == 'request':
                self.handle(message)
                continue
            if ref != mid:
                raise ProtocolError('a reply out of turn')
            if refs is not None and message.get('sync'):
                self.codec.apply_sync(message['sync'], refs)
            if 'err' in message:
                raise self.make_exception(message['err'] if type(message['err']) is dict else {})
            return self.codec.decode(message['ok'])

    def serve_forever(self):
        while True:
            message = self.receive()
            check_message(message, STUDENT_OPS)
            self.handle(message)

    def handle(self, message):
        op, mid = message['op'], message['id']
        refs = []
        before = None
        try:
            if op in ('call', 'special', 'setattr'):
                if op == 'call':
                    args = [self.codec.decode(a, refs) for a in message['a']]
                    kwargs = {}
                    for pair in message['kw']:
                        kwargs[pair[0]] = self.codec.decode(pair[1], refs)
                elif op == 'special':
                    args = [self.codec.decode(a, refs) for a in message['a']]
                else:
                    args = [self.codec.decode(message['v'], refs)]
                before = [self.codec.shallow(c, refs) for c in refs]
            target = self.objects.get(message['h']) if 'h' in message else None
            if 'h' in message and message['h'] not in self.objects:
                raise RuntimeError('an object of an earlier process was used')
            if op == 'import':
                result = self.do_import(message['name'])
            elif op == 'resolve':
                result = self.resolve(message['path'])
            elif op == 'getattr':
                result = getattr(target, message['name'])
                self.note_path(message['h'], message['name'], result)
            elif op == 'setattr':
                setattr(target, message['name'], args[0])
                result = None
            elif op == 'delattr':
                delattr(target, message['name'])
                result = None
            elif op == 'call':
                result = target(*args, **kwargs)
            elif op == 'special':
                name = message['name']
                if name not in SPECIALS:
                    raise TypeError('not an operation: %s' % name)
                result = getattr(type(target), name)(target, *args)
            elif op == 'dir':
                result = [n for n in dir(target) if type(n) is str][:10000]
            elif op == 'run_path':
                init = self.codec.decode(message['g'])
                result = runpy.run_path(workspace_path(message['path']), init_globals=init or None,
                                        run_name=message['run_name'] or '<run_path>')
            else:
                raise TypeError('unknown operation %s' % op)
            reply = {'re': mid, 'ok': self.codec.encode(result)}
        except SystemExit as exc:
            # Python would end here: so does this process, and the test process says why.
            exit_now(exc.code)
        except BaseException as exc:  # noqa: BLE001 - every other outcome is the student's, sent as it is
            reply = {'re': mid, 'err': self.exception(exc)}
        if before is not None:
            sync = []
            for n, c in enumerate(refs):
                try:
                    after = self.codec.shallow(c, refs)
                except Exception:  # noqa: BLE001
                    continue
                if after != before[n]:
                    sync.append([n, after])
            if sync:
                reply['sync'] = sync
        try:
            self.send(reply)
        except ValueError as exc:  # the value is too large to cross
            self.send({'re': mid, 'err': self.exception(exc)})

    def note_path(self, parent, name, value):
        path = self.paths.get(parent)
        if path is None and type(self.objects.get(parent)) is types.ModuleType:
            path = [self.objects[parent].__name__]
        if path is None or type(value) in channel.SCALARS:
            return
        hid = self.ids.get(id(value))
        if hid is None:
            hid = self.register(value)
        self.paths.setdefault(hid, path + [name])

    def do_import(self, name):
        if name.split('.')[0] not in self.modules:
            raise ImportError('No module named %r among your files' % name)
        module = importlib.import_module(name)
        hid = self.register(module)
        self.paths.setdefault(hid, [name])
        return module

    def resolve(self, path):
        target = self.do_import(path[0])
        for part in path[1:]:
            parent = self.ids[id(target)] if id(target) in self.ids else self.register(target)
            target = getattr(target, part)
            self.note_path(parent, part, target)
        return target


STUDENT_OPS = ('import', 'resolve', 'getattr', 'setattr', 'delattr', 'call', 'special', 'dir', 'run_path')


def _forwarder(server, name):
    """A dunder of a test-process object, done by the test process."""
    if name == '__call__':
        def forward(self, *args, **kwargs):
            refs = []
            return server.request('call', refs, h=object.__getattribute__(self, '_kid'),
                                  a=[server.codec.encode(a, refs) for a in args],
                                  kw=[[k, server.codec.encode(v, refs)] for k, v in kwargs.items()])
    else:
        def forward(self, *args):
            refs = []
            return server.request('special', refs, h=object.__getattribute__(self, '_kid'), name=name,
                                  a=[server.codec.encode(a, refs) for a in args])
    forward.__name__ = name
    return forward


def workspace_path(path):
    if path.startswith(SUITE + '/'):
        path = WORKSPACE + path[len(SUITE):]
    return os.path.join(WORKSPACE, path)


def flush_output():
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a stream the student replaced or closed
            pass


def exit_now(code):
    if code is None:
        status = 0
    elif type(code) is int:
        status = code & 0xFF
    else:
        try:
            print(code, file=sys.stderr)
        except Exception:  # noqa: BLE001
            pass
        status = 1
    flush_output()
    os._exit(status)


class TestStdin(io.TextIOBase):
    """sys.stdin of the student's code: reads what the test process's sys.stdin holds now."""

    def __init__(self, server):
        self._server = server

    def readable(self):
        return True

    def read(self, size=-1):
        return self._server.request('stdin', how='read', size=-1 if size is None else int(size))

    def readline(self, size=-1):
        return self._server.request('stdin', how='readline', size=-1 if size is None else int(size))


def set_oom_score(value):
    try:
        with open('/proc/self/oom_score_adj', 'w') as f:
            f.write(str(value))
    except OSError:
        pass


def run_student(sock, out_fd, err_fd):
    """Body of one student process: stdout/stderr to the test process's pipes, then serve."""
    set_oom_score(1000)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    for fd in (out_fd, err_fd, devnull):
        if fd > 2:
            os.close(fd)
    sys.stdout = open(1, 'w', encoding='utf-8', errors='backslashreplace', buffering=1, closefd=False)
    sys.stderr = open(2, 'w', encoding='utf-8', errors='backslashreplace', buffering=1, closefd=False)
    sys.__stdout__, sys.__stderr__ = sys.stdout, sys.stderr
    os.chdir(WORKSPACE)
    sys.path.insert(0, WORKSPACE)
    sys.argv = ['']
    server = Server(sock)

    def student_input(prompt=''):
        return server.request('input', prompt=server.codec.encode(prompt))
    builtins.input = student_input
    sys.stdin = TestStdin(server)
    server.serve_forever()


# ---------------------------------------------------------------- the launcher

def launcher(control):
    """Forks student processes on request. The control socket is SOCK_SEQPACKET: one message per packet."""
    child = None
    programs = Programs()
    while True:
        readable = programs.wait([control])
        if control not in readable:
            continue
        try:
            data = control.recv(CONTROL_MAX)
        except OSError:
            os._exit(0)
        if not data:
            kill_all(child)
            os._exit(0)
        try:
            request = json.loads(data)
            op = request.get('op')
        except (ValueError, AttributeError):
            continue
        if op == 'spawn':
            if child is not None:
                stop_child(child, 0)
            parent_chan, child_chan = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            out_r, out_w = os.pipe()
            err_r, err_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                try:
                    os.setpgid(0, 0)
                    control.close()
                    parent_chan.close()
                    os.close(out_r)
                    os.close(err_r)
                    run_student(child_chan, out_w, err_w)
                finally:
                    os._exit(70)
            child = pid
            child_chan.close()
            os.close(out_w)
            os.close(err_w)
            socket.send_fds(control, [json.dumps({'ok': True, 'pid': pid}).encode()], [parent_chan.fileno(), out_r, err_r])
            parent_chan.close()
            os.close(out_r)
            os.close(err_r)
        elif op == 'listen' and type(request.get('name')) is str:
            programs.listen(request['name'])
        elif op == 'stop':
            status = stop_child(child, request.get('graceMs', 0)) if child is not None else (None, None)
            child = None
            control.send(json.dumps({'ok': True, 'exit': status[0], 'signal': status[1]}).encode())


class Programs:
    """Runs the student's files as programs for the tests (see bin/python3), as this uid."""

    def __init__(self):
        self.listener = None
        self.running = {}

    def listen(self, name):
        if self.listener is None:
            self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.listener.bind('\0' + name[:100])
            self.listener.listen(8)

    def wait(self, fds):
        """Waits for `fds`, serving program requests and reporting programs that ended meanwhile."""
        while True:
            watched = list(fds) + ([self.listener] if self.listener else [])
            readable, _, _ = select.select(watched, [], [], 0.05 if self.running else None)
            self.reap()
            if self.listener in readable:
                self.start()
            ready = [f for f in readable if f in fds]
            if ready:
                return ready

    def start(self):
        conn, _ = self.listener.accept()
        try:
            data, fds, _, _ = socket.recv_fds(conn, 65536, 3)
            request = json.loads(data)
            argv = [a for a in request['argv'] if type(a) is str]
        except (OSError, ValueError, KeyError, TypeError):
            conn.close()
            return
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            conn.close()
            return
        pid = os.fork()
        if pid == 0:
            try:
                for target, fd in enumerate(fds):
                    os.dup2(fd, target)
                os.chdir(WORKSPACE)
                args = [workspace_path(a) if a.startswith(SUITE + '/') else a for a in argv]
                os.execv('/usr/bin/python3', ['python3'] + args)
            finally:
                os._exit(127)
        for fd in fds:
            os.close(fd)
        self.running[pid] = conn

    def reap(self):
        for pid in list(self.running):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if not done:
                continue
            conn = self.running.pop(pid)
            reply = {'signal': os.WTERMSIG(status)} if os.WIFSIGNALED(status) else {'exit': os.WEXITSTATUS(status)}
            try:
                conn.send(json.dumps(reply).encode())
            except OSError:
                pass
            conn.close()


def stop_child(pid, grace_ms):
    """Waits up to grace_ms for the student process to end by itself, then kills every student process."""
    deadline = time.monotonic() + (grace_ms or 0) / 1000
    status = None
    while True:
        try:
            done, raw = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            break
        if done:
            status = raw
            break
        if time.monotonic() >= deadline:
            break
        time.sleep(0.005)
    kill_all(pid)
    if status is None:
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return None, None
    if os.WIFSIGNALED(status):
        return None, os.WTERMSIG(status)
    return os.WEXITSTATUS(status), None


def kill_all(child=None):
    # kill(-1) reaches every process of this uid but the caller: the student
    # process, whatever it forked, and anything that left its process group.
    # Only ever as the student's uid: anywhere else (a unit test) it would
    # reach far more, so there only the child's process group goes.
    try:
        if os.getuid() == STUDENT_UID:
            os.kill(-1, signal.SIGKILL)
        elif child is not None:
            os.killpg(child, signal.SIGKILL)
    except OSError:
        pass
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def connect_to_agent():
    """Connects to the agent's socket, waiting while the agent starts up and binds it.

    The worker starts this process right after the container starts, so the
    socket may not exist for a few tens of milliseconds.
    """
    deadline = time.monotonic() + CONNECT_WAIT_S
    while True:
        control = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            control.connect(SOCKET_PATH)
            return control
        except (FileNotFoundError, ConnectionRefusedError):
            control.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def main():
    # The OOM killer's choices: a student process first (1000, set after the fork), then this
    # launcher, never the test process or the agent (0, which this uid cannot lower).
    set_oom_score(500)
    if len(sys.argv) == 3 and sys.argv[1] == '--control-fd':
        # The harness's unit tests: a launcher on a socket they made.
        launcher(socket.socket(fileno=int(sys.argv[2])))
        return
    control = connect_to_agent()
    config = json.loads(control.recv(CONTROL_MAX))
    if config.get('mode') == 'in-process':
        import test_process
        test_process.main_in_process(control, config)
        return
    launcher(control)


if __name__ == '__main__':
    main()
