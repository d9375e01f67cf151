"""What each test came to, from the test process's events: a pure function of them.

The twin of services/sandbox/verdict.ts: this file decides each test's
status, that one the run's. Statuses follow pytest's own outcome: `pass`
(passed, or xpassed), `fail` (failed in its call), `error` (failed in
setup or teardown, or the student's process failed while it ran, whatever
pytest then saw), `skip` (skipped or xfailed, which do not count).
"""

KEEP_OUTPUT = 4096
# Longest message kept per test (the protocol allows more; the worker cuts further).
MESSAGE_LIMIT = 4000


class OutOfTurn(ValueError):
    """Events that no honest pytest run sends: a second report of one phase, a report of a test
    that is not running. In split mode that means a fault of ours; in-process, the student's forgery."""


def cut(text):
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + ' …[cut]'
# A fault of the student's process, as the reason the run names when it stopped every test.
FAULT_REASONS = {'timeout': 'timeout', 'memory': 'memory'}


class Run:
    """The events of one run, folded as they arrive."""

    def __init__(self):
        self.collected = None
        self.code = {}
        self.tasks = {}
        self.collect_errors = []
        self.reports = {}
        self.faults = {}
        self.outputs = {}
        self.finished = set()
        self.current = None
        self.ended = None
        self.fault_outside = None

    def on_event(self, ev):
        """Folds one validated runner event in; returns the test it finished, if any."""
        kind = ev['e']
        if kind == 'collected':
            self.collected = list(ev['ids'])
            self.code = dict(zip(ev['ids'], ev['code']))
            self.tasks = {i: t for i, t in zip(ev['ids'], ev['tasks']) if t is not None}
        elif kind == 'collect_error':
            if len(self.collect_errors) < 100:
                self.collect_errors.append({'path': ev['path'], 'message': ev['message']})
        elif kind == 'start':
            self.current = ev['id']
        elif kind == 'report':
            if ev['id'] != self.current:
                raise OutOfTurn('a report of %s while %s was running' % (ev['id'][:200], str(self.current)[:200]))
            phases = self.reports.setdefault(ev['id'], {})
            if ev['when'] in phases:
                raise OutOfTurn('a second %s report of %s' % (ev['when'], ev['id'][:200]))
            phases[ev['when']] = ev
        elif kind == 'fault':
            if ev['id'] is None:
                self.fault_outside = ev
            else:
                self.faults.setdefault(ev['id'], ev)
        elif kind == 'finish':
            self.outputs[ev['id']] = ev['output'][:KEEP_OUTPUT]
            self.finished.add(ev['id'])
            self.current = None
            return ev['id']
        elif kind == 'output':
            if ev['id'] is not None:
                self.outputs.setdefault(ev['id'], ev['text'][:KEEP_OUTPUT])
        elif kind == 'end':
            self.ended = ev
        return None

    def outcome(self, test_id):
        base = {'name': test_id}
        code = self.code.get(test_id)
        if code:
            base['test_code'] = code
        output = self.outputs.get(test_id)
        if output:
            base['output'] = output
        fault = self.faults.get(test_id)
        status, message = judge(self.reports.get(test_id, {}), fault, finished=test_id in self.finished)
        base['status'] = status
        if message:
            base['message'] = cut(message)
        if fault is not None:
            base['reason'] = FAULT_REASONS.get(fault['kind'], 'runtime')
        if test_id in self.tasks:
            base['taskId'] = self.tasks[test_id]
        return base

    def summary(self):
        ids = self.collected or []
        return {
            'complete': self.ended is not None,
            'collected': self.collected,
            'current': self.current,
            'collectErrors': self.collect_errors,
            'tests': [self.outcome(i) for i in ids],
        }


def judge(phases, fault, finished=True):
    """One test's status and message from its phase reports and any fault of the student's process."""
    if fault is not None:
        return 'error', fault['message']
    setup, call, teardown = phases.get('setup'), phases.get('call'), phases.get('teardown')
    if setup is None or (teardown is None and not finished):
        return 'error', 'This test did not finish: the run was stopped first.'
    if setup['outcome'] == 'failed':
        return 'error', 'The test could not be set up: %s' % (setup['message'] or '')
    if setup['outcome'] == 'skipped':
        return 'skip', setup['message'] or 'Skipped.'
    if call is None:
        return 'error', 'This test reported no outcome.'
    if call['outcome'] == 'failed':
        return 'fail', call['message'] or 'The test failed.'
    if call['outcome'] == 'skipped':
        if call['xfail']:
            return 'skip', 'Expected to fail (declared by the challenge author): %s' % (call['message'] or '')
        return 'skip', call['message'] or 'Skipped.'
    if teardown is not None and teardown['outcome'] == 'failed':
        return 'error', 'The test could not be cleaned up: %s' % (teardown['message'] or '')
    return 'pass', None
