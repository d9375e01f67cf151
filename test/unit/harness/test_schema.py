"""schema.py: the job and the runner's events checked against protocol.json."""
import unittest

import harness_support  # noqa: F401 - puts the harness on sys.path

import schema
from schema import Invalid, check

JOB = {'protocol': 4, 'files': {'solution.py': 'x = 1\n'}, 'tests': {'test_solution.py': 'def test(): pass\n'},
       'outputBytes': 65536, 'testTimeoutMs': 2000, 'memoryMb': 256, 'strict': False, 'isolation': 'split'}

RUNNER_EVENTS = {
    'collected': {'e': 'collected', 'ids': ['t.py::test_a'], 'code': ['def test_a(): ...'], 'tasks': [None]},
    'collect_error': {'e': 'collect_error', 'path': 't.py', 'message': 'ImportError'},
    'start': {'e': 'start', 'id': 't.py::test_a'},
    'report': {'e': 'report', 'id': 't.py::test_a', 'when': 'call', 'outcome': 'failed', 'xfail': False, 'message': 'boom'},
    'fault': {'e': 'fault', 'id': None, 'kind': 'exit', 'message': 'Your code exited with status 3.'},
    'finish': {'e': 'finish', 'id': 't.py::test_a', 'output': 'hello\n'},
    'output': {'e': 'output', 'id': 't.py::test_a', 'text': 'hello'},
    'output_exceeded': {'e': 'output_exceeded'},
    'end': {'e': 'end', 'exitstatus': 0},
}


class SchemaTest(unittest.TestCase):
    def test_the_protocol_version_is_4(self):
        self.assertEqual(schema.VERSION, 4)

    def test_a_valid_job_is_accepted(self):
        self.assertIs(check('job', JOB), JOB)
        check('job', dict(JOB, isolation='in-process', strict=True, files={}, memoryMb=0.5))

    def test_each_runner_event_is_accepted(self):
        for kind, event in RUNNER_EVENTS.items():
            with self.subTest(kind=kind):
                check('runnerEvent', event)

    def test_report_variants_are_accepted(self):
        for when in ('setup', 'call', 'teardown'):
            for outcome in ('passed', 'failed', 'skipped'):
                check('runnerEvent', dict(RUNNER_EVENTS['report'], when=when, outcome=outcome, message=None))
        check('runnerEvent', dict(RUNNER_EVENTS['fault'], id='t.py::test_a'))

    def test_an_extra_field_is_refused(self):
        with self.assertRaises(Invalid):
            check('job', dict(JOB, extra=1))
        for kind, event in RUNNER_EVENTS.items():
            with self.subTest(kind=kind), self.assertRaises(Invalid):
                check('runnerEvent', dict(event, extra=1))

    def test_a_missing_field_is_refused(self):
        for field in JOB:
            with self.subTest(field=field), self.assertRaises(Invalid):
                check('job', {k: v for k, v in JOB.items() if k != field})
        for kind, event in RUNNER_EVENTS.items():
            for field in event:
                with self.subTest(kind=kind, field=field), self.assertRaises(Invalid):
                    check('runnerEvent', {k: v for k, v in event.items() if k != field})

    def test_a_field_of_the_wrong_type_is_refused(self):
        for field, value in (('files', []), ('files', {'a.py': 1}), ('tests', None), ('strict', 'no'),
                             ('testTimeoutMs', '2000'), ('memoryMb', None), ('isolation', 'docker'),
                             ('protocol', 1), ('protocol', '2')):
            with self.subTest(field=field, value=value), self.assertRaises(Invalid):
                check('job', dict(JOB, **{field: value}))
        for kind, field, value in (('report', 'xfail', 0), ('report', 'when', 'later'), ('report', 'outcome', 'error'),
                                   ('collected', 'ids', 't.py::test_a'), ('collected', 'ids', [1]),
                                   ('finish', 'output', None), ('end', 'exitstatus', '0'), ('fault', 'id', 5)):
            with self.subTest(kind=kind, field=field), self.assertRaises(Invalid):
                check('runnerEvent', dict(RUNNER_EVENTS[kind], **{field: value}))

    def test_a_bool_where_an_integer_is_expected_is_refused(self):
        for field in ('outputBytes', 'testTimeoutMs', 'memoryMb'):
            with self.subTest(field=field), self.assertRaises(Invalid):
                check('job', dict(JOB, **{field: True}))
        with self.assertRaises(Invalid):
            check('runnerEvent', {'e': 'end', 'exitstatus': False})
        with self.assertRaises(Invalid):
            check('job', dict(JOB, protocol=True))

    def test_an_integer_valued_float_counts_as_an_integer_but_a_fraction_does_not(self):
        check('job', dict(JOB, testTimeoutMs=2000.0))
        with self.assertRaises(Invalid):
            check('job', dict(JOB, testTimeoutMs=2000.5))

    def test_a_value_below_the_minimum_is_refused(self):
        for field, value in (('outputBytes', -1), ('testTimeoutMs', 0), ('memoryMb', -0.5)):
            with self.subTest(field=field), self.assertRaises(Invalid):
                check('job', dict(JOB, **{field: value}))

    def test_a_string_over_its_max_length_is_refused(self):
        check('runnerEvent', {'e': 'start', 'id': 'x' * 1000})
        with self.assertRaises(Invalid):
            check('runnerEvent', {'e': 'start', 'id': 'x' * 1001})
        with self.assertRaises(Invalid):
            check('runnerEvent', dict(RUNNER_EVENTS['fault'], kind='k' * 41))

    def test_an_array_over_its_max_items_is_refused(self):
        with self.assertRaises(Invalid):
            check('runnerEvent', {'e': 'collected', 'ids': ['t'] * 5001, 'code': [], 'tasks': []})

    def test_an_unknown_event_kind_is_refused(self):
        for event in ({'e': 'pass'}, {'e': None}, {}, [], 'start'):
            with self.subTest(event=event), self.assertRaises(Invalid):
                check('runnerEvent', event)

    def test_a_key_that_is_not_text_is_refused(self):
        with self.assertRaises(Invalid):
            check('job', dict(JOB, files={1: 'x'}))


if __name__ == '__main__':
    unittest.main()
