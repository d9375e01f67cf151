"""Collection as the test process does it: task numbers from Exercism's mark, and collect-only
runs whose student modules are placeholders (placeholders.py), through pytest's own collection."""
import os
import shutil
import sys
import tempfile
import textwrap
import unittest

import harness_support  # noqa: F401 - puts the harness on sys.path

import pytest

import placeholders
import pytest_plugin
import test_process

SUITE = {
    'test_lasagna.py': '''
        import unittest
        import pytest
        from lasagna_missing_student import bake_time, Oven
        import helpers_missing_student.deep as deep

        class LasagnaTest(unittest.TestCase):
            @pytest.mark.task(taskno=1)
            def test_bake_time(self):
                self.assertEqual(bake_time(), 40)

            @pytest.mark.task(taskno=2)
            def test_oven(self):
                Oven().heat()

            def test_no_task(self):
                pass

        @pytest.mark.task(taskno=3)
        @pytest.mark.parametrize('n', [1, 2])
        def test_param(n):
            assert deep.f(n)

        class TestSubclass(Oven):
            pass
    ''',
    'sub/test_more.py': '''
        import pytest

        pytestmark = pytest.mark.task(taskno=4)

        def test_in_subfolder():
            pass

        @pytest.mark.task(taskno='one')
        def test_bad_task_number():
            pass
    ''',
}


def collect(files):
    """Runs pytest --collect-only as main_collect does; returns the events the Reporter emitted."""
    root = tempfile.mkdtemp(prefix='collect-')
    events = []
    try:
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), 'w') as f:
                f.write(textwrap.dedent(text))
        finder = placeholders.install(test_process.read_suite(root))
        try:
            plugin = pytest_plugin.Reporter(events.append, None, root)
            # an unknown mark is an error here: the pinned ini must register `task`
            args = test_process.pytest_args(root, False) + ['--collect-only', '-W', 'error::pytest.PytestUnknownMarkWarning']
            pytest.main(args, plugins=[plugin])
        finally:
            sys.meta_path.remove(finder)
            for name in [n for n, m in sys.modules.items() if isinstance(m, placeholders.PlaceholderModule)]:
                del sys.modules[name]
            for name in ('test_lasagna', 'test_more', 'sub.test_more'):
                sys.modules.pop(name, None)
    finally:
        shutil.rmtree(root)
    return events


class CollectOnlyTest(unittest.TestCase):
    def test_a_suite_whose_student_modules_are_missing_still_collects_with_pytests_ids(self):
        events = collect(SUITE)
        self.assertEqual([e for e in events if e['e'] == 'collect_error'], [])
        collected = next(e for e in events if e['e'] == 'collected')
        self.assertEqual(collected['ids'], [
            'sub/test_more.py::test_in_subfolder',
            'sub/test_more.py::test_bad_task_number',
            'test_lasagna.py::LasagnaTest::test_bake_time',
            'test_lasagna.py::LasagnaTest::test_no_task',
            'test_lasagna.py::LasagnaTest::test_oven',
            'test_lasagna.py::test_param[1]',
            'test_lasagna.py::test_param[2]',
        ])
        # the closest mark wins (even one whose taskno is not an int, which is no task)
        self.assertEqual(collected['tasks'], [4, None, 1, None, 2, 3, 3])
        # collect-only runs nothing
        self.assertEqual([e for e in events if e['e'] in ('start', 'report', 'finish')], [])

    def test_a_suite_that_does_not_parse_reports_a_collect_error(self):
        events = collect({'test_broken.py': 'def test_a(:\n    pass\n'})
        errors = [e for e in events if e['e'] == 'collect_error']
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]['path'], 'test_broken.py')

    def test_only_names_the_suite_imports_are_stood_in_for(self):
        finder = placeholders.Finder(placeholders.imported_names({'t.py': 'import solution\nfrom pkg.sub import x\nfrom . import rel\n'}))
        self.assertEqual(finder.names, {'solution', 'pkg'})
        self.assertIsNone(finder.find_spec('numpy_not_imported_by_the_suite'))
        self.assertIsNotNone(finder.find_spec('solution'))


class PlaceholderTest(unittest.TestCase):
    def test_a_placeholder_can_be_called_subclassed_iterated_and_reached_through(self):
        module = placeholders.PlaceholderModule('solution')
        thing = module.add
        self.assertIs(thing(1, 2), thing)
        self.assertEqual(list(thing.items), [])
        self.assertTrue(issubclass(type('Sub', (thing,), {}), thing))
        with self.assertRaises(AttributeError):
            module.__wrapped__


if __name__ == '__main__':
    unittest.main()
