"""Stand-ins for the student's modules, for collect-only runs (validating a challenge's policy).

Collecting a suite imports its test files, and they import the student's
modules, which do not exist yet when an author stores a challenge without
starter files. pytest's own collection is the only faithful source of test
ids (parametrize ids, unittest classes, subfolders), so rather than guess,
the test process collects with a placeholder for each such module: any
attribute of it is a placeholder class, which can be called, subclassed,
iterated (as empty) and asked for further attributes. Nothing runs in a
collect-only run, so these are never judged.

Only names the suite itself imports (at any level of its files) and that
nothing on sys.path provides are stood in for: a module pytest or the
standard library looks for and finds missing behaves as without us.
"""
import ast
import importlib.abc
import importlib.machinery
import sys
import types


class Anything(type):
    """A class whose every attribute is another such class; calling it returns it."""

    def __getattr__(cls, name):
        # Dunders stay missing: pytest, inspect and copy probe them and must see a plain object.
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        return Anything(name, (), {})

    def __call__(cls, *args, **kwargs):
        return cls

    def __iter__(cls):
        return iter(())

    def __len__(cls):
        return 0


class PlaceholderModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        return Anything(name, (), {})


def imported_names(sources):
    """Top-level module names imported anywhere in `sources` (path → text), absolute imports only."""
    names = set()
    for path, text in sources.items():
        if not path.endswith('.py'):
            continue
        try:
            tree = ast.parse(text, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # pytest reports the file's own collection error
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split('.')[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split('.')[0])
    return names


class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on sys.meta_path: asked only for what no other finder found."""

    def __init__(self, names):
        self.names = frozenset(names)

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.split('.')[0]
        if top not in self.names:
            return None
        if '.' in fullname and not isinstance(sys.modules.get(fullname.rpartition('.')[0]), PlaceholderModule):
            return None  # a real package's missing submodule stays missing
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        module = PlaceholderModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def install(sources):
    """Puts a Finder for the names `sources` import at the end of sys.meta_path; returns it."""
    finder = Finder(imported_names(sources))
    sys.meta_path.append(finder)
    return finder
