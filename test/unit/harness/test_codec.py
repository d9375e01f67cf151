"""channel.Codec: plain data by value with its exact type, everything else by handle, strict decoding."""
import collections
import datetime
import decimal
import fractions
import math
import unittest

from harness_support import FakeSide, Remote

import channel
from channel import FrameReader, ProtocolError, frame


def over_the_wire(value, side=None):
    """Encodes `value`, frames it, reads the frame back and decodes it, as the peer would."""
    side = side or FakeSide()
    reader = FrameReader()
    reader.feed(frame({'re': 1, 'ok': side.codec.encode(value)}))
    return side.codec.decode(reader.next()['ok'])


class ByValueTest(unittest.TestCase):
    def assertSame(self, value):
        side = FakeSide()
        out = over_the_wire(value, side)
        self.assertEqual(side.handed, [], 'crossed by handle, not by value')
        self.assertIs(type(out), type(value))
        self.assertEqual(out, value)
        return out

    def test_none_and_bools_round_trip(self):
        for value in (None, True, False):
            with self.subTest(value=value):
                self.assertIs(over_the_wire(value), value)

    def test_ints_round_trip(self):
        for value in (0, -1, 2 ** 53 + 1, -(2 ** 63) - 7):
            with self.subTest(value=value):
                self.assertSame(value)

    def test_a_big_int_round_trips(self):
        self.assertSame(2 ** 4000 + 1)

    def test_an_int_beyond_pythons_string_digit_limit_round_trips(self):
        # math.factorial(2000) has 5736 digits: a course suite may well compare one.
        self.assertSame(math.factorial(2000))

    def test_floats_round_trip(self):
        for value in (0.0, 1.5, -2.25e300, 5e-324, math.inf, -math.inf):
            with self.subTest(value=value):
                self.assertSame(value)

    def test_nan_round_trips(self):
        out = over_the_wire(math.nan)
        self.assertIs(type(out), float)
        self.assertTrue(math.isnan(out))

    def test_negative_zero_keeps_its_sign(self):
        out = self.assertSame(-0.0)
        self.assertEqual(math.copysign(1, out), -1)

    def test_complex_round_trips(self):
        for value in (1 + 2j, complex(-0.0, math.inf), 3j):
            with self.subTest(value=value):
                self.assertSame(value)
        out = over_the_wire(complex(math.nan, 1))
        self.assertTrue(math.isnan(out.real))

    def test_str_round_trips_including_a_lone_surrogate(self):
        for value in ('', 'héllo ✓', 'a\ud800b', '\udfff', '\x00\n"\\'):
            with self.subTest(value=value):
                self.assertSame(value)

    def test_bytes_and_bytearray_round_trip(self):
        self.assertSame(bytes(range(256)))
        self.assertSame(bytearray(b'\x00abc\xff'))
        self.assertSame(b'')

    def test_containers_round_trip(self):
        self.assertSame([1, 'two', [3.0, None]])
        self.assertSame((1, (2, 3), []))
        self.assertSame(())
        self.assertSame({1, 'a', (2, 3), frozenset({4})})
        self.assertSame(frozenset({1, frozenset({2})}))
        out = self.assertSame([(1, 2), {'k': (3,)}])
        self.assertIs(type(out[1]['k']), tuple)

    def test_a_dict_with_keys_that_are_not_text_round_trips(self):
        value = {1: 'int', 2.5: 'float', (1, 'a'): 'tuple', frozenset({1}): 'frozenset', None: 'none',
                 b'k': 'bytes', True: 'bool', 'k': {'nested': [1]}, datetime.date(2020, 1, 2): 'date'}
        out = self.assertSame(value)
        self.assertEqual(list(out), list(value), 'insertion order kept')

    def test_dates_and_times_round_trip(self):
        for value in (datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 13, 14, 15, 16),
                      datetime.datetime(2021, 11, 7, 1, 30, fold=1),
                      datetime.time(23, 59, 59, 999999), datetime.timedelta(days=-3, seconds=5, microseconds=7)):
            with self.subTest(value=value):
                self.assertSame(value)

    def test_an_aware_utc_datetime_round_trips_with_its_offset(self):
        value = datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone.utc)
        out = self.assertSame(value)
        self.assertEqual(out.utcoffset(), datetime.timedelta(0))
        self.assertEqual(out.tzinfo, datetime.timezone.utc)

    def test_a_datetime_with_a_fixed_offset_round_trips(self):
        value = datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=-5, minutes=-30)))
        out = self.assertSame(value)
        self.assertEqual(out.utcoffset(), value.utcoffset())

    def test_a_datetime_with_a_named_fixed_offset_keeps_its_zone_name(self):
        value = datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=1), 'CET'))
        out = over_the_wire(value)
        self.assertEqual(out, value)
        self.assertEqual(out.tzname(), 'CET')

    def test_decimal_and_fraction_round_trip(self):
        for value in (decimal.Decimal('1.10'), decimal.Decimal('-0'), decimal.Decimal('1E+999'), fractions.Fraction(-3, 9)):
            with self.subTest(value=value):
                out = self.assertSame(value)
                self.assertEqual(str(out), str(value))
        out = over_the_wire(decimal.Decimal('NaN'))
        self.assertTrue(out.is_nan())

    def test_not_implemented_ellipsis_and_builtin_types_cross_as_themselves(self):
        for value in (NotImplemented, Ellipsis, int, ValueError, dict, object):
            with self.subTest(value=value):
                self.assertIs(over_the_wire(value), value)


class ByHandleTest(unittest.TestCase):
    def assertHandle(self, value):
        side = FakeSide()
        out = over_the_wire(value, side)
        self.assertIsInstance(out, Remote)
        self.assertIs(side.handed[out.number], value)

    def test_an_int_subclass_crosses_as_a_handle(self):
        class MyInt(int):
            pass
        self.assertHandle(MyInt(3))

    def test_a_str_subclass_crosses_as_a_handle(self):
        class MyStr(str):
            pass
        self.assertHandle(MyStr('x'))

    def test_a_namedtuple_crosses_as_a_handle(self):
        Point = collections.namedtuple('Point', 'x y')
        self.assertHandle(Point(1, 2))

    def test_a_defaultdict_and_other_dict_subclasses_cross_as_handles(self):
        self.assertHandle(collections.defaultdict(list))
        self.assertHandle(collections.OrderedDict(a=1))
        self.assertHandle(collections.Counter('abc'))

    def test_objects_functions_and_non_builtin_types_cross_as_handles(self):
        self.assertHandle(object())
        self.assertHandle(len)
        self.assertHandle(lambda: 1)
        self.assertHandle(collections.OrderedDict)

    def test_an_aware_datetime_of_another_tzinfo_crosses_as_a_handle(self):
        class Zone(datetime.tzinfo):
            def utcoffset(self, dt):
                return datetime.timedelta(hours=1)
        self.assertHandle(datetime.datetime(2024, 1, 1, tzinfo=Zone()))
        self.assertHandle(datetime.time(1, tzinfo=datetime.timezone.utc))

    def test_a_handle_inside_plain_data_keeps_the_rest_by_value(self):
        side = FakeSide()
        thing = object()
        out = over_the_wire([1, {'k': thing}], side)
        self.assertEqual(out[0], 1)
        self.assertIs(side.handed[out[1]['k'].number], thing)

    def test_a_cycle_becomes_a_handle_instead_of_a_recursion_error(self):
        side = FakeSide()
        loop = [1]
        loop.append(loop)
        out = over_the_wire(loop, side)
        self.assertEqual(out[0], 1)
        self.assertIs(side.handed[out[1].number], loop)

    def test_a_cycle_through_a_dict_becomes_a_handle(self):
        side = FakeSide()
        d = {}
        d['self'] = [d]
        out = over_the_wire(d, side)
        self.assertIs(side.handed[out['self'][0].number], d)

    def test_the_same_list_twice_is_not_a_cycle(self):
        shared = [1]
        self.assertEqual(over_the_wire([shared, shared]), [[1], [1]])

    def test_nesting_deeper_than_max_depth_becomes_a_handle(self):
        side = FakeSide()
        value = inner = []
        for _ in range(channel.MAX_DEPTH + 10):
            inner.append([])
            inner = inner[0]
        out = over_the_wire(value, side)
        depth = 0
        while type(out) is list:
            out = out[0]
            depth += 1
        self.assertIsInstance(out, Remote)
        self.assertEqual(depth, channel.MAX_DEPTH)

    def test_nesting_far_deeper_than_the_recursion_limit_does_not_raise(self):
        value = inner = []
        for _ in range(5000):
            inner.append([])
            inner = inner[0]
        FakeSide().codec.encode(value)

    def test_a_dict_with_a_key_that_is_not_plain_data_becomes_a_handle(self):
        class Key:
            pass
        for value in ({Key(): 1}, {(1, Key()): 2}, {1: 'a', frozenset({Key()}): 'b'}):
            with self.subTest(value=value):
                self.assertHandle(value)

    def test_a_set_with_an_item_that_is_not_plain_data_becomes_a_handle(self):
        class Item:
            pass
        self.assertHandle({Item()})
        self.assertHandle(frozenset({(1, Item())}))

    def test_encoding_never_runs_the_objects_own_code(self):
        class Loud:
            def __hash__(self):
                raise AssertionError('hashed')

            def __eq__(self, other):
                raise AssertionError('compared')

            def __iter__(self):
                raise AssertionError('iterated')
        FakeSide().codec.encode([Loud(), {1: Loud()}, (Loud(),)])


class DecodeRefusesTest(unittest.TestCase):
    MALFORMED = [
        [], [1], {'a': 1}, ['l'], ['l', 'x'], ['l', [], []], ['t', {}], ['d', [[1]]], ['d', [1]],
        ['d', [[['l', []], 1]]], ['d', [[['h', 0, None], 1]]], ['s', [['l', []]]], ['s', [['d', []]]], ['f', [['s', []]]],
        ['b'], ['b', 5], ['b', '!!!'], ['b', 'é'], ['ba', None], ['c', 'a', 1], ['c', 1], ['c', True, 1],
        ['ni', 1], ['ell', 1], ['bt', 'len'], ['bt', 'no_such_name'], ['bt', 5],
        ['date', 2020, 13, 1], ['date', 2020, 1], ['date', 2020, 1, 1.0], ['datetime', 2020, 1, 1],
        ['datetime', 2020, 1, 1, 0, 0, 0, 0, 10 ** 12, 0], ['datetime', 2020, 1, 1, 0, 0, 0, 0, None, 2],
        ['datetime', 2020, 1, 1, 0, 0, 0, 0, None, True], ['time', 25, 0, 0, 0, 0], ['timedelta', 10 ** 12, 0, 0],
        ['timedelta', '1', 0, 0], ['decimal', 'not a number'], ['decimal', 'x' * 10001], ['decimal', 1],
        ['fraction', 1, 0], ['fraction', 1.5, 2], ['zz', 1], ['h'],
    ]

    def test_malformed_values_are_refused_with_protocol_errors(self):
        codec = FakeSide().codec
        for data in self.MALFORMED:
            with self.subTest(data=repr(data)[:60]), self.assertRaises(ProtocolError):
                codec.decode(data)

    def test_a_value_nested_deeper_than_the_limit_is_refused(self):
        data = 1
        for _ in range(channel.MAX_DEPTH + 5):
            data = ['t', [data]]
        with self.assertRaises(ProtocolError):
            FakeSide().codec.decode(data)

    def test_a_value_nested_to_the_limit_is_accepted(self):
        data = 1
        for _ in range(channel.MAX_DEPTH):
            data = ['l', [data]]
        FakeSide().codec.decode(data)


if __name__ == '__main__':
    unittest.main()
