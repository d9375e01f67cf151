"""The harness protocol, as exported from services/sandbox/harness-protocol.ts.

`protocol.json` beside this file is generated (npm run protocol:export), never
edited by hand. `check` implements the part of JSON Schema those schemas use
(type, const, properties, required, additionalProperties, items, anyOf,
maxLength, maxItems, minimum): no package beyond the standard library.
"""
import json
import os

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'protocol.json'), encoding='utf-8') as _f:
    _DOCUMENT = json.load(_f)

VERSION = _DOCUMENT['version']
SCHEMAS = _DOCUMENT['schemas']

_TYPES = {
    'object': lambda v: type(v) is dict,
    'array': lambda v: type(v) is list,
    'string': lambda v: type(v) is str,
    'integer': lambda v: type(v) is int or (type(v) is float and v.is_integer()),
    'number': lambda v: type(v) in (int, float),
    'boolean': lambda v: type(v) is bool,
    'null': lambda v: v is None,
}


class Invalid(ValueError):
    """A message that does not match its schema; the text says where."""


def check(name, value):
    """Raises Invalid unless `value` matches the protocol's schema `name`."""
    _check(SCHEMAS[name], value, name)
    return value


def _check(schema, value, where):
    if 'anyOf' in schema:
        for option in schema['anyOf']:
            try:
                _check(option, value, where)
                return
            except Invalid:
                continue
        raise Invalid('%s matches none of its forms' % where)
    kind = schema.get('type')
    if kind is not None and not _TYPES[kind](value):
        raise Invalid('%s is not of type %s' % (where, kind))
    if 'const' in schema and (value != schema['const'] or (type(value) is bool) != (type(schema['const']) is bool)):
        raise Invalid('%s is not %r' % (where, schema['const']))
    if kind == 'string' and len(value) > schema.get('maxLength', len(value)):
        raise Invalid('%s is longer than %d characters' % (where, schema['maxLength']))
    if kind in ('integer', 'number') and value < schema.get('minimum', value):
        raise Invalid('%s is below %s' % (where, schema['minimum']))
    if kind == 'array':
        if len(value) > schema.get('maxItems', len(value)):
            raise Invalid('%s has more than %d items' % (where, schema['maxItems']))
        items = schema.get('items')
        if items is not None:
            for i, item in enumerate(value):
                _check(items, item, '%s[%d]' % (where, i))
    if kind == 'object':
        properties = schema.get('properties', {})
        for key in schema.get('required', []):
            if key not in value:
                raise Invalid('%s lacks %s' % (where, key))
        extra = schema.get('additionalProperties', True)
        for key, item in value.items():
            if type(key) is not str:
                raise Invalid('%s has a key that is not text' % where)
            if key in properties:
                _check(properties[key], item, '%s.%s' % (where, key))
            elif extra is False:
                raise Invalid('%s has an unknown field %s' % (where, key[:40]))
            elif isinstance(extra, dict):
                _check(extra, item, '%s[%r]' % (where, key[:40]))
