"""channel.py's framing and message validation: what either side accepts off the wire."""
import json
import socket
import unittest
from unittest import mock

import harness_support  # noqa: F401 - puts the harness on sys.path

import channel
from channel import FrameReader, ProtocolError, check_message, frame

ALL_OPS = tuple(channel.REQUEST_FIELDS)

WELL_FORMED_REQUESTS = {
    'import': {'id': 1, 'op': 'import', 'name': 'solution'},
    'resolve': {'id': 2, 'op': 'resolve', 'path': ['solution', 'Clock', 'add']},
    'getattr': {'id': 3, 'op': 'getattr', 'h': 7, 'name': 'x'},
    'setattr': {'id': 4, 'op': 'setattr', 'h': 7, 'name': 'x', 'v': ['l', [1, 2]]},
    'delattr': {'id': 5, 'op': 'delattr', 'h': 7, 'name': 'x'},
    'call': {'id': 6, 'op': 'call', 'h': 7, 'a': [1, 'two'], 'kw': [['k', 3]]},
    'special': {'id': 7, 'op': 'special', 'h': 7, 'name': '__len__', 'a': []},
    'dir': {'id': 8, 'op': 'dir', 'h': 7},
    'run_path': {'id': 9, 'op': 'run_path', 'path': 'main.py', 'run_name': '__main__', 'g': ['d', []]},
    'input': {'id': 10, 'op': 'input', 'prompt': 'name? '},
    'stdin': {'id': 11, 'op': 'stdin', 'how': 'readline', 'size': -1},
}


def read_all(data):
    reader = FrameReader()
    reader.feed(data)
    out = []
    while True:
        message = reader.next()
        if message is None:
            return out
        out.append(message)


def raw_frame(payload):
    return channel.HEADER.pack(len(payload)) + payload


class FramingTest(unittest.TestCase):
    def test_a_frame_round_trips(self):
        message = {'id': 1, 'op': 'call', 'a': [1, 2.5, 'é', None, True], 'kw': []}
        self.assertEqual(read_all(frame(message)), [message])

    def test_a_frame_is_ascii_even_with_a_lone_surrogate(self):
        data = frame({'re': 1, 'ok': 'a\ud800b'})
        data.decode('ascii')
        self.assertEqual(read_all(data), [{'re': 1, 'ok': 'a\ud800b'}])

    def test_a_frame_fed_byte_by_byte_comes_out_whole_once(self):
        message = {'re': 3, 'ok': ['l', [1, 2, 3]]}
        reader = FrameReader()
        data = frame(message)
        for i in range(len(data) - 1):
            reader.feed(data[i:i + 1])
            self.assertIsNone(reader.next())
        reader.feed(data[-1:])
        self.assertEqual(reader.next(), message)
        self.assertIsNone(reader.next())

    def test_two_frames_in_one_read_come_out_in_order(self):
        self.assertEqual(read_all(frame({'re': 1, 'ok': 1}) + frame({'re': 2, 'ok': 2})), [{'re': 1, 'ok': 1}, {'re': 2, 'ok': 2}])

    def test_fill_reads_frames_from_a_socket_and_says_false_at_its_end(self):
        a, b = socket.socketpair()
        with a, b:
            a.sendall(frame({'re': 1, 'ok': None}))
            reader = FrameReader()
            self.assertTrue(reader.fill(b))
            self.assertEqual(reader.next(), {'re': 1, 'ok': None})
            a.close()
            self.assertFalse(reader.fill(b))

    def test_frame_refuses_a_message_over_the_size_limit(self):
        with mock.patch.object(channel, 'MAX_FRAME_BYTES', 1000):
            frame({'re': 1, 'ok': 'x' * 900})
            with self.assertRaises(ValueError):
                frame({'re': 1, 'ok': 'x' * 1001})

    def test_a_buffer_growing_past_the_limit_is_refused_as_it_arrives(self):
        with mock.patch.object(channel, 'MAX_FRAME_BYTES', 1000):
            reader = FrameReader()
            with self.assertRaises(ProtocolError):
                reader.feed(channel.HEADER.pack(5000) + b' ' * 2000)

    def test_an_oversized_frame_header_is_refused(self):
        reader = FrameReader()
        reader.feed(channel.HEADER.pack(channel.MAX_FRAME_BYTES + 1) + b'{}')
        with self.assertRaises(ProtocolError):
            reader.next()

    def test_the_largest_header_is_refused_before_its_payload_arrives(self):
        reader = FrameReader()
        reader.feed(b'\xff\xff\xff\xff')
        with self.assertRaises(ProtocolError):
            reader.next()

    def test_malformed_json_is_refused(self):
        with self.assertRaises(ProtocolError):
            read_all(raw_frame(b'{"re": 1, "ok": '))

    def test_bytes_that_are_not_utf8_are_refused(self):
        with self.assertRaises(ProtocolError):
            read_all(raw_frame(b'{"re": 1, "ok": "\xff\xfe"}'))

    def test_json_that_is_not_an_object_is_refused(self):
        for payload in (b'[1, 2]', b'"text"', b'5', b'null', b'true'):
            with self.subTest(payload=payload), self.assertRaises(ProtocolError):
                read_all(raw_frame(payload))

    def test_deep_nesting_is_refused_not_a_recursion_error(self):
        with self.assertRaises(ProtocolError):
            read_all(raw_frame(b'{"ok": ' + b'[' * 200000 + b']' * 200000 + b'}'))

    def test_an_integer_over_pythons_digit_limit_is_refused_as_malformed(self):
        with self.assertRaises(ProtocolError):
            read_all(raw_frame(b'{"re": 1, "ok": 1' + b'0' * 10000 + b'}'))

    def test_line_is_one_ascii_json_line(self):
        text = channel.line({'e': 'output', 'text': 'a\ud800\n'})
        self.assertTrue(text.endswith('\n'))
        self.assertEqual(text.count('\n'), 1)
        text.encode('ascii')
        self.assertEqual(json.loads(text), {'e': 'output', 'text': 'a\ud800\n'})


class CheckMessageTest(unittest.TestCase):
    def test_each_well_formed_request_is_accepted(self):
        self.assertEqual(set(WELL_FORMED_REQUESTS), set(channel.REQUEST_FIELDS))
        for op, message in WELL_FORMED_REQUESTS.items():
            with self.subTest(op=op):
                self.assertEqual(check_message(message, ALL_OPS), ('request', op))

    def test_each_well_formed_reply_is_accepted(self):
        for reply in ({'re': 1, 'ok': None}, {'re': 2, 'ok': ['l', []]},
                      {'re': 3, 'err': {'t': 'ValueError', 'c': None, 'a': ['x'], 's': 'x', 'tb': ''}},
                      {'re': 4, 'ok': 1, 'sync': [[0, ['l', [1]]]]}, {'re': 2 ** 53 - 1, 'ok': 0}):
            with self.subTest(reply=reply):
                self.assertEqual(check_message(reply, ()), ('reply', reply['re']))

    def test_an_unknown_op_is_refused(self):
        for op in ('exec', '', None, 5, ['call']):
            with self.subTest(op=op), self.assertRaises(ProtocolError):
                check_message({'id': 1, 'op': op}, ALL_OPS)

    def test_an_op_the_receiver_does_not_allow_is_refused(self):
        with self.assertRaises(ProtocolError):
            check_message(WELL_FORMED_REQUESTS['import'], ('call', 'getattr', 'special', 'input', 'stdin'))

    def test_a_request_with_an_extra_field_is_refused(self):
        for op, message in WELL_FORMED_REQUESTS.items():
            with self.subTest(op=op), self.assertRaises(ProtocolError):
                check_message(dict(message, extra=1), ALL_OPS)

    def test_a_request_missing_a_field_is_refused(self):
        for op, message in WELL_FORMED_REQUESTS.items():
            for field in message:
                if field == 'op':
                    continue
                broken = {k: v for k, v in message.items() if k != field}
                with self.subTest(op=op, missing=field), self.assertRaises(ProtocolError):
                    check_message(broken, ALL_OPS)

    def test_a_request_with_a_bad_id_is_refused(self):
        for bad in (-1, 2 ** 53, True, 1.0, '1', None):
            with self.subTest(id=bad), self.assertRaises(ProtocolError):
                check_message(dict(WELL_FORMED_REQUESTS['dir'], id=bad), ALL_OPS)

    def test_a_request_with_a_field_of_the_wrong_type_is_refused(self):
        cases = [
            ('getattr', 'h', '7'), ('getattr', 'h', True), ('getattr', 'name', ''), ('getattr', 'name', 5),
            ('getattr', 'name', 'x' * (channel.MAX_NAME + 1)), ('call', 'a', {}), ('call', 'kw', 'k'),
            ('special', 'a', None), ('resolve', 'path', []), ('resolve', 'path', 'solution'),
            ('resolve', 'path', ['ok', '']), ('resolve', 'path', ['a'] * (channel.MAX_PATH_ITEMS + 1)),
            ('run_path', 'path', 5), ('run_path', 'path', 'x' * 5000), ('run_path', 'run_name', 1),
            ('stdin', 'how', 'write'), ('stdin', 'size', -2), ('stdin', 'size', True),
            ('stdin', 'size', channel.MAX_FRAME_BYTES), ('import', 'name', None),
        ]
        for op, field, value in cases:
            with self.subTest(op=op, field=field, value=repr(value)[:40]), self.assertRaises(ProtocolError):
                check_message(dict(WELL_FORMED_REQUESTS[op], **{field: value}), ALL_OPS)

    def test_a_reply_with_both_ok_and_err_is_refused(self):
        with self.assertRaises(ProtocolError):
            check_message({'re': 1, 'ok': 1, 'err': {}}, ALL_OPS)

    def test_a_reply_with_neither_ok_nor_err_is_refused(self):
        with self.assertRaises(ProtocolError):
            check_message({'re': 1}, ALL_OPS)

    def test_a_reply_with_an_extra_field_is_refused(self):
        for extra in ({'op': 'call'}, {'id': 1}, {'more': 1}):
            with self.subTest(extra=extra), self.assertRaises(ProtocolError):
                check_message(dict({'re': 1, 'ok': None}, **extra), ALL_OPS)

    def test_a_reply_with_a_bad_re_is_refused(self):
        for bad in (-1, True, 'one', None, 2 ** 53):
            with self.subTest(re=bad), self.assertRaises(ProtocolError):
                check_message({'re': bad, 'ok': None}, ALL_OPS)

    def test_a_reply_with_a_malformed_sync_is_refused(self):
        for sync in ({}, [[0]], [['0', ['l', []]]], [[-1, ['l', []]]], [0], [[0, 1, 2]]):
            with self.subTest(sync=sync), self.assertRaises(ProtocolError):
                check_message({'re': 1, 'ok': None, 'sync': sync}, ALL_OPS)


if __name__ == '__main__':
    unittest.main()
