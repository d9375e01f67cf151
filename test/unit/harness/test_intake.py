"""intake.py's pure checks of the job's files (paths, Unicode, syntax); nothing is written."""
import unittest

import harness_support  # noqa: F401 - puts the harness on sys.path

import intake
from intake import StudentProblem


class SafePartsTest(unittest.TestCase):
    def test_a_relative_path_splits_into_its_parts(self):
        self.assertEqual(intake.safe_parts('solution.py'), ['solution.py'])
        self.assertEqual(intake.safe_parts('pkg/sub/mod.py'), ['pkg', 'sub', 'mod.py'])
        self.assertEqual(intake.safe_parts('.hidden/..x/a..b'), ['.hidden', '..x', 'a..b'])

    def test_paths_that_could_leave_the_workspace_are_refused(self):
        for path in ('/etc/passwd', '../x.py', 'a/../../x.py', 'a/./b.py', './a.py', 'a//b.py', 'a/', '',
                     'a\\..\\b.py', 'a\0b.py', '..', '.'):
            with self.subTest(path=path), self.assertRaises(StudentProblem) as cm:
                intake.safe_parts(path)
            self.assertEqual(cm.exception.verdict, 'runtime')

    def test_the_refusal_names_an_unprintable_path_printably(self):
        with self.assertRaises(StudentProblem) as cm:
            intake.safe_parts('a\0/\ud800')
        cm.exception.message.encode('utf-8')
        self.assertIn('\\u0000', cm.exception.message)


class EncodableTest(unittest.TestCase):
    def test_valid_unicode_is_accepted(self):
        intake.encodable('sólution.py', 'print("✓")\n', 'Your file')

    def test_a_lone_surrogate_in_the_content_is_a_syntax_problem(self):
        with self.assertRaises(StudentProblem) as cm:
            intake.encodable('solution.py', 'x = "\ud800"\n', 'Your file')
        self.assertEqual(cm.exception.verdict, 'syntax')
        self.assertIn('content', cm.exception.message)
        self.assertIn('solution.py', cm.exception.message)

    def test_a_lone_surrogate_in_the_name_is_a_syntax_problem_named_printably(self):
        with self.assertRaises(StudentProblem) as cm:
            intake.encodable('sol\udc80.py', 'x = 1\n', 'Your file')
        self.assertEqual(cm.exception.verdict, 'syntax')
        self.assertIn('name', cm.exception.message)
        cm.exception.message.encode('utf-8')


class CompileProblemTest(unittest.TestCase):
    def test_valid_source_has_no_problem(self):
        self.assertIsNone(intake.compile_problem('a.py', 'def f(x):\n    return x + 1\n'))

    def test_a_syntax_error_is_returned_with_its_line(self):
        err = intake.compile_problem('a.py', 'x = 1\ndef f(:\n')
        self.assertIsInstance(err, SyntaxError)
        self.assertEqual(err.lineno, 2)

    def test_a_nul_byte_is_a_problem_not_an_exception(self):
        self.assertIsNotNone(intake.compile_problem('a.py', 'x = 1\0\n'))

    def test_source_nested_too_deeply_is_a_problem_not_an_exception(self):
        for source in ('x = ' + '(' * 5000 + ')' * 5000, 'x = ' + '-' * 50000 + '1', 'x = 1' + ' + 1' * 50000):
            with self.subTest(source=source[:20]):
                self.assertIsNotNone(intake.compile_problem('a.py', source))

    def test_future_imports_of_the_harness_do_not_leak_into_the_check(self):
        # dont_inherit: the file is checked as Python would check it on its own.
        self.assertIsInstance(intake.compile_problem('a.py', 'print "hi"\n'), SyntaxError)


class CheckSyntaxTest(unittest.TestCase):
    def test_valid_files_pass(self):
        intake.check_syntax({'solution.py': 'x = 1\n', 'notes.txt': 'def ('}, {'test_solution.py': 'def test(): pass\n'})

    def test_a_syntax_error_in_a_student_file_is_the_students_syntax_verdict(self):
        with self.assertRaises(StudentProblem) as cm:
            intake.check_syntax({'solution.py': 'def f(:\n    pass\n'}, {})
        self.assertEqual(cm.exception.verdict, 'syntax')
        self.assertIn('solution.py', cm.exception.message)
        self.assertIn('line 1', cm.exception.message)
        self.assertIn('^', cm.exception.message)

    def test_a_student_file_that_cannot_be_read_as_python_is_a_syntax_verdict(self):
        with self.assertRaises(StudentProblem) as cm:
            intake.check_syntax({'solution.py': 'x = 1\0'}, {})
        self.assertEqual(cm.exception.verdict, 'syntax')

    def test_a_test_file_that_does_not_parse_is_said_not_to_be_the_students_fault(self):
        with self.assertRaises(StudentProblem) as cm:
            intake.check_syntax({'solution.py': 'x = 1\n'}, {'test_solution.py': 'def test(:\n'})
        self.assertIn('not a problem with your code', cm.exception.message)

    def test_files_that_are_not_python_are_not_compiled(self):
        intake.check_syntax({'data/input.txt': '((((', 'README.md': 'def'}, {'fixtures.json': '{'})


if __name__ == '__main__':
    unittest.main()
