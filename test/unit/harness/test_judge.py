"""judge.py: each test's status from pytest's phase reports and the student process's faults."""
import unittest

import harness_support  # noqa: F401 - puts the harness on sys.path

import judge


def report(when, outcome='passed', xfail=False, message=None, test_id='t.py::test_a'):
    return {'e': 'report', 'id': test_id, 'when': when, 'outcome': outcome, 'xfail': xfail, 'message': message}


def phases(setup='passed', call='passed', teardown='passed', **call_fields):
    out = {}
    if setup is not None:
        out['setup'] = report('setup', setup)
    if call is not None:
        out['call'] = report('call', call, **call_fields)
    if teardown is not None:
        out['teardown'] = report('teardown', teardown)
    return out


FAULT = {'e': 'fault', 'id': 't.py::test_a', 'kind': 'exit', 'message': 'Your code exited with status 3.'}


class JudgeTest(unittest.TestCase):
    def test_a_test_that_passed_every_phase_passes(self):
        self.assertEqual(judge.judge(phases(), None), ('pass', None))

    def test_a_failed_call_fails_with_its_message(self):
        self.assertEqual(judge.judge(phases(call='failed', message='assert 1 == 2'), None), ('fail', 'assert 1 == 2'))

    def test_a_failed_call_without_a_message_still_fails(self):
        self.assertEqual(judge.judge(phases(call='failed'), None), ('fail', 'The test failed.'))

    def test_a_failed_setup_is_an_error(self):
        p = phases(call=None)
        p['setup']['outcome'] = 'failed'
        p['setup']['message'] = 'fixture broke'
        status, message = judge.judge(p, None)
        self.assertEqual(status, 'error')
        self.assertIn('set up', message)
        self.assertIn('fixture broke', message)

    def test_a_failed_teardown_after_a_passed_call_is_an_error(self):
        p = phases(teardown='failed')
        p['teardown']['message'] = 'cleanup broke'
        status, message = judge.judge(p, None)
        self.assertEqual(status, 'error')
        self.assertIn('cleaned up', message)
        self.assertIn('cleanup broke', message)

    def test_a_failed_call_stays_a_failure_when_the_teardown_fails_too(self):
        self.assertEqual(judge.judge(phases(call='failed', teardown='failed', message='m'), None)[0], 'fail')

    def test_a_skip_in_setup_is_a_skip(self):
        p = phases(setup='skipped', call=None)
        p['setup']['message'] = 'needs numpy'
        self.assertEqual(judge.judge(p, None), ('skip', 'needs numpy'))

    def test_a_skip_in_the_call_is_a_skip(self):
        self.assertEqual(judge.judge(phases(call='skipped', message='later'), None), ('skip', 'later'))

    def test_an_xfail_is_a_skip(self):
        status, message = judge.judge(phases(call='skipped', xfail=True, message='known bug'), None)
        self.assertEqual(status, 'skip')
        self.assertIn('Expected to fail', message)
        self.assertIn('known bug', message)

    def test_an_xpass_is_a_pass(self):
        self.assertEqual(judge.judge(phases(call='passed', xfail=True), None), ('pass', None))

    def test_a_strict_xpass_reported_as_failed_is_a_failure(self):
        self.assertEqual(judge.judge(phases(call='failed', xfail=False, message='[XPASS(strict)]'), None)[0], 'fail')

    def test_a_fault_is_an_error_whatever_the_reports_say(self):
        for p in (phases(), phases(call='failed'), phases(call='skipped'), phases(call='skipped', xfail=True), {}):
            with self.subTest(phases=sorted(p)):
                self.assertEqual(judge.judge(p, FAULT), ('error', FAULT['message']))

    def test_no_setup_report_is_an_error(self):
        status, message = judge.judge({}, None)
        self.assertEqual(status, 'error')
        self.assertIn('did not finish', message)

    def test_no_teardown_report_on_an_unfinished_test_is_an_error(self):
        self.assertEqual(judge.judge(phases(teardown=None), None, finished=False)[0], 'error')

    def test_no_call_report_after_a_passed_setup_is_an_error(self):
        status, message = judge.judge(phases(call=None), None)
        self.assertEqual(status, 'error')
        self.assertIn('no outcome', message)


class RunTest(unittest.TestCase):
    def fold(self, events):
        run = judge.Run()
        finished = [run.on_event(ev) for ev in events]
        return run, [f for f in finished if f is not None]

    def test_a_whole_run_folds_into_one_outcome_per_collected_test(self):
        a, b = 't.py::test_a', 't.py::test_b'
        run, finished = self.fold([
            {'e': 'collected', 'ids': [a, b], 'code': ['def test_a(): ...', 'def test_b(): ...'], 'tasks': [None, None]},
            {'e': 'start', 'id': a},
            report('setup', test_id=a), report('call', test_id=a), report('teardown', test_id=a),
            {'e': 'finish', 'id': a, 'output': 'hello\n'},
            {'e': 'start', 'id': b},
            report('setup', test_id=b), report('call', 'failed', message='assert 1 == 2', test_id=b),
            report('teardown', test_id=b),
            {'e': 'finish', 'id': b, 'output': ''},
            {'e': 'end', 'exitstatus': 1},
        ])
        self.assertEqual(finished, [a, b])
        summary = run.summary()
        self.assertTrue(summary['complete'])
        self.assertEqual(summary['collected'], [a, b])
        self.assertIsNone(summary['current'])
        self.assertEqual(summary['tests'], [
            {'name': a, 'test_code': 'def test_a(): ...', 'output': 'hello\n', 'status': 'pass'},
            {'name': b, 'test_code': 'def test_b(): ...', 'status': 'fail', 'message': 'assert 1 == 2'},
        ])

    def test_a_fault_during_a_test_makes_it_an_error_even_if_pytest_passed_it(self):
        a = 't.py::test_a'
        run, _ = self.fold([
            {'e': 'collected', 'ids': [a], 'code': [''], 'tasks': [None]},
            {'e': 'start', 'id': a},
            report('setup', test_id=a), dict(FAULT, id=a), report('call', test_id=a), report('teardown', test_id=a),
            {'e': 'finish', 'id': a, 'output': ''},
        ])
        outcome = run.outcome(a)
        self.assertEqual((outcome['status'], outcome['message']), ('error', FAULT['message']))
        self.assertEqual(outcome.get('reason'), 'runtime')

    def test_a_timeout_or_memory_fault_names_its_reason(self):
        a = 't.py::test_a'
        for kind in ('timeout', 'memory'):
            with self.subTest(kind=kind):
                run, _ = self.fold([{'e': 'start', 'id': a}, report('setup', test_id=a), dict(FAULT, id=a, kind=kind)])
                self.assertEqual(run.outcome(a)['reason'], kind)

    def test_output_saved_before_an_output_flood_is_kept_for_the_test(self):
        a = 't.py::test_a'
        run, _ = self.fold([{'e': 'start', 'id': a}, report('setup', test_id=a),
                            {'e': 'output', 'id': a, 'text': 'before the flood'}, {'e': 'output_exceeded'}])
        outcome = run.outcome(a)
        self.assertEqual(outcome['output'], 'before the flood')
        self.assertEqual(outcome['status'], 'error')

    def test_a_fault_outside_any_test_is_kept_apart(self):
        run, _ = self.fold([dict(FAULT, id=None)])
        self.assertEqual(run.fault_outside['message'], FAULT['message'])
        self.assertEqual(run.faults, {})

    def test_a_second_report_of_a_phase_is_out_of_turn(self):
        a = 't.py::test_a'
        with self.assertRaises(judge.OutOfTurn):
            self.fold([{'e': 'start', 'id': a}, report('setup', test_id=a), report('call', test_id=a),
                       report('call', 'failed', message='late', test_id=a)])

    def test_a_report_of_a_test_that_is_not_running_is_out_of_turn(self):
        with self.assertRaises(judge.OutOfTurn):
            self.fold([{'e': 'start', 'id': 't.py::test_a'}, report('setup', test_id='t.py::test_b')])

    def test_a_test_still_running_when_the_run_stopped_is_an_error_and_current(self):
        a = 't.py::test_a'
        run, finished = self.fold([{'e': 'collected', 'ids': [a], 'code': [''], 'tasks': [None]}, {'e': 'start', 'id': a},
                                   report('setup', test_id=a)])
        self.assertEqual(finished, [])
        summary = run.summary()
        self.assertFalse(summary['complete'])
        self.assertEqual(summary['current'], a)
        self.assertEqual(summary['tests'][0]['status'], 'error')

    def test_output_is_cut_to_what_a_result_keeps(self):
        a = 't.py::test_a'
        run, _ = self.fold([{'e': 'finish', 'id': a, 'output': 'x' * (judge.KEEP_OUTPUT + 100)}])
        self.assertEqual(len(run.outputs[a]), judge.KEEP_OUTPUT)

    def test_collection_errors_are_kept_up_to_a_hundred(self):
        run, _ = self.fold([{'e': 'collect_error', 'path': 'p%d' % i, 'message': 'm'} for i in range(150)])
        self.assertEqual(len(run.summary()['collectErrors']), 100)
        self.assertEqual(run.summary()['collectErrors'][0], {'path': 'p0', 'message': 'm'})

    def test_nothing_collected_is_a_summary_with_no_tests(self):
        run, _ = self.fold([])
        self.assertEqual(run.summary(), {'complete': False, 'collected': None, 'current': None, 'collectErrors': [], 'tests': []})


if __name__ == '__main__':
    unittest.main()
