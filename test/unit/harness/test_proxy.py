"""The student's code through proxies: a real launcher and student process, a real Client, no Docker.

`import solution` here gives a proxy (proxy_client.StudentFinder); everything
it does happens in the student process started by student_process.py, as in
a grading container's split mode. Each test checks one thing a test suite
written for in-process imports relies on.
"""
import contextlib
import importlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
from unittest import mock

from harness_support import StudentSide

import proxy_client

SOLUTION = textwrap.dedent('''
    import sys


    def add(a, b=0, *, scale=1):
        return (a + b) * scale


    class Point:
        def __init__(self, x, y):
            self.x = x
            self.y = y

        def __eq__(self, other):
            return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)

        def __hash__(self):
            return hash((self.x, self.y))

        def __repr__(self):
            return 'Point(%r, %r)' % (self.x, self.y)

        def __str__(self):
            return '(%s, %s)' % (self.x, self.y)

        def __add__(self, other):
            if isinstance(other, Point):
                return Point(self.x + other.x, self.y + other.y)
            if isinstance(other, int):
                return Point(self.x + other, self.y + other)
            return NotImplemented

        __radd__ = __add__

        def __sub__(self, other):
            return Point(self.x - other.x, self.y - other.y)

        def __mul__(self, k):
            return Point(self.x * k, self.y * k)

        __rmul__ = __mul__

        def __neg__(self):
            return Point(-self.x, -self.y)

        def manhattan(self):
            return abs(self.x) + abs(self.y)


    class Bag:
        def __init__(self, *items):
            self.items = list(items)

        def __len__(self):
            return len(self.items)

        def __iter__(self):
            return iter(self.items)

        def __contains__(self, item):
            return item in self.items

        def __getitem__(self, i):
            return self.items[i]

        def __setitem__(self, i, value):
            self.items[i] = value


    class Unhashable:
        def __eq__(self, other):
            return True


    class Resource:
        def __init__(self):
            self.log = []

        def __enter__(self):
            self.log.append('enter')
            return self

        def __exit__(self, exc_type, exc, tb):
            self.log.append('exit %s' % (exc_type.__name__ if exc_type else None))
            return False


    class Animal:
        sound = '...'

        def speak(self):
            return self.sound


    class Dog(Animal):
        sound = 'woof'


    SINGLETON = Point(0, 0)


    def singleton():
        return SINGLETON


    def count_up(n):
        yield from range(n)


    class MyError(ValueError):
        pass


    class OtherError(Exception):
        pass


    def raise_value_error():
        raise ValueError('x')


    def raise_key_error():
        raise KeyError('missing')


    def raise_my_error():
        raise MyError('mine', 7)


    def raise_other_error():
        raise OtherError('other')


    def call(callback, *args, **kwargs):
        return callback(*args, **kwargs)


    def mutate(lst, dct, st):
        lst.append(4)
        lst[0] = 'first'
        dct['new'] = 1
        del dct['old']
        st.add(9)
        st.discard(1)


    def mutate_nested(outer):
        outer[0].append('inner')
        outer.append([])


    def shout(text):
        print(text.upper())
        print('to stderr', file=sys.stderr)
        return len(text)


    def greet():
        return 'hello ' + input('name? ')


    def read_line():
        return sys.stdin.readline()


    def helper():
        return 'real'


    def use_helper():
        return helper()


    def echo(value):
        return value


    def factorial(n):
        import math
        return math.factorial(n)


    current = Point(0, 0)


    def replace_current():
        global current
        current = Point(5, 5)
''')


class ProxySemanticsTest(unittest.TestCase):
    """One student process for the class: each test uses objects of its own."""

    @classmethod
    def setUpClass(cls):
        cls.side = StudentSide({'solution.py': SOLUTION})
        cls.side.__enter__()
        cls.m = importlib.import_module('solution')

    @classmethod
    def tearDownClass(cls):
        cls.side.close()

    def setUp(self):
        del self.side.events[:]
        self.side.client.begin(self.id())

    def tearDown(self):
        self.side.client.end(self.id())
        self.assertEqual(self.side.faults(), [], 'the student process failed')

    def test_the_module_is_a_proxy_not_an_import(self):
        self.assertIsInstance(self.m, proxy_client.ModuleProxy)
        self.assertIn('your code', repr(self.m))

    def test_a_function_call_passes_args_and_kwargs(self):
        self.assertEqual(self.m.add(2, 3), 5)
        self.assertEqual(self.m.add(2, b=5, scale=10), 70)
        self.assertEqual(self.m.add('a', 'b'), 'ab')

    def test_from_import_gives_functions_and_classes(self):
        from solution import Point, add
        self.assertEqual(add(1, 1), 2)
        self.assertEqual(Point(1, 2).x, 1)

    def test_an_attribute_of_an_instance_can_be_read_and_set(self):
        p = self.m.Point(1, 2)
        self.assertEqual((p.x, p.y), (1, 2))
        p.x = 5
        p.label = 'new'
        self.assertEqual(p.x, 5)
        self.assertEqual(p.label, 'new')
        self.assertEqual(p.manhattan(), 7)

    def test_a_missing_attribute_raises_attribute_error(self):
        with self.assertRaises(AttributeError):
            self.m.Point(1, 2).nope
        self.assertFalse(hasattr(self.m, 'no_such_function'))

    def test_equality_repr_and_str_are_the_students(self):
        p = self.m.Point(1, 2)
        self.assertEqual(p, self.m.Point(1, 2))
        self.assertNotEqual(p, self.m.Point(2, 1))
        self.assertNotEqual(p, (1, 2))
        self.assertEqual(repr(p), 'Point(1, 2)')
        self.assertEqual(str(p), '(1, 2)')
        self.assertEqual(f'{p}', '(1, 2)')

    def test_hash_makes_instances_usable_in_sets_and_as_keys(self):
        p, q = self.m.Point(1, 2), self.m.Point(1, 2)
        self.assertEqual(hash(p), hash(q))
        self.assertEqual(len({p, q, self.m.Point(3, 4)}), 2)
        self.assertEqual({p: 'a'}[q], 'a')

    def test_a_class_with_eq_and_no_hash_is_unhashable(self):
        with self.assertRaises(TypeError):
            hash(self.m.Unhashable())

    def test_len_iteration_in_and_item_access_are_the_students(self):
        bag = self.m.Bag('a', 'b', 'c')
        self.assertEqual(len(bag), 3)
        self.assertEqual(list(bag), ['a', 'b', 'c'])
        self.assertIn('b', bag)
        self.assertNotIn('z', bag)
        self.assertEqual(bag[1], 'b')
        bag[1] = 'B'
        self.assertEqual(bag[1], 'B')
        with self.assertRaises(IndexError):
            bag[10]

    def test_arithmetic_and_reflected_arithmetic_are_the_students(self):
        p = self.m.Point(1, 2)
        self.assertEqual(p + self.m.Point(10, 20), self.m.Point(11, 22))
        self.assertEqual(p + 1, self.m.Point(2, 3))
        self.assertEqual(1 + p, self.m.Point(2, 3))
        self.assertEqual(p * 3, self.m.Point(3, 6))
        self.assertEqual(3 * p, self.m.Point(3, 6))
        self.assertEqual(p - p, self.m.Point(0, 0))
        self.assertEqual(-p, self.m.Point(-1, -2))
        with self.assertRaises(TypeError):
            p + 'text'

    def test_an_instance_works_as_a_context_manager(self):
        r = self.m.Resource()
        with r as entered:
            self.assertIs(entered, r)
        with self.assertRaises(ValueError):
            with r:
                raise ValueError('inside')
        self.assertEqual(r.log, ['enter', 'exit None', 'enter', 'exit ValueError'])

    def test_the_same_remote_object_is_the_same_proxy(self):
        self.assertIs(self.m.singleton(), self.m.singleton())
        self.assertIs(self.m.SINGLETON, self.m.singleton())
        p = self.m.Point(1, 1)
        self.assertIs(self.m.echo(p), p)
        self.assertIsNot(self.m.Point(1, 1), self.m.Point(1, 1))

    def test_a_big_int_result_crosses_by_value(self):
        self.assertEqual(self.m.factorial(30), 265252859812191058636308480000000)
        self.assertEqual(self.m.factorial(2000), math.factorial(2000))

    def test_a_module_global_the_student_rebinds_reads_as_the_new_object_not_the_old_proxy(self):
        before = self.m.current
        self.m.replace_current()
        after = self.m.current
        self.assertIsNot(after, before)
        self.assertEqual((before.x, after.x), (0, 5))

    def test_isinstance_and_issubclass_follow_the_students_classes(self):
        dog, animal = self.m.Dog(), self.m.Animal()
        self.assertIsInstance(dog, self.m.Dog)
        self.assertIsInstance(dog, self.m.Animal)
        self.assertNotIsInstance(animal, self.m.Dog)
        self.assertTrue(issubclass(self.m.Dog, self.m.Animal))
        self.assertFalse(issubclass(self.m.Animal, self.m.Dog))
        self.assertIs(type(dog), self.m.Dog)
        self.assertEqual(self.m.Dog.__name__, 'Dog')
        self.assertEqual(dog.speak(), 'woof')
        self.assertEqual(self.m.Dog.sound, 'woof')

    def test_a_generator_can_be_listed(self):
        self.assertEqual(list(self.m.count_up(4)), [0, 1, 2, 3])
        gen = self.m.count_up(2)
        self.assertEqual(next(gen), 0)
        self.assertEqual(next(gen), 1)
        with self.assertRaises(StopIteration):
            next(gen)

    def test_a_builtin_exception_arrives_with_its_type_and_args(self):
        with self.assertRaises(ValueError) as cm:
            self.m.raise_value_error()
        self.assertIs(type(cm.exception), ValueError)
        self.assertEqual(cm.exception.args[0], 'x')
        self.assertEqual(str(cm.exception), 'x')
        with self.assertRaises(KeyError) as cm:
            self.m.raise_key_error()
        self.assertEqual(cm.exception.args, ('missing',))

    def test_a_student_exception_class_is_mirrored_with_its_name_and_builtin_base(self):
        self.assertTrue(issubclass(self.m.MyError, ValueError))
        self.assertEqual(self.m.MyError.__name__, 'MyError')
        with self.assertRaises(self.m.MyError) as cm:
            self.m.raise_my_error()
        self.assertIsInstance(cm.exception, ValueError)
        self.assertEqual(cm.exception.args, ('mine', 7))
        try:
            self.m.raise_my_error()
        except self.m.MyError as err:
            self.assertIs(type(err), self.m.MyError)
        self.assertTrue(issubclass(self.m.OtherError, Exception))
        self.assertFalse(issubclass(self.m.OtherError, ValueError))
        with self.assertRaises(self.m.OtherError):
            self.m.raise_other_error()

    def test_a_callback_passed_in_is_called_back(self):
        self.assertEqual(self.m.call(lambda x, y=0: x * 10 + y, 4, y=2), 42)
        seen = []
        self.m.call(seen.append, 'from student')
        self.assertEqual(seen, ['from student'])

    def test_an_exception_in_a_callback_reaches_the_student_and_comes_back(self):
        def fail():
            raise KeyError('from test')
        with self.assertRaises(KeyError) as cm:
            self.m.call(fail)
        self.assertEqual(cm.exception.args, ('from test',))

    def test_recursion_through_a_callback_is_a_recursion_error_not_a_crash(self):
        def bounce(n):
            return self.m.call(bounce, n + 1)
        with self.assertRaises(RecursionError):
            self.m.call(bounce, 0)
        self.assertEqual(self.m.add(1, 2), 3)

    def test_a_list_dict_and_set_passed_in_are_changed_in_place(self):
        lst, dct, st = [1, 2, 3], {'old': 0}, {1, 2}
        self.m.mutate(lst, dct, st)
        self.assertEqual(lst, ['first', 2, 3, 4])
        self.assertEqual(dct, {'new': 1})
        self.assertEqual(st, {2, 9})

    def test_a_nested_list_passed_in_is_changed_in_place(self):
        inner = [1]
        outer = [inner]
        self.m.mutate_nested(outer)
        self.assertEqual(outer, [[1, 'inner'], []])
        self.assertIs(outer[0], inner)

    def test_printed_output_reaches_sys_stdout_during_the_call(self):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            self.assertEqual(self.m.shout('hi'), 2)
        self.assertEqual(out.getvalue(), 'HI\n')
        self.assertEqual(err.getvalue(), 'to stderr\n')

    def test_printed_output_is_kept_for_the_running_test(self):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            self.m.shout('kept')
        self.assertIn('KEPT\n', self.side.client.end(self.id()))
        self.side.client.begin(self.id())

    def test_input_reads_what_the_tests_builtins_input_returns(self):
        with mock.patch('builtins.input', return_value='Ada') as fake:
            self.assertEqual(self.m.greet(), 'hello Ada')
        fake.assert_called_once_with('name? ')

    def test_sys_stdin_reads_what_the_tests_sys_stdin_holds(self):
        with mock.patch('sys.stdin', io.StringIO('first line\nsecond\n')):
            self.assertEqual(self.m.read_line(), 'first line\n')
            self.assertEqual(self.m.read_line(), 'second\n')

    def test_patching_a_module_attribute_is_seen_by_the_students_code(self):
        self.assertEqual(self.m.use_helper(), 'real')
        with mock.patch('solution.helper', lambda: 'patched'):
            self.assertEqual(self.m.use_helper(), 'patched')
        self.assertEqual(self.m.use_helper(), 'real')
        with mock.patch.object(self.m, 'helper', return_value='mocked') as fake:
            self.assertEqual(self.m.use_helper(), 'mocked')
        fake.assert_called_once_with()
        self.assertEqual(self.m.use_helper(), 'real')


class PackageTest(unittest.TestCase):
    def test_a_submodule_of_a_student_package_imports_as_a_proxy(self):
        files = {'shapes/__init__.py': 'NAME = "shapes"\n', 'shapes/square.py': 'def area(side):\n    return side * side\n'}
        with StudentSide(files):
            import shapes.square
            from shapes.square import area
            self.assertEqual(shapes.NAME, 'shapes')
            self.assertEqual(shapes.square.area(3), 9)
            self.assertEqual(area(4), 16)
            with self.assertRaises(ImportError):
                importlib.import_module('shapes.circle')


class TooLargeToSendTest(unittest.TestCase):
    """Arguments the test side refuses to send (channel.MAX_FRAME_BYTES made small here): a fresh client each."""

    def setUp(self):
        self.side = StudentSide({'solution.py': SOLUTION})
        self.side.__enter__()
        self.addCleanup(self.side.close)
        self.m = importlib.import_module('solution')

    def test_a_value_too_large_to_send_is_a_value_error_and_nothing_breaks(self):
        with mock.patch('channel.MAX_FRAME_BYTES', 1000):
            with self.assertRaises(ValueError):
                self.m.echo('x' * 2000)
        self.assertEqual(self.m.echo('small'), 'small')

    def test_arguments_too_large_to_send_leave_no_call_nesting_behind(self):
        # Each refused request must not count as a call still in progress (MAX_NESTING).
        with mock.patch('channel.MAX_FRAME_BYTES', 1000), mock.patch.object(proxy_client, 'MAX_NESTING', 3):
            for _ in range(3):
                with self.assertRaises(ValueError):
                    self.m.echo('x' * 2000)
            self.assertEqual(self.m.add(1, 2), 3)


HOSTILE = textwrap.dedent('''
    import gc
    import json
    import os
    import socket
    import struct
    import sys
    import time


    def ok():
        return 'fine'


    def make_point():
        return Point()


    class Point:
        pass


    def exit_now(status):
        os._exit(status)


    def hang():
        while True:
            pass


    def huge():
        return 'x' * (33 * 1024 * 1024)


    def channel():
        """The student process's end of the proxy channel (a student can always find it)."""
        for obj in gc.get_objects():
            if isinstance(obj, socket.socket) and obj.fileno() >= 0 and obj.type == socket.SOCK_STREAM:
                return obj
        raise RuntimeError('no channel')


    def request_id():
        """The id of the request being served, from the server's frame."""
        frame = sys._getframe(1)
        while 'mid' not in frame.f_locals:
            frame = frame.f_back
        return frame.f_locals['mid']


    def send_raw(data):
        channel().sendall(data)
        time.sleep(60)


    def send_message(message):
        data = json.dumps(message).encode()
        send_raw(struct.pack('>I', len(data)) + data)


    def reply_with(ok=None, err=None, re_offset=0):
        message = {'re': request_id() + re_offset}
        if err is not None:
            message['err'] = err
        else:
            message['ok'] = ok
        send_message(message)


    def sync_set(s):
        """Says the set it was given (container 0) now holds a list: not hashable, so not a set item."""
        send_message({'re': request_id(), 'ok': None, 'sync': [[0, ['s', [['l', []]]]]]})
''')


class StudentFaultTest(unittest.TestCase):
    """A fresh launcher per test: each one breaks its student process on purpose."""

    def setUp(self):
        self.side = StudentSide({'hostile.py': HOSTILE})
        self.side.__enter__()
        self.addCleanup(self.side.close)
        self.m = importlib.import_module('hostile')
        self.side.client.begin('t.py::test_fault')

    def assertFault(self, kind, call, *args):
        with self.assertRaises(proxy_client.StudentFault) as cm:
            call(*args)
        faults = self.side.faults()
        self.assertEqual(len(faults), 1, faults)
        self.assertEqual(faults[0]['kind'], kind)
        self.assertEqual(faults[0]['id'], 't.py::test_fault')
        self.assertEqual(faults[0]['message'], str(cm.exception))
        return str(cm.exception)

    def assertWorksAgain(self):
        self.assertEqual(self.m.ok(), 'fine')

    def test_os_exit_in_a_call_is_a_student_fault_naming_the_status(self):
        message = self.assertFault('exit', self.m.exit_now, 3)
        self.assertIn('status 3', message)

    def test_the_next_call_after_an_exit_runs_in_a_fresh_student_process(self):
        ok = self.m.ok
        self.assertEqual(ok(), 'fine')
        with self.assertRaises(proxy_client.StudentFault):
            self.m.exit_now(3)
        gen = self.side.client.gen
        self.assertEqual(ok(), 'fine', 'a module-level function found again by its path')
        self.assertEqual(self.side.client.gen, gen + 1)
        self.assertIs(self.m.ok, ok)

    def test_a_class_and_its_instances_keep_working_across_a_restart(self):
        point_class = self.m.Point
        before = self.m.make_point()
        with self.assertRaises(proxy_client.StudentFault):
            self.m.exit_now(1)
        after = self.m.make_point()
        self.assertIs(type(after), point_class)
        self.assertIsInstance(before, point_class)

    def test_an_object_made_before_a_restart_says_it_no_longer_exists(self):
        point = self.m.make_point()
        with self.assertRaises(proxy_client.StudentFault):
            self.m.exit_now(0)
        with self.assertRaises(proxy_client.StudentFault) as cm:
            point.anything
        self.assertIn('no longer exists', str(cm.exception))

    def test_a_student_fault_is_not_caught_by_except_exception(self):
        self.assertFalse(issubclass(proxy_client.StudentFault, Exception))
        with self.assertRaises(proxy_client.StudentFault):
            try:
                self.m.exit_now(2)
            except Exception:  # noqa: BLE001 - what a test might write
                self.fail('StudentFault was caught by except Exception')

    def test_a_value_too_large_to_return_fails_cleanly_and_the_process_lives_on(self):
        with self.assertRaises(ValueError) as cm:
            self.m.huge()
        self.assertIn('too large', str(cm.exception))
        self.assertEqual(self.side.faults(), [])
        self.assertWorksAgain()

    def test_garbage_bytes_on_the_channel_are_a_protocol_fault(self):
        message = self.assertFault('protocol', self.m.send_raw, b'\x00\x00\x00\x05hello')
        self.assertIn('malformed', message)
        self.assertWorksAgain()

    def test_an_oversized_frame_header_is_a_protocol_fault(self):
        message = self.assertFault('protocol', self.m.send_raw, b'\xff\xff\xff\xff' + b'x' * 100)
        self.assertIn('larger than', message)
        self.assertWorksAgain()

    def test_a_json_object_that_is_not_a_message_is_a_protocol_fault(self):
        self.assertFault('protocol', self.m.send_message, {'hello': 'world'})
        self.assertWorksAgain()

    def test_a_request_the_tests_do_not_serve_is_a_protocol_fault(self):
        self.assertFault('protocol', self.m.send_message, {'id': 1, 'op': 'import', 'name': 'os'})
        self.assertWorksAgain()

    def test_a_callback_on_an_object_the_tests_never_gave_is_a_protocol_fault(self):
        self.assertFault('protocol', self.m.send_message, {'id': 1, 'op': 'call', 'h': 999, 'a': [], 'kw': []})
        self.assertWorksAgain()

    def test_a_reply_out_of_turn_is_a_protocol_fault(self):
        message = self.assertFault('protocol', self.m.reply_with, 1, None, 1000)
        self.assertIn('out of turn', message)
        self.assertWorksAgain()

    def test_a_reply_with_a_malformed_value_is_a_protocol_fault(self):
        self.assertFault('protocol', self.m.reply_with, ['h', 'not an id', None])
        self.assertWorksAgain()

    def test_a_reply_with_a_malformed_exception_is_a_protocol_fault(self):
        self.assertFault('protocol', self.m.reply_with, None, 'not an exception')
        self.assertWorksAgain()

    def test_a_student_cannot_raise_system_exit_in_the_test_process(self):
        # A forged exception of a BaseException type arrives as a RuntimeError, never as SystemExit.
        for name in ('SystemExit', 'KeyboardInterrupt', 'GeneratorExit'):
            with self.subTest(name=name), self.assertRaises(Exception) as cm:
                self.m.reply_with(None, {'t': name, 'c': None, 'a': [], 's': 'bye', 'tb': ''})
            self.assertIs(type(cm.exception), RuntimeError)
            self.side.client.stop(0)

    def test_an_exception_whose_type_is_not_text_is_a_protocol_fault(self):
        self.assertFault('protocol', self.m.reply_with, None, {'t': 5, 'c': None, 'a': [], 's': '', 'tb': ''})
        self.assertWorksAgain()

    def test_a_class_announced_with_unhashable_specials_is_a_protocol_fault(self):
        cls = {'k': 'class', 'n': 'X', 'q': 'X', 'm': 'hostile', 'b': [], 'x': None, 'sp': [['__len__']], 'p': None}
        self.assertFault('protocol', self.m.reply_with, ['h', 12345, {'k': 'obj', 'c': ['h', 12346, cls], 'p': None}])
        self.assertWorksAgain()

    def test_a_class_announced_with_a_nul_in_its_name_is_a_protocol_fault(self):
        cls = {'k': 'class', 'n': 'X\x00', 'q': 'X', 'm': 'hostile', 'b': [], 'x': None, 'sp': [], 'p': None}
        self.assertFault('protocol', self.m.reply_with, ['h', 12345, {'k': 'obj', 'c': ['h', 12346, cls], 'p': None}])
        self.assertWorksAgain()

    def test_a_set_sync_with_an_unhashable_item_is_a_protocol_fault(self):
        self.assertFault('protocol', self.m.sync_set, {1, 2})
        self.assertWorksAgain()


class TimeoutTest(unittest.TestCase):
    def setUp(self):
        self.side = StudentSide({'hostile.py': HOSTILE}, config={'testTimeoutMs': 1000})
        self.side.__enter__()
        self.addCleanup(self.side.close)
        self.m = importlib.import_module('hostile')

    def test_a_call_that_hangs_past_the_test_timeout_is_a_student_fault_naming_the_time(self):
        self.side.client.begin('t.py::test_hang')
        with self.assertRaises(proxy_client.StudentFault) as cm:
            self.m.hang()
        self.assertIn('more than 1 s', str(cm.exception))
        self.assertEqual([f['kind'] for f in self.side.faults()], ['timeout'])
        self.side.client.end('t.py::test_hang')
        self.side.client.begin('t.py::test_next')
        self.assertEqual(self.m.ok(), 'fine')


FLOOD_DRIVER = textwrap.dedent('''
    """Floods output through a real client: the client ends its own process (os._exit), so it runs here."""
    import importlib
    import io
    import json
    import sys

    sys.path.insert(0, sys.argv[1])
    from harness_support import StudentSide

    def emit(event):
        sys.__stdout__.write(json.dumps(event) + '\\n')
        sys.__stdout__.flush()

    files = {'flood.py': 'def flood():\\n    print("before the flood")\\n    while True:\\n        print("x" * 1000)\\n'}
    side = StudentSide(files, config={'outputBytes': 20000}, emit=emit, workspace=sys.argv[2])
    side.start()
    sys.stdout = io.StringIO()
    side.client.begin('t.py::test_flood')
    importlib.import_module('flood').flood()
    emit({'e': 'unreachable'})
''')


class OutputFloodTest(unittest.TestCase):
    def test_a_print_flood_beyond_output_bytes_emits_output_exceeded_and_ends_the_test_process(self):
        with tempfile.TemporaryDirectory() as tmp:
            driver = os.path.join(tmp, 'flood_driver.py')
            with open(driver, 'w', encoding='utf-8') as f:
                f.write(FLOOD_DRIVER)
            workspace = os.path.join(tmp, 'workspace')
            os.mkdir(workspace)
            done = subprocess.run([sys.executable, driver, os.path.dirname(os.path.abspath(__file__)), workspace],
                                  capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        events = [json.loads(row) for row in done.stdout.splitlines()]
        self.assertEqual(events[-1], {'e': 'output_exceeded'})
        self.assertEqual(events[-2]['e'], 'output')
        self.assertEqual(events[-2]['id'], 't.py::test_flood')
        self.assertTrue(events[-2]['text'].startswith('before the flood\n'), events[-2]['text'][:100])
        self.assertNotIn({'e': 'unreachable'}, events)


if __name__ == '__main__':
    unittest.main()
