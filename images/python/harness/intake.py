"""The job, as the agent takes it in: read, validate, write, check.

Runs in the agent (uid 10001) before any student code exists as a process.
Every problem found here is named: a bad job is a fault of ours (the worker
sent it), while what is wrong with the student's files is the student's
verdict (`syntax`, `runtime`), never an internal error.
"""
import json
import os

import grader_strict
import schema

WORKSPACE = '/workspace'
SUITE = '/suite'
MAX_JOB_BYTES = 8 * 1024 * 1024
# Student files that would change how pytest itself behaves if they sat beside the tests.
RESERVED_NAMES = {'conftest.py', 'pytest.ini', 'pyproject.toml', 'tox.ini', 'setup.cfg'}


class BadJob(Exception):
    """The worker's job does not match the protocol: ours to fix."""


class StudentProblem(Exception):
    """Something wrong with the student's files, found before any of their code runs."""

    def __init__(self, verdict, message):
        super().__init__(message)
        self.verdict = verdict
        self.message = message


def read_job(stream):
    line = stream.readline(MAX_JOB_BYTES + 1)
    if len(line) > MAX_JOB_BYTES or not line.endswith(b'\n'):
        raise BadJob('job missing or larger than %d bytes' % MAX_JOB_BYTES)
    try:
        job = json.loads(line)
        return schema.check('job', job)
    except (ValueError, RecursionError) as err:
        raise BadJob(str(err)[:300]) from None


def show(path):
    """A path as it can be printed, whatever it holds."""
    return json.dumps(path)[1:-1]


def safe_parts(path):
    parts = path.split('/')
    if path.startswith('/') or any(p in ('', '.', '..') for p in parts) or '\0' in path or '\\' in path:
        raise StudentProblem('runtime', 'The file name "%s" is not allowed.' % show(path))
    return parts


def encodable(path, content, whose):
    for text, what in ((path, 'name'), (content, 'content')):
        try:
            text.encode('utf-8')
        except UnicodeEncodeError:
            raise StudentProblem('syntax', '%s "%s" has a %s that is not valid Unicode text (a lone surrogate).'
                                 % (whose, show(path), what)) from None


def write_tree(root, files, mode=0o644):
    for path, content in files.items():
        parts = safe_parts(path)
        current = root
        for part in parts[:-1]:
            current = os.path.join(current, part)
            if not os.path.isdir(current):
                os.mkdir(current, 0o755)
        # O_EXCL | O_NOFOLLOW: never write through anything already there.
        fd = os.open(os.path.join(root, path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(content)


def is_test_file(path):
    name = path.rsplit('/', 1)[-1]
    return name.endswith('.py') and (name.startswith('test_') or name.endswith('_test.py'))


def syntax_message(path, err, whose):
    where = 'line %s' % err.lineno if err.lineno else 'an unknown line'
    text = (err.text or '').rstrip('\n')
    pointer = ''
    if text and err.offset:
        pointer = '\n    ' + text[:300] + '\n    ' + ' ' * min(max(err.offset - 1, 0), 300) + '^'
    return '%s has a syntax error on %s: %s%s' % (whose % show(path), where, str(err.msg)[:300], pointer)


# Address space a compile may use: a 1 MB file can need hundreds of MB to compile, which
# must end as that file's problem, not as this process killed by the OOM killer.
COMPILE_MEMORY_BYTES = 192 * 1024 * 1024


def compile_problem(path, source):
    """Why `source` does not compile, or None. Anything compile() can raise is the file's problem."""
    try:
        compile(source, path, 'exec', dont_inherit=True)
        return None
    except SyntaxError as err:
        return err
    except (RecursionError, MemoryError, OverflowError):
        return ValueError('it is nested too deeply or is too large to compile')
    except Exception as err:  # noqa: BLE001 - ValueError for NUL bytes and the like
        return ValueError(str(err)[:300])


def compile_problem_bounded(path, source, memory_bytes=COMPILE_MEMORY_BYTES):
    """compile_problem in a child process with bounded memory: a file too big to compile is a
    syntax verdict, and this process stays well. Returns (kind, message) or None."""
    import resource
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
            err = compile_problem(path, source)
            if isinstance(err, SyntaxError):
                out = {'kind': 'syntax', 'msg': str(err.msg)[:300], 'lineno': err.lineno, 'offset': err.offset, 'text': (err.text or '')[:300]}
            elif err is not None:
                out = {'kind': 'other', 'message': str(err)[:300]}
            else:
                out = None
            os.write(write, json.dumps(out).encode())
        finally:
            os._exit(0)
    os.close(write)
    chunks = []
    while True:
        data = os.read(read, 65536)
        if not data:
            break
        chunks.append(data)
    os.close(read)
    os.waitpid(pid, 0)
    try:
        out = json.loads(b''.join(chunks))
    except ValueError:
        return ValueError('it is too large to compile')
    if out is None:
        return None
    if out['kind'] == 'syntax':
        err = SyntaxError(out['msg'])
        err.lineno, err.offset, err.text = out['lineno'], out['offset'], out['text']
        return err
    return ValueError(out['message'])


def check_syntax(files, tests, memory_bytes=COMPILE_MEMORY_BYTES):
    for path, source in files.items():
        if path.endswith('.py'):
            err = compile_problem_bounded(path, source, memory_bytes)
            if isinstance(err, SyntaxError):
                raise StudentProblem('syntax', syntax_message(path, err, 'Your file %s'))
            if err is not None:
                raise StudentProblem('syntax', 'Your file %s cannot be read as Python: %s' % (show(path), err))
    for path, source in tests.items():
        if path.endswith('.py') and compile_problem(path, source) is not None:
            raise StudentProblem('syntax', 'The test file %s of this challenge does not parse; this is not a problem with your code.' % show(path))


def take(job):
    """Writes the job's files where they belong; raises StudentProblem or BadJob."""
    files, tests = job['files'], job['tests']
    for path, content in files.items():
        encodable(path, content, 'Your file')
        if path.rsplit('/', 1)[-1] in RESERVED_NAMES:
            raise StudentProblem('runtime', 'Your files may not include %s: that name is reserved for the challenge.' % show(path))
        safe_parts(path)
    for path, content in tests.items():
        encodable(path, content, 'The test file')
    # Half the run's memory, at least enough for the interpreter itself to start compiling.
    check_syntax(files, tests, min(512, max(128, int(job['memoryMb'] / 2))) * 1024 * 1024)
    written = dict(tests)
    if job['strict']:
        for path in written:
            if is_test_file(path):
                written[path] = grader_strict.rewrite(written[path])
    in_process = job['isolation'] == 'in-process'
    if not in_process:
        # The suite's folder must be the test process's alone, whatever the image or runtime made it.
        os.chmod(SUITE, 0o700)
        if os.stat(SUITE).st_mode & 0o077:
            raise BadJob('%s is open to other users' % SUITE)
    try:
        # Split mode: the suite goes where only the grader's uid can read it.
        write_tree(WORKSPACE if in_process else SUITE, written)
        write_tree(WORKSPACE, files)
    except FileExistsError as err:
        raise StudentProblem('runtime', 'Your file %s has the name of a file of the challenge.' % show(err.filename or '')) from None
    except OSError as err:
        raise BadJob('cannot write the files: %s' % err) from None
    return {
        'hasConftest': any(p.rsplit('/', 1)[-1] == 'conftest.py' for p in tests),
        # The author's text of rewritten files: what a student is shown as a test's code.
        'originals': {p: tests[p] for p in tests if written[p] != tests[p]},
    }
