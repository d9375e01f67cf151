"""Strict comparison mode, switched on per submission by the challenge (`options.strictComparisons`).

In a test like `assert add(2, 3) == 5`, the student's value decides what `==`
means: an `int` subclass or an object whose `__eq__` always returns True
passes. In strict mode the agent rewrites each `assert` comparing with a
literal, `assert X == 5` becoming `assert __grader_exact__(X, 5) == 5`: the value
must have exactly the literal's builtin type (recursively for lists, tuples,
dicts and sets), so the comparison that follows is builtin against builtin.
"""


class Mismatch:
    """Stands in for a value of the wrong type: every comparison with it is false, and it says why."""

    __slots__ = ('text',)

    def __init__(self, value, expected):
        self.text = '%s (strict comparison: expected exactly %s, got %s)' % (
            _safe_repr(value), type(expected).__name__, _type_name(value))

    def __eq__(self, other):
        return False

    def __ne__(self, other):
        # A value of the wrong type fails `!=` as well: no strict comparison passes.
        return False

    __hash__ = None

    def __repr__(self):
        return self.text


def _type_name(value):
    t = type(value)
    return t.__name__ if t.__module__ == 'builtins' else '%s.%s' % (t.__module__, t.__qualname__)


def _safe_repr(value):
    try:
        text = object.__repr__(value) if type(value).__repr__ is not object.__repr__ and type(value).__module__ != 'builtins' else repr(value)
    except Exception:  # noqa: BLE001 - a hostile __repr__ must not break the report
        text = '<unprintable>'
    return text if len(text) <= 200 else text[:200] + '…'


def same_shape(value, expected):
    if type(value) is not type(expected):
        return False
    if type(expected) in (list, tuple):
        return len(value) == len(expected) and all(same_shape(v, e) for v, e in zip(value, expected))
    if type(expected) is dict:
        return (len(value) == len(expected)
                and all(type(k) in (str, int, float, bool, tuple, bytes, type(None)) for k in value)
                and all(k in value and same_shape(value[k], e) for k, e in expected.items()))
    if type(expected) in (set, frozenset):
        allowed = {type(e) for e in expected} or {str, int, float, bool, bytes, tuple, type(None)}
        return all(type(v) in allowed for v in value)
    return True


def exact(value, expected):
    return value if same_shape(value, expected) else Mismatch(value, expected)


def _is_literal(node):
    import ast
    try:
        ast.literal_eval(node)
        return True
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def rewrite(source):
    """Wraps the non-literal side of `==`/`!=` with a literal in every assert as
    `__grader_exact__(X, literal)`.

    Edits the text in place, within the lines the expression spans, so line numbers
    in messages and the test code shown stay those of the author's file.
    """
    import ast
    tree = ast.parse(source)
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert) or not isinstance(node.test, ast.Compare):
            continue
        cmp = node.test
        if len(cmp.ops) != 1 or not isinstance(cmp.ops[0], (ast.Eq, ast.NotEq)):
            continue
        left, right = cmp.left, cmp.comparators[0]
        if _is_literal(right) and not _is_literal(left):
            target, literal = left, right
        elif _is_literal(left) and not _is_literal(right):
            target, literal = right, left
        else:
            continue
        edits.append((target, ast.unparse(literal)))
    lines = [line.encode('utf-8') for line in source.splitlines(True)]
    # Right to left, bottom to top: earlier offsets stay valid.
    inserts = []
    for target, literal_text in edits:
        inserts.append((target.end_lineno, target.end_col_offset, (', %s)' % literal_text).encode('utf-8')))
        inserts.append((target.lineno, target.col_offset, b'__grader_exact__('))
    for lineno, col, text in sorted(inserts, key=lambda i: (i[0], i[1]), reverse=True):
        line = lines[lineno - 1]
        lines[lineno - 1] = line[:col] + text + line[col:]
    return b''.join(lines).decode('utf-8')
