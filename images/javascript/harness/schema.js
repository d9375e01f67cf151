'use strict'
// The harness protocol, as exported from services/sandbox/harness-protocol.ts.
//
// `protocol.json` beside this file is generated (npm run protocol:export), never
// edited by hand. `check` implements the part of JSON Schema those schemas use
// (type, const, properties, required, additionalProperties, items, anyOf,
// maxLength, maxItems, minimum): no package beyond Node itself. The twin of the
// Python image's schema.py.
const { readFileSync } = require('node:fs')
const { join } = require('node:path')

const DOCUMENT = JSON.parse(readFileSync(join(__dirname, 'protocol.json'), 'utf8'))
const VERSION = DOCUMENT.version
const SCHEMAS = DOCUMENT.schemas

/** A message that does not match its schema; the text says where. */
class Invalid extends Error {
  constructor (message) { super(message); this.name = 'Invalid' }
}

const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v)
const TYPES = {
  object: isObject,
  array: v => Array.isArray(v),
  string: v => typeof v === 'string',
  integer: v => Number.isInteger(v),
  number: v => typeof v === 'number' && Number.isFinite(v),
  boolean: v => typeof v === 'boolean',
  null: v => v === null,
}

/** Throws Invalid unless `value` matches the protocol's schema `name`; returns the value. */
function check (name, value) {
  visit(SCHEMAS[name], value, name)
  return value
}

function visit (schema, value, where) {
  if (schema.anyOf !== undefined) {
    for (const option of schema.anyOf) {
      try { visit(option, value, where); return } catch (err) { if (!(err instanceof Invalid)) throw err }
    }
    throw new Invalid(`${where} matches none of its forms`)
  }
  const kind = schema.type
  if (kind !== undefined && !TYPES[kind](value)) throw new Invalid(`${where} is not of type ${kind}`)
  if ('const' in schema && value !== schema.const) throw new Invalid(`${where} is not ${JSON.stringify(schema.const)}`)
  if (kind === 'string' && schema.maxLength !== undefined && value.length > schema.maxLength) {
    throw new Invalid(`${where} is longer than ${schema.maxLength} characters`)
  }
  if ((kind === 'integer' || kind === 'number') && schema.minimum !== undefined && value < schema.minimum) {
    throw new Invalid(`${where} is below ${schema.minimum}`)
  }
  if (kind === 'array') {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) throw new Invalid(`${where} has more than ${schema.maxItems} items`)
    if (schema.items !== undefined) value.forEach((item, i) => visit(schema.items, item, `${where}[${i}]`))
  }
  if (kind === 'object') {
    const properties = schema.properties ?? {}
    for (const key of schema.required ?? []) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) throw new Invalid(`${where} lacks ${key}`)
    }
    const extra = schema.additionalProperties ?? true
    for (const key of Object.keys(value)) {
      if (Object.prototype.hasOwnProperty.call(properties, key)) visit(properties[key], value[key], `${where}.${key}`)
      else if (extra === false) throw new Invalid(`${where} has an unknown field ${key.slice(0, 40)}`)
      else if (isObject(extra)) visit(extra, value[key], `${where}[${JSON.stringify(key.slice(0, 40))}]`)
    }
  }
}

module.exports = { VERSION, SCHEMAS, Invalid, check }
