"""Codec.shallow / apply_sync: what the callee did to the lists, dicts and sets it was given shows at the caller.

Each test plays both sides as proxy_client and student_process do: the caller
encodes its arguments (numbering its containers), the callee decodes them
(numbering its copies the same way), changes them, and sends back the shallow
content of every copy that changed; the caller applies that in place.
"""
import unittest

from harness_support import FakeSide

from channel import ProtocolError


def call_remotely(args, body):
    """Runs body(*copies) on the callee's side; returns what the caller's containers became."""
    caller, callee = FakeSide(), FakeSide()
    caller_refs, callee_refs = [], []
    wire = [caller.codec.encode(a, caller_refs) for a in args]
    copies = [callee.codec.decode(w, callee_refs) for w in wire]
    assert len(caller_refs) == len(callee_refs), 'both sides number the same containers'
    before = [callee.codec.shallow(c, callee_refs) for c in callee_refs]
    body(*copies)
    sync = []
    for n, c in enumerate(callee_refs):
        after = callee.codec.shallow(c, callee_refs)
        if after != before[n]:
            sync.append([n, after])
    caller.codec.apply_sync(sync, caller_refs)
    return sync


class MutationSyncTest(unittest.TestCase):
    def test_a_list_changed_by_the_callee_changes_in_place(self):
        items = [1, 2, 3]
        same = items

        def body(lst):
            lst.append(4)
            lst[0] = 'first'
            del lst[1]
        call_remotely([items], body)
        self.assertIs(items, same)
        self.assertEqual(items, ['first', 3, 4])

    def test_a_dict_changed_by_the_callee_changes_in_place(self):
        d = {'old': 0, 'keep': 1, 5: 'int key'}

        def body(dct):
            del dct['old']
            dct['new'] = [1]
            dct[(1, 2)] = 'tuple key'
        call_remotely([d], body)
        self.assertEqual(d, {'keep': 1, 5: 'int key', 'new': [1], (1, 2): 'tuple key'})

    def test_a_set_changed_by_the_callee_changes_in_place(self):
        s = {1, 2}

        def body(st):
            st.add(9)
            st.discard(1)
        call_remotely([s], body)
        self.assertEqual(s, {2, 9})

    def test_a_bytearray_changed_by_the_callee_changes_in_place(self):
        b = bytearray(b'abc')

        def body(ba):
            ba.extend(b'de')
            ba[0] = ord('A')
        call_remotely([b], body)
        self.assertEqual(b, bytearray(b'Abcde'))

    def test_nested_lists_change_in_place_and_keep_their_identity(self):
        inner = [1]
        table = {'row': [2]}
        outer = [inner, table]

        def body(o):
            o[0].append('inner')
            o[1]['row'].append(3)
            o.append(['brand new'])
        call_remotely([outer], body)
        self.assertEqual(outer, [[1, 'inner'], {'row': [2, 3]}, ['brand new']])
        self.assertIs(outer[0], inner)
        self.assertIs(outer[1], table)

    def test_containers_inside_a_tuple_argument_change_in_place(self):
        inner = []
        call_remotely([(inner, 1)], lambda t: t[0].append('x'))
        self.assertEqual(inner, ['x'])

    def test_a_container_moved_between_arguments_stays_the_callers_object(self):
        a, b = [1], []

        def body(x, y):
            y.append(x)
        call_remotely([a, b], body)
        self.assertEqual(b, [[1]])
        self.assertIs(b[0], a)

    def test_nothing_is_sent_back_when_nothing_changed(self):
        self.assertEqual(call_remotely([[1], {'a': 2}, {3}], lambda *args: None), [])

    def test_a_change_to_a_container_never_sent_is_refused(self):
        with self.assertRaises(ProtocolError):
            FakeSide().codec.apply_sync([[3, ['l', []]]], [[]])

    def test_a_change_of_a_list_into_a_dict_is_refused(self):
        with self.assertRaises(ProtocolError):
            FakeSide().codec.apply_sync([[0, ['d', []]]], [[]])

    def test_a_malformed_reference_is_refused(self):
        for content in (['l', [['ref', 5]]], ['l', [['ref', -1]]], ['l', [['ref', 'x']]]):
            with self.subTest(content=content), self.assertRaises(ProtocolError):
                FakeSide().codec.apply_sync([[0, content]], [[]])

    def test_a_synced_dict_key_that_is_not_plain_data_is_refused(self):
        with self.assertRaises(ProtocolError):
            FakeSide().codec.apply_sync([[0, ['d', [[['l', []], 1]]]]], [{}])

    def test_a_synced_set_holding_an_unhashable_item_is_refused_as_a_protocol_error(self):
        # A hostile callee names a list (or the set itself) as a set member: a TypeError would escape.
        for content in (['s', [['l', []]]], ['s', [['ref', 0]]], ['s', [['d', []]]]):
            with self.subTest(content=content), self.assertRaises(ProtocolError):
                FakeSide().codec.apply_sync([[0, content]], [set()])


if __name__ == '__main__':
    unittest.main()
