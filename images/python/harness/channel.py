"""The wire between the harness's processes: framing, the value codec, and the
validation of every message that comes from the student's side.

Two kinds of traffic go through here:
  - *frames* between the test process and the student process (the proxy
    protocol): a 4-byte big-endian length, then one JSON object. Everything
    the student process sends is hostile: `read_frame` refuses oversized or
    malformed frames, and `check_message` refuses any message that is not
    exactly one of the shapes below, before anything uses it;
  - *lines* of JSON, one event or report each, between the agent, the test
    process and the worker (`line`).

Values cross by value when they are plain data of exactly a builtin type
(None, bool, int, float, complex, str, bytes, bytearray, list, tuple, dict,
set, frozenset, and the immutable datetime/Decimal/Fraction values a course
suite compares with), deeply; anything else crosses as a handle. Each tagged
value is a JSON list whose first item names its kind:

  ["b", base64]            bytes            ["ba", base64]     bytearray
  ["i", hex]               an int too long for decimal JSON
  ["c", re, im]            complex          ["t", [v...]]      tuple
  ["l", [v...]]            list             ["s", [v...]]      set
  ["d", [[k, v]...]]       dict             ["f", [v...]]      frozenset
  ["date"|"datetime"|"time"|"timedelta"|"decimal"|"fraction", ...]
  ["ni"]                   NotImplemented   ["ell"]            Ellipsis
  ["bt", name]             a builtin type (int, ValueError…), the same object on both sides
  ["h", id, info|null]     an object of the student process (from it)
  ["r", id]                a student object, named back by the test process
  ["k", id, info]          an object of the test process (from it)
  ["kr", id]               a test object, named back by the student process
  ["ref", n]               the n-th container of the request (mutation sync)
  ["path", text, kind]     a pathlib path (PosixPath or PurePosixPath)
  ["x", {...}]             an exception

Plain JSON scalars (null, true/false, numbers, strings) stand for themselves.
"""
import base64
import builtins
import datetime
import decimal
import fractions
import json
import pathlib
import re
import struct

# Largest frame either side accepts: a value bigger than this cannot cross. Kept well under
# the smallest memory limit, so a huge value costs the test process little to refuse.
MAX_FRAME_BYTES = 8 * 1024 * 1024
# Deepest nesting of plain data that crosses by value; deeper goes as a handle.
MAX_DEPTH = 64
# Longest name, qualname, module or attribute the student side may announce.
MAX_NAME = 200
MAX_PATH_ITEMS = 32
# Exception text and traceback kept from the student's side.
MAX_EXC_TEXT = 4000

HEADER = struct.Struct('>I')
# Ints longer than this cross as hex text (decimal text is refused past 4300 digits).
BIG_INT_BITS = 3000
_HEX = re.compile(r'-?[0-9a-f]{1,%d}' % (MAX_FRAME_BYTES,))

SCALARS = (type(None), bool, int, float, str)
# Paths cross as paths: a handle to one would let the student's code call its methods
# (write_text, open…) in the test process, as the tests' uid.
PATH_TYPES = {pathlib.PosixPath: 'posix', pathlib.PurePosixPath: 'pure'}
# Most containers one message may hold, counted on the raw text before it is parsed:
# rebuilding a million tiny lists would cost the receiving process far more than the frame.
MAX_CONTAINERS = 200_000
TIME_TYPES = (datetime.date, datetime.datetime, datetime.time, datetime.timedelta, decimal.Decimal, fractions.Fraction)


class ProtocolError(Exception):
    """A peer sent something that is not the protocol (always the student's side)."""


# ---------------------------------------------------------------- framing

_encode = json.JSONEncoder(separators=(',', ':')).encode


def frame(message):
    data = _encode(message).encode('ascii')
    if len(data) > MAX_FRAME_BYTES:
        raise ValueError('value too large to pass between processes (%d MB at most)' % (MAX_FRAME_BYTES // 2 ** 20))
    return HEADER.pack(len(data)) + data


class FrameReader:
    """Collects bytes from a peer and yields whole, parsed frames."""

    def __init__(self):
        self.buffer = bytearray()
        self.chunk = bytearray(65536)

    def fill(self, sock):
        """Reads what `sock` has into the buffer (recv_into: no large allocation per read); False at its end."""
        n = sock.recv_into(self.chunk)
        if n == 0:
            return False
        self.feed(self.chunk[:n])
        return True

    def feed(self, data):
        self.buffer += data
        if len(self.buffer) > MAX_FRAME_BYTES + HEADER.size and self._size() > MAX_FRAME_BYTES:
            raise ProtocolError('a message larger than %d bytes' % MAX_FRAME_BYTES)

    def _size(self):
        return HEADER.unpack_from(self.buffer)[0]

    def next(self):
        if len(self.buffer) < HEADER.size:
            return None
        size = self._size()
        if size > MAX_FRAME_BYTES:
            raise ProtocolError('a message larger than %d bytes' % MAX_FRAME_BYTES)
        if len(self.buffer) < HEADER.size + size:
            return None
        payload = bytes(self.buffer[HEADER.size:HEADER.size + size])
        del self.buffer[:HEADER.size + size]
        return parse(payload)


def parse(payload):
    # Every encoded container starts with `["tag"`, and a quote inside a JSON string is always
    # escaped, so this count is exact, and costs one pass over bytes.
    if payload.count(b'["') > MAX_CONTAINERS:
        raise ProtocolError('a message of more than %d values' % MAX_CONTAINERS)
    try:
        message = json.loads(payload)
    except (ValueError, RecursionError, MemoryError) as err:
        # ValueError includes ints over Python's digit limit.
        raise ProtocolError('a malformed message (%s)' % type(err).__name__) from None
    if type(message) is not dict:
        raise ProtocolError('a message that is not an object')
    return message


def line(obj):
    """One event or report as a JSON line (ASCII: a lone surrogate is escaped, never an encoding error)."""
    return _encode(obj) + '\n'


# ---------------------------------------------------------------- message shapes

def _is_id(v):
    return type(v) is int and 0 <= v < 2 ** 53


def _is_name(v):
    return type(v) is str and 0 < len(v) <= MAX_NAME


REQUEST_FIELDS = {
    # op: {field: checker}
    'import': {'name': _is_name},
    'resolve': {'path': lambda v: is_path(v)},
    'getattr': {'h': _is_id, 'name': _is_name},
    'setattr': {'h': _is_id, 'name': _is_name, 'v': lambda v: True},
    'delattr': {'h': _is_id, 'name': _is_name},
    'call': {'h': _is_id, 'a': lambda v: type(v) is list, 'kw': lambda v: type(v) is list},
    'special': {'h': _is_id, 'name': _is_name, 'a': lambda v: type(v) is list},
    'dir': {'h': _is_id},
    'run_path': {'path': lambda v: type(v) is str and len(v) < 4096, 'run_name': lambda v: v is None or type(v) is str, 'g': lambda v: True},
    'input': {'prompt': lambda v: True},
    'stdin': {'how': lambda v: v in ('read', 'readline'), 'size': lambda v: type(v) is int and -1 <= v <= MAX_FRAME_BYTES // 2},
}
REPLY_FIELDS = {'re', 'ok', 'err', 'sync'}


def is_path(v):
    return (type(v) is list and 0 < len(v) <= MAX_PATH_ITEMS and all(_is_name(p) for p in v))


def check_message(message, allowed_ops):
    """Returns ('request', op) or ('reply', id) for a well-formed message; raises ProtocolError otherwise."""
    if 're' in message:
        if not set(message) <= REPLY_FIELDS or not _is_id(message['re']) or (('ok' in message) == ('err' in message)):
            raise ProtocolError('a malformed reply')
        sync = message.get('sync', [])
        if type(sync) is not list or not all(type(s) is list and len(s) == 2 and _is_id(s[0]) for s in sync):
            raise ProtocolError('a malformed reply (sync)')
        return 'reply', message['re']
    op = message.get('op')
    fields = REQUEST_FIELDS.get(op) if type(op) is str else None
    if fields is None or op not in allowed_ops:
        raise ProtocolError('an unknown request')
    if set(message) != set(fields) | {'id', 'op'} or not _is_id(message.get('id')):
        raise ProtocolError('a malformed %s request' % op)
    for name, ok in fields.items():
        if not ok(message[name]):
            raise ProtocolError('a malformed %s request (%s)' % (op, name))
    return 'request', op


# ---------------------------------------------------------------- values

def b64(data):
    return base64.b64encode(bytes(data)).decode('ascii')


def unb64(text):
    if type(text) is not str:
        raise ProtocolError('bytes that are not base64 text')
    try:
        return base64.b64decode(text.encode('ascii'), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ProtocolError('bytes that are not base64') from None


def is_plain_key(value, depth=0):
    """Dict keys and set items that cross by value: hashable plain data, so no foreign code runs to hash them."""
    t = type(value)
    if t in SCALARS or t is bytes or t is complex or t in TIME_TYPES:
        return True
    if t in (tuple, frozenset) and depth < MAX_DEPTH:
        return all(is_plain_key(v, depth + 1) for v in value)
    return False


def encode_time(value):
    t = type(value)
    if t is datetime.datetime:
        offset = value.utcoffset()
        if value.tzinfo is not None and type(value.tzinfo) is not datetime.timezone:
            return None
        name = None
        if offset is not None and value.tzinfo.tzname(None) != datetime.timezone(offset).tzname(None):
            name = value.tzinfo.tzname(None)
        return ['datetime', value.year, value.month, value.day, value.hour, value.minute, value.second,
                value.microsecond, None if offset is None else offset // datetime.timedelta(microseconds=1), value.fold, name]
    if t is datetime.date:
        return ['date', value.year, value.month, value.day]
    if t is datetime.time:
        if value.tzinfo is not None:
            return None
        return ['time', value.hour, value.minute, value.second, value.microsecond, value.fold]
    if t is datetime.timedelta:
        return ['timedelta', value.days, value.seconds, value.microseconds]
    if t is decimal.Decimal:
        return ['decimal', str(value)]
    if t is fractions.Fraction:
        return ['fraction', value.numerator, value.denominator]
    return None


def _ints(items, n):
    if len(items) != n or not all(type(i) is int for i in items):
        raise ProtocolError('a malformed date or number')
    return items


def decode_time(tag, items):
    try:
        if tag == 'datetime':
            y, mo, d, h, mi, s, us = _ints(items[:7], 7)
            if len(items) != 10 or not (items[9] is None or (type(items[9]) is str and len(items[9]) <= MAX_NAME)):
                raise ProtocolError('a malformed datetime')
            offset, fold, name = items[7], items[8], items[9]
            delta = None if offset is None else datetime.timedelta(microseconds=_ints([offset], 1)[0])
            tz = None if delta is None else (datetime.timezone(delta, name) if name else datetime.timezone(delta))
            return datetime.datetime(y, mo, d, h, mi, s, us, tzinfo=tz, fold=_ints([fold], 1)[0])
        if tag == 'date':
            return datetime.date(*_ints(items, 3))
        if tag == 'time':
            h, mi, s, us, fold = _ints(items, 5)
            return datetime.time(h, mi, s, us, fold=fold)
        if tag == 'timedelta':
            return datetime.timedelta(*_ints(items, 3))
        if tag == 'decimal':
            if len(items) != 1 or type(items[0]) is not str or len(items[0]) > 10000:
                raise ProtocolError('a malformed decimal')
            return decimal.Decimal(items[0])
        if tag == 'fraction':
            return fractions.Fraction(*_ints(items, 2))
    except (ValueError, TypeError, OverflowError, IndexError, ZeroDivisionError, decimal.InvalidOperation):
        raise ProtocolError('a malformed %s' % tag) from None
    raise ProtocolError('an unknown value tag')


class Codec:
    """Encodes and decodes values for one side.

    `foreign(value)` encodes an object that does not cross by value (a handle);
    `local(tag, items)` decodes a handle tag into an object of this side. Both
    are given by the side. Containers met while encoding or decoding a request
    are numbered (`refs`), so the peer can send back what it changed in place.
    """

    def __init__(self, foreign, local):
        self.foreign = foreign
        self.local = local

    # -- encoding (never runs foreign code: only exact builtin types are walked)
    def encode(self, value, refs=None, depth=0, path=None):
        t = type(value)
        if t is int and value.bit_length() > BIG_INT_BITS:
            # Past Python's int-to-text digit limit: hex has none, and converts in linear time.
            return ['i', format(value, 'x')]
        if t in SCALARS:
            return value
        if value is NotImplemented:
            return ['ni']
        if value is Ellipsis:
            return ['ell']
        if t is type and value.__module__ == 'builtins' and getattr(builtins, value.__name__, None) is value:
            return ['bt', value.__name__]
        if t is bytes:
            return ['b', b64(value)]
        if t is complex:
            return ['c', value.real, value.imag]
        if t in PATH_TYPES:
            return ['path', str(value), PATH_TYPES[t]]
        if t in TIME_TYPES:
            encoded = encode_time(value)
            if encoded is not None:
                return encoded
            return self.foreign(value)
        if t in (list, tuple, dict, set, frozenset, bytearray):
            if path is None:
                path = set()
            if depth >= MAX_DEPTH or id(value) in path:
                return self.foreign(value)
            if t is dict and not all(is_plain_key(k) for k in value):
                return self.foreign(value)
            if t in (set, frozenset) and not all(is_plain_key(k) for k in value):
                return self.foreign(value)
            if refs is not None and t in (list, dict, set, bytearray):
                refs.append(value)
            if t is bytearray:
                return ['ba', b64(value)]
            path.add(id(value))
            try:
                if t is dict:
                    return ['d', [[self.encode(k, None, depth + 1, path), self.encode(v, refs, depth + 1, path)] for k, v in value.items()]]
                items = [self.encode(v, refs, depth + 1, path) for v in value]
            finally:
                path.discard(id(value))
            return [{list: 'l', tuple: 't', set: 's', frozenset: 'f'}[t], items]
        return self.foreign(value)

    # -- decoding (strict: anything off is a ProtocolError)
    def decode(self, data, refs=None, depth=0):
        t = type(data)
        if t in (type(None), bool, str, int):
            return data
        if t is float:
            return data
        if t is not list or not data or type(data[0]) is not str:
            raise ProtocolError('a malformed value')
        if depth > MAX_DEPTH + 1:
            raise ProtocolError('a value nested too deeply')
        tag, items = data[0], data[1:]
        if tag in ('l', 's', 'd', 't', 'f'):
            if len(items) != 1 or type(items[0]) is not list:
                raise ProtocolError('a malformed container')
            content = items[0]
            if tag == 'l':
                out = []
                if refs is not None:
                    refs.append(out)
                out.extend(self.decode(v, refs, depth + 1) for v in content)
                return out
            if tag == 't':
                return tuple(self.decode(v, refs, depth + 1) for v in content)
            if tag == 'd':
                out = {}
                if refs is not None:
                    refs.append(out)
                for pair in content:
                    if type(pair) is not list or len(pair) != 2:
                        raise ProtocolError('a malformed dict')
                    key = self.decode(pair[0], None, depth + 1)
                    if not is_plain_key(key):
                        raise ProtocolError('a dict key that is not plain data')
                    out[key] = self.decode(pair[1], refs, depth + 1)
                return out
            members = [self.decode(v, None if tag == 'f' else refs, depth + 1) for v in content]
            if not all(is_plain_key(m) for m in members):
                raise ProtocolError('a set item that is not plain data')
            if tag == 'f':
                return frozenset(members)
            out = set(members)
            if refs is not None:
                refs.append(out)
            return out
        if tag == 'b':
            return unb64(items[0] if len(items) == 1 else None)
        if tag == 'ba':
            out = bytearray(unb64(items[0] if len(items) == 1 else None))
            if refs is not None:
                refs.append(out)
            return out
        if tag == 'path':
            if len(items) != 2 or type(items[0]) is not str or len(items[0]) > 4096 or items[1] not in ('posix', 'pure') or '\0' in items[0]:
                raise ProtocolError('a malformed path')
            return pathlib.PosixPath(items[0]) if items[1] == 'posix' else pathlib.PurePosixPath(items[0])
        if tag == 'i':
            if len(items) != 1 or type(items[0]) is not str or not _HEX.fullmatch(items[0]):
                raise ProtocolError('a malformed big int')
            return int(items[0], 16)
        if tag == 'c':
            if len(items) != 2 or not all(type(i) in (int, float) for i in items):
                raise ProtocolError('a malformed complex')
            return complex(items[0], items[1])
        if tag == 'ni' and not items:
            return NotImplemented
        if tag == 'ell' and not items:
            return Ellipsis
        if tag == 'bt' and len(items) == 1 and type(items[0]) is str:
            value = getattr(builtins, items[0], None)
            if type(value) is not type:
                raise ProtocolError('an unknown builtin type')
            return value
        if tag in ('date', 'datetime', 'time', 'timedelta', 'decimal', 'fraction'):
            return decode_time(tag, items)
        return self.local(tag, items, depth)

    # -- mutation: what a container holds now, nested known containers by number
    def shallow(self, container, refs):
        numbers = {id(c): n for n, c in enumerate(refs)}

        def item(v):
            n = numbers.get(id(v))
            if n is not None and v is not container:
                return ['ref', n]
            return self.encode(v)
        t = type(container)
        if t is bytearray:
            return ['ba', b64(container)]
        if t is dict:
            return ['d', [[self.encode(k), item(v)] for k, v in container.items()]]
        return ['l' if t is list else 's', [item(v) for v in container]]

    def apply_sync(self, sync, refs):
        """Updates the request's containers in place with what the peer changed."""
        for number, content in sync:
            if number >= len(refs):
                raise ProtocolError('a change to a value that was never sent')
            target = refs[number]
            new = self._decode_with_refs(content, refs)
            if type(new) is not type(target) and not (type(target) is set and type(new) is list):
                raise ProtocolError('a change of a value into another type')
            if type(target) is set and not all(is_plain_key(i) for i in new):
                raise ProtocolError('a set item that is not plain data')
            if type(target) in (list, bytearray):
                target[:] = new
            elif type(target) is dict:
                target.clear()
                target.update(new)
            else:
                target.clear()
                target.update(new)

    def _decode_with_refs(self, data, refs, depth=0):
        if type(data) is list and len(data) == 2 and data[0] == 'ref':
            if not _is_id(data[1]) or data[1] >= len(refs):
                raise ProtocolError('a malformed reference')
            return refs[data[1]]
        if type(data) is list and data and data[0] in ('l', 's') and len(data) == 2 and type(data[1]) is list:
            items = [self._decode_with_refs(v, refs, depth + 1) for v in data[1]]
            if data[0] == 'l':
                return items
            if not all(is_plain_key(i) for i in items):
                raise ProtocolError('a set item that is not plain data')
            return set(items)
        if type(data) is list and data and data[0] == 'd' and len(data) == 2 and type(data[1]) is list:
            out = {}
            for pair in data[1]:
                if type(pair) is not list or len(pair) != 2:
                    raise ProtocolError('a malformed dict')
                key = self.decode(pair[0])
                if not is_plain_key(key):
                    raise ProtocolError('a dict key that is not plain data')
                out[key] = self._decode_with_refs(pair[1], refs, depth + 1)
            return out
        return self.decode(data, None, depth)


def well_formed(text):
    """Text that encodes as UTF-8 (no lone surrogate)."""
    try:
        text.encode('utf-8')
        return True
    except UnicodeEncodeError:
        return False


def capped(text, limit=MAX_EXC_TEXT):
    if type(text) is not str:
        return ''
    return text if len(text) <= limit else text[:limit] + ' …[cut]'
