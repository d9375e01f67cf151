"""Writes the mutant of every exercise in a conformance corpus.

A mutant is the exercise's reference solution (example/) with exactly one
AST-level change, spliced into the original text so the rest of the file stays
byte for byte the same. Candidate changes are tried in source order (line,
column, then operator kind), and the first one that makes at least one test
fail while at least one still passes is kept; when no candidate leaves a test
passing, the first that makes any test fail is kept. A candidate is only kept
when RUNS runs of pytest agree (hash seeds differ between runs, and a few
suites use random numbers, e.g. dnd-character), its fastest run takes under SLOW_S and all
tests are collected (exit code 0 or 1).

Runs inside the grading image, so the Python and pytest that judge the mutant
are the grader's own. From the repository root:

    docker run --rm --network none -u "$(id -u):$(id -g)" -v "$PWD:/repo" -w /repo \\
      --entrypoint python3 grader-python:1 scripts/conformance/make-mutants.py \\
      test/conformance/python [slug ...]

Deterministic: the same example and tests give the same mutant.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

# A mutant whose fastest run is slower than this is rejected (the grader's default
# run limit is 10 s). The fastest of all runs, and far above the few seconds a
# long failure report takes, so that a busy machine does not change the choice.
SLOW_S = 8
# A run still going after this long is stopped (a mutation can make a loop endless).
TIMEOUT_S = 20
RUNS = 10

# Suites whose failures depend on chance: RUNS runs that agree prove nothing there,
# so these exercises get no mutant (example and stub only).
BY_CHANCE = {
    'diffie-hellman': 'its tests check random private keys: every mutation that fails them fails only sometimes',
}

COMPARE = {
    ast.Lt: ('<', '<='), ast.LtE: ('<=', '<'), ast.Gt: ('>', '>='), ast.GtE: ('>=', '>'),
    ast.Eq: ('==', '!='), ast.NotEq: ('!=', '=='),
    ast.In: (r'in', 'not in'), ast.NotIn: (r'not\s+in', 'in'),
    ast.Is: (r'is', 'is not'), ast.IsNot: (r'is\s+not', 'is'),
}
BINARY = {
    ast.Add: ('+', '-'), ast.Sub: ('-', '+'), ast.Mult: ('*', '/'), ast.Div: ('/', '*'),
    ast.FloorDiv: ('//', '*'), ast.Mod: ('%', '//'),
}
BOOLEAN = {ast.And: ('and', 'or'), ast.Or: ('or', 'and')}


def line_offsets(text):
    """Character offset at which each line starts (AST columns count UTF-8 bytes)."""
    starts, pos = [], 0
    for line in text.splitlines(keepends=True):
        starts.append(pos)
        pos += len(line)
    starts.append(pos)
    return starts


class Source:
    def __init__(self, text):
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = line_offsets(text)

    def offset(self, lineno, col_bytes):
        line = self.lines[lineno - 1]
        col = len(line.encode('utf-8')[:col_bytes].decode('utf-8'))
        return self.starts[lineno - 1] + col

    def start(self, node):
        return self.offset(node.lineno, node.col_offset)

    def end(self, node):
        return self.offset(node.end_lineno, node.end_col_offset)


def operator_edit(src, a, b, pattern, replacement):
    """Replaces the operator written between the end of node a and the start of node b."""
    lo, hi = src.end(a), src.start(b)
    gap = src.text[lo:hi]
    if '#' in gap:
        return None
    word = pattern[0].isalpha()
    rx = (r'(?<![\w])' + pattern + r'(?![\w])') if word else re.escape(pattern)
    found = list(re.finditer(rx, gap))
    if len(found) != 1:
        return None
    m = found[0]
    return (lo + m.start(), lo + m.end(), replacement)


def in_fstring(node, parents):
    p = parents.get(node)
    while p is not None:
        if isinstance(p, ast.JoinedStr):
            return True
        p = parents.get(p)
    return False


def candidates(text):
    """Every single-point mutation of the source: (start, end, replacement, kind), in source order."""
    tree = ast.parse(text)
    src = Source(text)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(body[0].value)
    annotations = set()
    for node in ast.walk(tree):
        for ann in [getattr(node, 'annotation', None), getattr(node, 'returns', None)]:
            if ann is not None:
                annotations.update(ast.walk(ann))

    found = []
    for node in ast.walk(tree):
        if not hasattr(node, 'lineno') or node in annotations or in_fstring(node, parents):
            continue
        edits = []
        if isinstance(node, ast.Compare):
            op = type(node.ops[0])
            if op in COMPARE:
                pattern, repl = COMPARE[op]
                edits.append((operator_edit(src, node.left, node.comparators[0], pattern, repl),
                              f'compare {op.__name__} -> {repl}'))
        elif isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            sym, repl = BINARY[type(node.op)]
            edits.append((operator_edit(src, node.left, node.right, sym, repl), f'binary {sym} -> {repl}'))
        elif isinstance(node, ast.AugAssign) and type(node.op) in BINARY:
            sym, repl = BINARY[type(node.op)]
            edits.append((operator_edit(src, node.target, node.value, sym + '=', repl + '='),
                          f'augmented {sym}= -> {repl}='))
        elif isinstance(node, ast.BoolOp):
            word, repl = BOOLEAN[type(node.op)]
            edits.append((operator_edit(src, node.values[0], node.values[1], word, repl), f'boolean {word} -> {repl}'))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            edits.append(((src.start(node), src.start(node.operand), ''), 'drop not'))
        elif isinstance(node, ast.Constant) and node not in docstrings:
            if isinstance(node.value, bool):
                edits.append(((src.start(node), src.end(node), str(not node.value)), f'constant {node.value} -> {not node.value}'))
            elif isinstance(node.value, int):
                edits.append(((src.start(node), src.end(node), str(node.value + 1)), f'constant {node.value} -> {node.value + 1}'))
        for edit, kind in edits:
            if edit is not None:
                found.append((node.lineno, node.col_offset, kind, edit))
    found.sort(key=lambda c: (c[0], c[1], c[2]))
    out = []
    for lineno, col, kind, (lo, hi, repl) in found:
        mutated = text[:lo] + repl + text[hi:]
        if mutated == text:
            continue
        try:
            ast.parse(mutated)
        except SyntaxError:
            continue
        out.append((lineno, kind, mutated))
    return out


def run_pytest(tests_dir, solution_name, source):
    """(outcome per test id, seconds) for one run; outcomes are None when the run timed out or did not collect."""
    with tempfile.TemporaryDirectory() as work:
        for name in sorted(os.listdir(tests_dir)):
            shutil.copyfile(os.path.join(tests_dir, name), os.path.join(work, name))
        with open(os.path.join(work, solution_name), 'w', encoding='utf-8') as f:
            f.write(source)
        report = os.path.join(work, '.report.xml')
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-q', f'--junitxml={report}'],
                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return None, TIMEOUT_S
        seconds = time.monotonic() - started
        if proc.returncode not in (0, 1) or not os.path.exists(report):
            return None, seconds
        outcomes = {}
        for case in ET.parse(report).getroot().iter('testcase'):
            kinds = {child.tag for child in case}
            word = 'error' if 'error' in kinds else 'failed' if 'failure' in kinds else 'skipped' if 'skipped' in kinds else 'passed'
            outcomes[f"{case.get('classname')}::{case.get('name')}"] = word
        return outcomes, seconds


def mutate(exercise):
    tests_dir = os.path.join(exercise, 'tests')
    [solution_name] = os.listdir(os.path.join(exercise, 'example'))
    with open(os.path.join(exercise, 'example', solution_name), encoding='utf-8') as f:
        text = f.read()
    fallback = None
    for lineno, kind, mutated in candidates(text):
        first, seconds = run_pytest(tests_dir, solution_name, mutated)
        if first is None:
            continue
        failing = sum(1 for w in first.values() if w in ('failed', 'error'))
        passing = sum(1 for w in first.values() if w == 'passed')
        if failing == 0:
            continue
        again = [run_pytest(tests_dir, solution_name, mutated) for _ in range(RUNS - 1)]
        unstable = sum(1 for outcomes, _ in again if outcomes != first)
        fastest = min([seconds] + [s for _, s in again])
        if unstable or fastest > SLOW_S:
            why = f'{unstable} of {RUNS} runs disagree' if unstable else f'its fastest run took {fastest:.1f} s'
            print(f'  {os.path.basename(exercise)}: line {lineno}, {kind} rejected: {why}', file=sys.stderr, flush=True)
            continue
        if passing > 0:
            return lineno, kind, mutated, failing, passing
        if fallback is None:
            fallback = (lineno, kind, mutated, failing, passing)
    return fallback


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    root = os.path.join(argv[0], 'exercises')
    slugs = argv[1:] or sorted(os.listdir(root))
    missing = []
    for slug in slugs:
        exercise = os.path.join(root, slug)
        chosen = None if slug in BY_CHANCE else mutate(exercise)
        if chosen is None:
            # A stale mutant would be graded as if it were this one's.
            shutil.rmtree(os.path.join(exercise, 'mutant'), ignore_errors=True)
            missing.append(slug)
            why = BY_CHANCE.get(slug, 'no mutation makes a test fail every time')
            print(f'{slug}: no mutant: {why}', flush=True)
            continue
        lineno, kind, mutated, failing, passing = chosen
        [solution_name] = os.listdir(os.path.join(exercise, 'example'))
        os.makedirs(os.path.join(exercise, 'mutant'), exist_ok=True)
        with open(os.path.join(exercise, 'mutant', solution_name), 'w', encoding='utf-8') as f:
            f.write(mutated)
        print(f'{slug}: line {lineno}, {kind}: {failing} failing, {passing} passing', flush=True)
    if missing:
        print(f'without a mutant: {", ".join(missing)}', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
