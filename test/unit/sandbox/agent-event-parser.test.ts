import { describe, expect, it } from 'vitest'
import { AgentEventParser } from '../../../services/sandbox/agent-event-parser.js'
import { HARNESS_PROTOCOL } from '../../../services/sandbox/harness-protocol.js'

const line = (value: unknown) => JSON.stringify(value) + '\n'
const buf = (text: string) => Buffer.from(text, 'utf8')

describe('AgentEventParser', () => {
  it('returns one event per complete line', () => {
    const parser = new AgentEventParser(10_000)
    const events = parser.push(buf(line({ event: 'ready', protocol: HARNESS_PROTOCOL }) + line({ event: 'test', id: 't::a' })))
    expect(events).toEqual([{ event: 'ready', protocol: HARNESS_PROTOCOL }, { event: 'test', id: 't::a' }])
  })

  it('holds a line split across chunks until its newline arrives', () => {
    const parser = new AgentEventParser(10_000)
    const text = line({ event: 'test', id: 'test_a.py::test_one' })
    expect(parser.push(buf(text.slice(0, 7)))).toEqual([])
    expect(parser.push(buf(text.slice(7, 20)))).toEqual([])
    expect(parser.push(buf(text.slice(20)))).toEqual([{ event: 'test', id: 'test_a.py::test_one' }])
  })

  it('returns the complete line of a chunk and keeps the partial one after it', () => {
    const parser = new AgentEventParser(10_000)
    const second = line({ event: 'test', id: 't::b' })
    expect(parser.push(buf(line({ event: 'test', id: 't::a' }) + second.slice(0, 5)))).toEqual([{ event: 'test', id: 't::a' }])
    expect(parser.push(buf(second.slice(5)))).toEqual([{ event: 'test', id: 't::b' }])
  })

  it('never returns a line without its newline', () => {
    const parser = new AgentEventParser(10_000)
    expect(parser.push(buf(JSON.stringify({ event: 'report', protocol: 1 })))).toEqual([])
  })

  it('skips blank lines', () => {
    const parser = new AgentEventParser(10_000)
    expect(parser.push(buf('\n  \n' + line({ event: 'test', id: 't::a' }) + '\n'))).toHaveLength(1)
  })

  it('keeps a multi-byte character split across chunks intact', () => {
    const parser = new AgentEventParser(10_000)
    const bytes = buf(line({ event: 'test', id: 'test_é::ü' }))
    const cut = bytes.indexOf(buf('é')) + 1
    expect(parser.push(bytes.subarray(0, cut))).toEqual([])
    expect(parser.push(bytes.subarray(cut))).toEqual([{ event: 'test', id: 'test_é::ü' }])
  })

  it('accepts a stream of exactly the byte limit', () => {
    const text = line({ event: 'test', id: 't::a' })
    const parser = new AgentEventParser(Buffer.byteLength(text))
    expect(parser.push(buf(text))).toHaveLength(1)
  })

  it('throws when the stream exceeds the byte limit, counted over all chunks', () => {
    const text = line({ event: 'test', id: 't::a' })
    const parser = new AgentEventParser(Buffer.byteLength(text) * 2 - 1)
    parser.push(buf(text))
    expect(() => parser.push(buf(text))).toThrow(/exceeds/)
  })

  it('counts bytes, not characters, against the limit', () => {
    const parser = new AgentEventParser(10)
    // Five characters, ten bytes in UTF-8, then one more byte.
    expect(() => parser.push(buf('ééééé'))).not.toThrow()
    expect(() => parser.push(buf('x'))).toThrow(/exceeds/)
  })

  it('throws on a line longer than the limit even before its newline', () => {
    const parser = new AgentEventParser(1000, 100)
    expect(() => parser.push(Buffer.alloc(101, 'a'))).toThrow(/exceeds/)
  })

  it.each([
    ['an object without event', '{"test":1}'],
    ['an object with a numeric event', '{"event":5}'],
    ['an array', '[{"event":"ready"}]'],
    ['null', 'null'],
    ['a string', '"ready"'],
    ['a number', '42'],
    ['an event of another protocol version', JSON.stringify({ event: 'ready', protocol: HARNESS_PROTOCOL - 1 })],
    ['an event with a field of the wrong type', JSON.stringify({ event: 'test', id: 42 })],
    ['a result whose status is not a status', JSON.stringify({ event: 'result', test: { name: 'a', status: 'passed-ish' } })],
    ['a report with a field the protocol does not have', JSON.stringify({ event: 'report', protocol: HARNESS_PROTOCOL, tests: [], forged: true })],
    ['a report whose test list holds a number', JSON.stringify({ event: 'report', protocol: HARNESS_PROTOCOL, tests: [1] })],
    ['an unknown event', JSON.stringify({ event: 'pass', protocol: HARNESS_PROTOCOL })],
  ])('throws when a line is %s', (_label, text) => {
    const parser = new AgentEventParser(10_000)
    expect(() => parser.push(buf(text + '\n'))).toThrow('agent printed a message out of protocol')
  })

  it('throws when a line is not JSON', () => {
    const parser = new AgentEventParser(10_000)
    expect(() => parser.push(buf('Traceback (most recent call last):\n'))).toThrow('not JSON')
  })

  it('accepts the collected event and a report of this protocol', () => {
    const parser = new AgentEventParser(10_000)
    const events = parser.push(buf(line({ event: 'collected', tests: ['a::b'] }) +
      line({ event: 'report', protocol: HARNESS_PROTOCOL, complete: true, collected: ['a::b'], tests: [{ name: 'a::b', status: 'pass' }] })))
    expect(events.map(e => e.event)).toEqual(['collected', 'report'])
  })
})
