import pytest

from solution import add


def test_adds():
    assert add(2, 3) == 5


@pytest.mark.parametrize("a,b,total", [(1, 1, 2), (-1, 1, 0)])
def test_adds_many(a, b, total):
    assert add(a, b) == total


@pytest.mark.skip(reason="declared by the author: left out of the verdict")
def test_declared_skip():
    assert False


def test_expected_wrong():
    # Fails on purpose: the self-test proves failures are reported too.
    assert add(2, 2) == 5
