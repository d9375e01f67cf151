'use strict'
// The proxy protocol, both ways: the value codec, handles and their proxies,
// and the validation of every message that comes from the student's side.
//
// Loaded twice: inside each Jest test file's realm (so that what it decodes is
// made of that realm's Array, Error, Promise… and `toStrictEqual` or
// `toThrow(TypeError)` see their own classes), and in the student process.
// Each side keeps a table of its own objects that the other side holds by
// handle, and a proxy for each handle of the other side's it received.
//
// On the wire every value is JSON: null, booleans, strings and finite numbers
// stand for themselves; everything else is a list whose first item names it:
//   ['u'] undefined   ['n', 'NaN'|'Infinity'|'-Infinity'|'-0']   ['big', digits]
//   ['a', [v…]] array    ['o', [[k, v]…], nullProto] plain object
//   ['date', ms]   ['map', [[k, v]…]]   ['set', [v…]]   ['re', source, flags]
//   ['ta', 'Uint8Array'…, base64]   ['ab', base64]   ['sym', well-known name]
//   ['h', id, info]  an object of the sender's, by handle
//   ['r', id]        an object of the receiver's, named back
//   ['p', id]        a promise of the sender's; a `settle` message follows
//   ['x', info]      an error: its class name, message, stack, and the sender's classes of it
//   ['ref', n]       the n-th container of the request (mutation sync)
//
// Messages: requests {id, op, …}, replies {re, ok | err, sync?}, and notices
// {op: 'settle' | 'out'} that need no answer.

// The Date of when the harness loaded: fake timers replace the global one later (see channel.js).
const RealDate = Date
const now = Date.now
const MAX_DEPTH = 64
const MAX_NAME = 200
const MAX_KEY = 1000
const MAX_TEXT = 4000
/** Most containers one message may hold, counted on the raw text before it is parsed. */
const MAX_CONTAINERS = 200_000
const MAX_OUTPUT_CHARS = 1 << 20
const WELL_KNOWN = ['iterator', 'asyncIterator', 'hasInstance', 'toPrimitive', 'toStringTag', 'isConcatSpreadable', 'species', 'match', 'matchAll', 'replace', 'search', 'split', 'unscopables']
const ERROR_CLASSES = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError }
const TYPED_ARRAYS = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
}
/** Properties the student's side may never read or write on an object of the tests: the way out to the test process's Function. */
const BLOCKED_KEYS = new Set(['constructor', '__proto__', 'prototype', 'caller', 'callee', 'arguments', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__'])
const ORIGIN = Symbol('grader.origin')
const CHAIN = Symbol('grader.chain')
const GUARD = Symbol('grader.handle')
/**
 * The roots of a realm's prototype chains, named in a 'proto' reply instead of sent by handle:
 * each side stands for them with its own (taken when this module loads, before any student code).
 */
const REALM_ROOTS = Object.freeze({ 'Object.prototype': Object.prototype, 'Function.prototype': Function.prototype })
const ROOT_NAMES = new Map(Object.entries(REALM_ROOTS).map(([name, root]) => [root, name]))

/** A peer sent something that is not the protocol (always the student's side). */
class ProtocolError extends Error {
  constructor (message) { super(message); this.name = 'ProtocolError' }
}

const toString = Function.prototype.call.bind(Object.prototype.toString)
const isId = v => Number.isSafeInteger(v) && v >= 0
const isName = v => typeof v === 'string' && v.length <= MAX_NAME

function b64 (view) {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64')
}

function unb64 (text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new ProtocolError('bytes that are not base64')
  return Buffer.from(text, 'base64')
}

const capped = (text, limit = MAX_TEXT) => (typeof text !== 'string' ? '' : text.length <= limit ? text : `${text.slice(0, limit)} …[cut]`)

function encodeKey (key) {
  if (typeof key === 'symbol') {
    const name = WELL_KNOWN.find(n => Symbol[n] === key)
    return name === undefined ? null : ['sym', name]
  }
  return String(key)
}

function decodeKey (data) {
  if (typeof data === 'string' && data.length <= MAX_KEY) return data
  if (Array.isArray(data) && data.length === 2 && data[0] === 'sym' && WELL_KNOWN.includes(data[1])) return Symbol[data[1]]
  throw new ProtocolError('a malformed property key')
}

function isPlainObject (value) {
  const proto = Object.getPrototypeOf(value)
  return proto === null || proto === Object.prototype
}

/** Own data properties only, or null when one is an accessor (it then crosses by handle, so its getter runs where it lives). */
function dataEntries (value, indices) {
  const descriptors = Object.getOwnPropertyDescriptors(value)
  const out = []
  for (const key of Object.keys(descriptors)) {
    const d = descriptors[key]
    if (d.get !== undefined || d.set !== undefined) return null
    if (indices && key === 'length') continue
    if (d.enumerable) out.push([key, d.value])
  }
  return out
}

class Peer {
  /**
   * @param {object} o
   * @param {'test'|'student'} o.side
   * @param {{send: Function, next: Function}} o.channel  (channel.js, or its mirror in the test realm)
   * @param {(outermost?: boolean) => number} [o.deadline] epoch ms by which a reply must come (the running
   *   test's), Infinity for none; `outermost` is true for a request made while none is waiting, which is
   *   where a deadline outside any test starts
   * @param {(kind: string, detail: string) => Error} [o.fault] the student's process failed: what to throw
   * @param {(text: string) => void} [o.output] what the student's code printed
   */
  constructor ({ side, channel, deadline = () => Infinity, fault, output = () => {}, died = () => {}, timers = () => {}, resolveModule }) {
    this.side = side
    this.channel = channel
    this.deadline = deadline
    this.faultHook = fault ?? ((kind, detail) => new Error(detail))
    this.outputHook = output
    this.diedHook = died
    /** Student side: the tests' clock to run the student's timers on (fake timers), or null for its own. */
    this.timersHook = timers
    this.resolveModule = resolveModule
    this.objects = new Map()
    this.ids = new Map()
    // Own objects the other side has been told about (a restarted other side knows none).
    this.sent = new Set()
    this.proxies = new Map()
    this.handles = new WeakMap()
    this.promises = new Map()
    this.mirrors = new Map()
    this.nextObject = side === 'test' ? 1 : 1
    this.nextRequest = side === 'test' ? 1 : 1 << 30
    this.generation = 0
    this.fault = null
    /** Requests waiting for their answer (a callback from inside a call asks again, one level down). */
    this.depth = 0
    /**
     * Requests left before their reply came: a stack overflow can throw out of the wait itself
     * (Jest's diff of objects whose getters make new ones recurses until it does). Their replies
     * still arrive, later, and are dropped, so the next request is not handed a stale answer.
     */
    this.abandoned = new Set()
  }

  // ------------------------------------------------------------- own objects

  register (value) {
    let id = this.ids.get(value)
    if (id === undefined) {
      id = this.nextObject++
      this.objects.set(id, value)
      this.ids.set(value, id)
    }
    return id
  }

  handle (value) {
    const id = this.register(value)
    if (this.sent.has(id)) return ['h', id, null]
    this.sent.add(id)
    let info
    if (typeof value === 'function') {
      let source = ''
      try { source = Function.prototype.toString.call(value) } catch {}
      let name = ''
      try { name = typeof value.name === 'string' ? value.name : '' } catch {}
      info = { t: /^class\b/.test(source) ? 'c' : 'f', n: capped(name, MAX_NAME) }
    } else {
      info = { t: 'o' }
    }
    return ['h', id, info]
  }

  // ------------------------------------------------------------- encoding

  encode (value, refs = null, depth = 0, path = new Set()) {
    switch (typeof value) {
      case 'undefined': return ['u']
      case 'boolean': case 'string': return value
      case 'number':
        if (Number.isNaN(value)) return ['n', 'NaN']
        if (value === Infinity) return ['n', 'Infinity']
        if (value === -Infinity) return ['n', '-Infinity']
        if (Object.is(value, -0)) return ['n', '-0']
        return value
      case 'bigint': return ['big', value.toString()]
      case 'symbol': {
        const key = encodeKey(value)
        return key === null ? ['u'] : key
      }
      case 'function': {
        const remote = this.handles.get(value)
        if (remote !== undefined) return ['r', this.currentId(remote)]
        return this.handle(value)
      }
    }
    if (value === null) return null
    const remote = this.handles.get(value)
    if (remote !== undefined) return ['r', this.currentId(remote)]
    if (this.side === 'student' && require('node:util').types.isProxy(value)) return this.handle(value)
    const tag = toString(value)
    if (tag === '[object Promise]') return ['p', this.promise(value)]
    if (tag === '[object Error]' || value instanceof Error) return ['x', this.errorInfo(value)]
    if (depth >= MAX_DEPTH || path.has(value)) return this.handle(value)
    if (Array.isArray(value)) {
      const entries = dataEntries(value, true)
      if (entries === null || Object.getPrototypeOf(value) !== Array.prototype) return this.handle(value)
      if (refs !== null) refs.push(value)
      path.add(value)
      const items = []
      for (let i = 0; i < value.length; i++) items.push(this.encode(value[i], refs, depth + 1, path))
      path.delete(value)
      return ['a', items]
    }
    if (value instanceof RealDate && Object.getPrototypeOf(value) === RealDate.prototype) return ['date', RealDate.prototype.getTime.call(value)]
    if (value instanceof RegExp && Object.getPrototypeOf(value) === RegExp.prototype) return ['re', value.source, value.flags]
    if (value instanceof Map && Object.getPrototypeOf(value) === Map.prototype) {
      if (refs !== null) refs.push(value)
      path.add(value)
      const out = ['map', [...value].map(([k, v]) => [this.encode(k, refs, depth + 1, path), this.encode(v, refs, depth + 1, path)])]
      path.delete(value)
      return out
    }
    if (value instanceof Set && Object.getPrototypeOf(value) === Set.prototype) {
      if (refs !== null) refs.push(value)
      path.add(value)
      const out = ['set', [...value].map(v => this.encode(v, refs, depth + 1, path))]
      path.delete(value)
      return out
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const name = Object.keys(TYPED_ARRAYS).find(n => Object.getPrototypeOf(value) === TYPED_ARRAYS[n].prototype)
      if (name !== undefined) return ['ta', name, b64(value)]
    }
    if (value instanceof ArrayBuffer) return ['ab', b64(new Uint8Array(value))]
    if (isPlainObject(value)) {
      const entries = dataEntries(value, false)
      // An object with methods is an object of behaviour, not data: its state stays where it lives.
      if (entries === null || entries.some(([, v]) => typeof v === 'function')) return this.handle(value)
      if (refs !== null) refs.push(value)
      path.add(value)
      const out = ['o', entries.map(([k, v]) => [k, this.encode(v, refs, depth + 1, path)]), Object.getPrototypeOf(value) === null ? 1 : 0]
      path.delete(value)
      return out
    }
    return this.handle(value)
  }

  errorInfo (error) {
    if (error[ORIGIN] !== undefined && error[ORIGIN].peer === this) return { r: error[ORIGIN].id }
    const id = this.register(error)
    let name = 'Error'
    let message = ''
    let stack = ''
    try { name = String(error.name) } catch {}
    try { message = String(error.message) } catch {}
    try { stack = String(error.stack) } catch {}
    // The nearest builtin error class, and the sender's own classes below it.
    let base = 'Error'
    const chain = []
    let proto = Object.getPrototypeOf(error)
    while (proto !== null) {
      const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value
      const builtin = Object.keys(ERROR_CLASSES).find(n => ERROR_CLASSES[n].prototype === proto)
      if (builtin !== undefined) { base = builtin; break }
      if (typeof ctor === 'function' && chain.length < 8) chain.push(this.handle(ctor))
      proto = Object.getPrototypeOf(proto)
    }
    const props = []
    for (const [k, v] of Object.entries(Object.getOwnPropertyDescriptors(error))) {
      if (['message', 'stack', 'name'].includes(k) || !('value' in v) || !v.enumerable || props.length >= 16) continue
      const t = typeof v.value
      if (v.value === null || t === 'string' || t === 'number' || t === 'boolean') props.push([k, this.encode(v.value)])
    }
    return { id, n: capped(name, MAX_NAME), m: capped(message), s: capped(stack), b: base, c: chain, p: props }
  }

  promise (value) {
    const known = this.ids.has(value)
    const id = this.register(value)
    if (!known) {
      Promise.prototype.then.call(value,
        ok => this.notice({ op: 'settle', p: id, ok: this.encode(ok) }),
        err => this.notice({ op: 'settle', p: id, err: this.encode(err) }))
    }
    return id
  }

  // ------------------------------------------------------------- decoding (strict: anything off is a ProtocolError)

  decode (data, refs = null, depth = 0) {
    const t = typeof data
    if (data === null || t === 'boolean' || t === 'string') return data
    if (t === 'number') {
      if (!Number.isFinite(data)) throw new ProtocolError('a malformed number')
      return data
    }
    if (!Array.isArray(data) || typeof data[0] !== 'string') throw new ProtocolError('a malformed value')
    if (depth > MAX_DEPTH + 1) throw new ProtocolError('a value nested too deeply')
    const [tag, a, b, c] = data
    const n = data.length
    switch (tag) {
      case 'u': return undefined
      case 'n':
        if (n === 2 && a === 'NaN') return NaN
        if (n === 2 && a === 'Infinity') return Infinity
        if (n === 2 && a === '-Infinity') return -Infinity
        if (n === 2 && a === '-0') return -0
        break
      case 'big':
        if (n === 2 && typeof a === 'string' && /^-?[0-9]{1,100000}$/.test(a)) return BigInt(a)
        break
      case 'a': {
        if (n !== 2 || !Array.isArray(a)) break
        const out = []
        if (refs !== null) refs.push(out)
        for (const item of a) out.push(this.decode(item, refs, depth + 1))
        return out
      }
      case 'o': {
        if (n !== 3 || !Array.isArray(a) || (b !== 0 && b !== 1)) break
        const out = b === 1 ? Object.create(null) : {}
        if (refs !== null) refs.push(out)
        for (const pair of a) {
          if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || pair[0].length > MAX_KEY) throw new ProtocolError('a malformed object')
          // defineProperty, never assignment: a key `__proto__` is a key, not a new prototype.
          Object.defineProperty(out, pair[0], { value: this.decode(pair[1], refs, depth + 1), writable: true, enumerable: true, configurable: true })
        }
        return out
      }
      case 'date':
        if (n === 2 && (typeof a === 'number' || a === null)) return new RealDate(a === null ? NaN : a)
        break
      case 're':
        if (n === 3 && typeof a === 'string' && a.length <= 100_000 && typeof b === 'string' && /^[dgimsuvy]{0,8}$/.test(b)) {
          try { return new RegExp(a, b) } catch { throw new ProtocolError('a malformed regular expression') }
        }
        break
      case 'map': {
        if (n !== 2 || !Array.isArray(a)) break
        const out = new Map()
        if (refs !== null) refs.push(out)
        for (const pair of a) {
          if (!Array.isArray(pair) || pair.length !== 2) throw new ProtocolError('a malformed map')
          out.set(this.decode(pair[0], refs, depth + 1), this.decode(pair[1], refs, depth + 1))
        }
        return out
      }
      case 'set': {
        if (n !== 2 || !Array.isArray(a)) break
        const out = new Set()
        if (refs !== null) refs.push(out)
        for (const item of a) out.add(this.decode(item, refs, depth + 1))
        return out
      }
      case 'ta': {
        if (n !== 3 || !Object.prototype.hasOwnProperty.call(TYPED_ARRAYS, a)) break
        const bytes = unb64(b)
        const Ctor = TYPED_ARRAYS[a]
        if (bytes.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new ProtocolError('a malformed typed array')
        const buffer = new ArrayBuffer(bytes.length)
        new Uint8Array(buffer).set(bytes)
        return new Ctor(buffer)
      }
      case 'ab': {
        if (n !== 2) break
        const bytes = unb64(a)
        const buffer = new ArrayBuffer(bytes.length)
        new Uint8Array(buffer).set(bytes)
        return buffer
      }
      case 'sym':
        if (n === 2 && WELL_KNOWN.includes(a)) return Symbol[a]
        break
      case 'h':
        if (n === 3 && isId(a)) return this.remote(a, b === null ? null : this.checkInfo(b))
        break
      case 'r':
        if (n === 2 && isId(a) && this.objects.has(a)) return this.objects.get(a)
        throw new ProtocolError('a reference to an object that was never sent')
      case 'p':
        if (n === 2 && isId(a)) return this.remotePromise(a)
        break
      case 'x':
        if (n === 2 && a !== null && typeof a === 'object' && !Array.isArray(a)) return this.remoteError(a, depth)
        break
    }
    throw new ProtocolError(`a malformed value (${tag.slice(0, 20)})`)
  }

  checkInfo (info) {
    if (info === null || typeof info !== 'object' || !['f', 'c', 'o'].includes(info.t) || (info.n !== undefined && !isName(info.n))) {
      throw new ProtocolError('a malformed handle')
    }
    return { t: info.t, n: info.n ?? '' }
  }

  remoteError (info, depth) {
    if (info.r !== undefined) {
      if (!isId(info.r) || !this.objects.has(info.r)) throw new ProtocolError('a reference to an error that was never sent')
      return this.objects.get(info.r)
    }
    if (!isId(info.id) || !isName(info.n) || typeof info.m !== 'string' || typeof info.s !== 'string' ||
        !Object.prototype.hasOwnProperty.call(ERROR_CLASSES, info.b) || !Array.isArray(info.c) || info.c.length > 8 ||
        !Array.isArray(info.p) || info.p.length > 16) {
      throw new ProtocolError('a malformed error')
    }
    const chain = info.c.map(h => this.decode(h, null, depth + 1))
    if (!chain.every(c => typeof c === 'function' && this.handles.has(c))) throw new ProtocolError('a malformed error class')
    const Base = ERROR_CLASSES[info.b]
    const Mirror = chain.length > 0 ? this.mirrorClass(chain[0], this.handles.get(chain[0]).info.n || info.b, Base) : Base
    const error = Object.create(Mirror.prototype)
    Object.defineProperty(error, 'message', { value: capped(info.m), writable: true, configurable: true })
    // The error's own name, as its side reads it (a class that sets none keeps its base's).
    if (info.n !== Base.prototype.name) Object.defineProperty(error, 'name', { value: info.n, writable: true, configurable: true })
    Object.defineProperty(error, 'stack', { value: capped(info.s) || `${info.n}: ${info.m}`, writable: true, configurable: true })
    for (const pair of info.p) {
      if (!Array.isArray(pair) || pair.length !== 2 || !isName(pair[0]) || ['constructor', '__proto__'].includes(pair[0])) throw new ProtocolError('a malformed error')
      Object.defineProperty(error, pair[0], { value: this.decode(pair[1], null, depth + 1), writable: true, enumerable: true, configurable: true })
    }
    error[CHAIN] = chain
    error[ORIGIN] = { peer: this, id: info.id }
    return error
  }

  /** A class of this side standing for the other side's error class: `toThrow(TheirClass)` and `instanceof` see it. */
  mirrorClass (remoteClass, name, Base) {
    let Mirror = this.mirrors.get(remoteClass)
    if (Mirror === undefined) {
      Mirror = { [name]: class extends Base {} }[name]
      this.mirrors.set(remoteClass, Mirror)
    }
    return Mirror
  }

  remotePromise (id) {
    const key = `p${this.generation}:${id}`
    let entry = this.promises.get(key)
    if (entry === undefined) {
      entry = {}
      entry.promise = new Promise((resolve, reject) => { entry.resolve = resolve; entry.reject = reject })
      this.promises.set(key, entry)
    }
    return entry.promise
  }

  // ------------------------------------------------------------- proxies of the other side's objects

  currentId (state) {
    if (state.generation !== this.generation) {
      if (state.path === null) {
        throw new Error('This value came from your code\'s process before it was restarted (after a failure in an earlier test), so it is gone.')
      }
      const fresh = this.request('resolve', { path: state.path }, null, true)
      const again = this.handles.get(fresh)
      if (again === undefined) throw new Error(`${state.path.join('.')} is no longer an object of your code`)
      state.id = this.currentId(again)
      state.generation = this.generation
      this.proxies.set(state.id, state.proxy)
    }
    return state.id
  }

  remote (id, info, path = null) {
    const known = this.proxies.get(id)
    if (known !== undefined) return known
    if (info === null) throw new ProtocolError('a handle that was never described')
    const peer = this
    const state = { id, generation: this.generation, path, info, proxy: null }
    const isFunction = info.t !== 'o'
    const target = isFunction ? function () {}.bind(null) : {}
    const key = k => {
      const encoded = encodeKey(k)
      if (encoded === null) throw new TypeError('This symbol cannot be used on a value of the other process')
      return encoded
    }
    const childPath = k => (state.path !== null && typeof k === 'string' ? [...state.path, k] : null)
    const handler = {
      get (_, k) {
        if (k === GUARD) return state
        if (isFunction && (k === 'call' || k === 'apply' || k === 'bind')) return Function.prototype[k]
        if (k === Symbol.hasInstance) return v => peer.instanceOf(v, proxy)
        if (typeof k === 'symbol' && encodeKey(k) === null) return undefined
        // Jest lets an object with `asymmetricMatch` decide an equality itself: the student's never does.
        if (peer.side === 'test' && k === 'asymmetricMatch') return undefined
        return peer.request('get', { h: peer.currentId(state), k: key(k) }, null, false, childPath(k))
      },
      set (_, k, v) {
        const refs = []
        peer.request('set', { h: peer.currentId(state), k: key(k), v: peer.encode(v, refs) }, refs)
        return true
      },
      has (_, k) {
        if ((typeof k === 'symbol' && encodeKey(k) === null) || (peer.side === 'test' && k === 'asymmetricMatch')) return false
        return peer.request('has', { h: peer.currentId(state), k: key(k) }) === true
      },
      deleteProperty (_, k) { peer.request('del', { h: peer.currentId(state), k: key(k) }); return true },
      ownKeys () {
        const keys = peer.request('keys', { h: peer.currentId(state) })
        if (!Array.isArray(keys) || !keys.every(k => typeof k === 'string' || typeof k === 'symbol') || new Set(keys).size !== keys.length) {
          throw new TypeError('The other process gave malformed property names')
        }
        for (const own of Reflect.ownKeys(target)) if (!keys.includes(own)) keys.push(own)
        return keys
      },
      getOwnPropertyDescriptor (_, k) {
        if (typeof k === 'symbol' && encodeKey(k) === null) return undefined
        const d = peer.request('desc', { h: peer.currentId(state), k: key(k) })
        if (d === undefined || d === null || typeof d !== 'object') {
          return Reflect.getOwnPropertyDescriptor(target, k)
        }
        if (d.accessor === true) {
          return { get: () => peer.request('get', { h: peer.currentId(state), k: key(k) }), set: undefined, enumerable: d.enumerable === true, configurable: true }
        }
        return { value: d.value, writable: true, enumerable: d.enumerable === true, configurable: true }
      },
      defineProperty (_, k, d) {
        if (!('value' in d)) return false
        const refs = []
        peer.request('set', { h: peer.currentId(state), k: key(k), v: peer.encode(d.value, refs) }, refs)
        return true
      },
      getPrototypeOf () {
        // The tests never show their prototypes to the student's side (they would be the tests'
        // own classes to patch): there a test's callback is just a function, its objects objects,
        // so `callback instanceof Function` holds as it would in one process.
        if (peer.side === 'student') return isFunction ? Function.prototype : Object.prototype
        const proto = peer.request('proto', { h: peer.currentId(state) })
        // The student's realm roots are this realm's, as in one process: a walk up a student
        // instance's chain stops where it would (Jest's deep copy for a failure's diff walks to
        // `Object.getPrototypeOf({})`, and reads every getter on the way), and `x instanceof
        // Object` holds.
        if (typeof proto === 'string') return Object.hasOwn(REALM_ROOTS, proto) ? REALM_ROOTS[proto] : null
        return proto !== null && (typeof proto === 'object' || typeof proto === 'function') ? proto : null
      },
      setPrototypeOf () { return false },
      isExtensible () { return true },
      preventExtensions () { return false },
      apply (_, self, args) {
        const refs = []
        const a = args.map(v => peer.encode(v, refs))
        return peer.request('call', { h: peer.currentId(state), t: peer.encode(self, refs), a }, refs)
      },
      construct (_, args) {
        const refs = []
        const a = args.map(v => peer.encode(v, refs))
        const made = peer.request('new', { h: peer.currentId(state), a }, refs)
        if (made === null || (typeof made !== 'object' && typeof made !== 'function')) throw new TypeError('The constructor gave no object')
        return made
      },
    }
    const proxy = new Proxy(target, handler)
    state.proxy = proxy
    this.proxies.set(id, proxy)
    this.handles.set(proxy, state)
    return proxy
  }

  instanceOf (value, proxy) {
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
      if (Array.isArray(value[CHAIN]) && value[ORIGIN]?.peer === this) return value[CHAIN].includes(proxy)
      if (this.handles.has(value)) {
        return this.request('inst', { h: this.currentId(this.handles.get(value)), c: this.currentId(this.handles.get(proxy)) }) === true
      }
    }
    return false
  }

  // ------------------------------------------------------------- the channel

  notice (message) {
    this.channel.send(message, this.deadline())
  }

  parse (text) {
    let count = 0
    for (let i = text.indexOf('["'); i !== -1; i = text.indexOf('["', i + 2)) {
      if (++count > MAX_CONTAINERS) throw new ProtocolError(`a message of more than ${MAX_CONTAINERS} values`)
    }
    let message
    try { message = JSON.parse(text) } catch { throw new ProtocolError('a malformed message') }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) throw new ProtocolError('a message that is not an object')
    return message
  }

  /**
   * Asks the other side for something and waits for its answer; what the other side asks
   * meanwhile (a callback, from inside the call) is done here, in between.
   */
  request (op, fields, refs = null, resolving = false, path = null) {
    if (this.fault !== null) throw this.fault
    const id = this.nextRequest++
    const deadline = this.deadline(this.depth === 0)
    this.depth++
    try {
      return this.exchange(op, fields, refs, resolving, path, id, deadline)
    } finally {
      this.depth--
    }
  }

  exchange (op, fields, refs, resolving, path, id, deadline) {
    let sent
    try {
      sent = this.channel.send({ ...fields, id, op }, deadline)
    } catch (err) {
      if (err instanceof RangeError) throw new RangeError(err.message)
      throw err
    }
    if (!sent) throw this.failed(this.channel.closed ? 'died' : 'timeout')
    let answered = false
    try {
      for (;;) {
        const frame = this.channel.next(deadline - now())
        if (typeof frame !== 'string') throw this.failed(frame === this.channel.TIMEOUT ? 'timeout' : 'died')
        let message
        try {
          message = this.parse(frame)
          if ('re' in message) {
            this.checkReply(message)
            if (this.abandoned.delete(message.re)) continue
            if (message.re !== id) throw new ProtocolError('a reply out of turn')
            answered = true
            if (refs !== null && message.sync !== undefined) this.applySync(message.sync, refs)
            if ('err' in message) {
              const thrown = this.decode(message.err)
              throw { thrown }
            }
            const value = this.decode(message.ok)
            if (path !== null && this.handles.has(value) && this.handles.get(value).path === null) this.handles.get(value).path = path
            if (resolving && op === 'resolve' && this.handles.has(value)) this.handles.get(value).path = fields.path
            return value
          }
        } catch (err) {
          if (err instanceof ProtocolError) throw this.failed('protocol', err.message)
          if (err !== null && typeof err === 'object' && 'thrown' in err) throw err.thrown
          throw err
        }
        this.dispatch(message)
        if (this.fault !== null) throw this.fault
      }
    } finally {
      if (!answered) this.abandoned.add(id)
    }
  }

  failed (kind, detail = '') {
    if (this.fault === null) this.fault = this.faultHook(kind, detail)
    this.rejectPending(this.fault)
    return this.fault
  }

  rejectPending (error) {
    for (const entry of this.promises.values()) entry.reject(error)
    this.promises.clear()
  }

  /** The other side restarted: a new process, a new table of handles. */
  restarted (channel) {
    this.channel = channel
    this.fault = null
    this.generation++
    this.proxies = new Map()
    this.sent = new Set()
  }

  /** A message that came while no reply was awaited (from the channel's event), or in between. */
  onFrame (text) {
    let message
    try {
      message = this.parse(text)
      if ('re' in message) throw new ProtocolError('a reply nobody asked for')
    } catch (err) {
      this.failed('protocol', err.message)
      return
    }
    this.dispatch(message)
  }

  dispatch (message) {
    try {
      this.checkRequest(message)
    } catch (err) {
      this.failed('protocol', err.message)
      return
    }
    const { op } = message
    if (op === 'out') { this.outputHook(message.s); return }
    if (op === 'died') { this.diedHook(message.m); return }
    if (op === 'timers') {
      let clock = null
      try { clock = message.c === null ? null : this.decode(message.c) } catch (err) { this.failed('protocol', err.message); return }
      this.timersHook(clock)
      return
    }
    if (op === 'settle') {
      const entry = this.promises.get(`p${this.generation}:${message.p}`)
      if (entry === undefined) return
      try {
        if ('ok' in message) entry.resolve(this.decode(message.ok))
        else entry.reject(this.decode(message.err))
      } catch (err) {
        this.failed('protocol', err.message)
      }
      return
    }
    this.serve(message)
  }

  serve (message) {
    const refs = []
    let before = null
    let reply
    try {
      let args = null
      if (message.op === 'call' || message.op === 'new') args = message.a.map(v => this.decode(v, refs))
      const self = message.op === 'call' ? this.decode(message.t, refs) : undefined
      const value = message.op === 'set' ? this.decode(message.v, refs) : undefined
      if (this.side === 'student' && refs.length > 0) before = refs.map(c => JSON.stringify(this.shallow(c, refs)))
      const result = this.perform(message, args, self, value)
      // A module crosses by handle even when it is a plain object: its bindings stay live, and spies land in it.
      const byHandle = message.op === 'resolve' && result !== null && (typeof result === 'object' || typeof result === 'function')
      reply = { re: message.id, ok: byHandle ? this.handle(result) : this.encode(result) }
    } catch (err) {
      if (err instanceof ProtocolError) { this.failed('protocol', err.message); return }
      reply = { re: message.id, err: this.encode(err) }
    }
    if (before !== null) {
      const sync = []
      refs.forEach((c, n) => {
        const after = this.shallow(c, refs)
        if (JSON.stringify(after) !== before[n]) sync.push([n, after])
      })
      if (sync.length > 0) reply.sync = sync
    }
    try {
      this.channel.send(reply, this.deadline())
    } catch (err) {
      this.channel.send({ re: message.id, err: this.encode(err) }, this.deadline())
    }
  }

  perform (message, args, self, value) {
    const { op } = message
    if (op === 'ping') return true
    if (op === 'resolve') return this.resolveModule(message.path)
    if (!this.objects.has(message.h)) throw new ProtocolError('a request for an object that was never sent')
    const target = this.objects.get(message.h)
    const k = message.k === undefined ? undefined : decodeKey(message.k)
    const guarded = this.side === 'test'
    if (guarded && typeof k === 'string' && BLOCKED_KEYS.has(k)) throw new TypeError(`The tests' ${k} is out of your code's reach`)
    // A mock of the tests is theirs to configure and to check: its API (mockImplementation,
    // mockReturnValue, the `mock` record and its setter) would let the student's code make the
    // test's own check say yes. Your code may call it; its other properties are not shared.
    if (guarded && k !== undefined && isTestMock(target) && !MOCK_SHARED.has(k)) {
      if (op === 'set') throw new TypeError('A mock function of the tests cannot be changed by your code')
      return op === 'has' ? false : undefined
    }
    switch (op) {
      case 'get': return guarded ? safeGet(target, k) : target[k]
      case 'set':
        // Setting a property of a test object (a helper of the suite, a method of its class) would
        // swap the tests' own code for the student's: the tests' objects are read and called only.
        if (guarded) throw new TypeError('The tests\' objects cannot be changed by your code')
        target[k] = value
        return undefined
      case 'has': return guarded ? safeGet(target, k) !== undefined : k in target
      case 'del': delete target[k]; return undefined
      case 'keys': return Reflect.ownKeys(target).filter(key => typeof key === 'string' || encodeKey(key) !== null)
      case 'desc': {
        const d = Reflect.getOwnPropertyDescriptor(target, k)
        if (d === undefined) return undefined
        if (d.get !== undefined || d.set !== undefined) return { accessor: true, enumerable: d.enumerable }
        return { value: d.value, enumerable: d.enumerable }
      }
      case 'proto': {
        if (guarded) return null
        const proto = Object.getPrototypeOf(target)
        return ROOT_NAMES.get(proto) ?? proto
      }
      case 'call': return Reflect.apply(target, self, args)
      case 'new': return Reflect.construct(target, args)
      case 'inst': {
        if (!this.objects.has(message.c)) throw new ProtocolError('a request for an object that was never sent')
        return target instanceof this.objects.get(message.c)
      }
    }
    throw new ProtocolError('an unknown request')
  }

  // ------------------------------------------------------------- validation of what the other side sends

  checkReply (message) {
    for (const k of Object.keys(message)) if (!['re', 'ok', 'err', 'sync'].includes(k)) throw new ProtocolError('a malformed reply')
    if (!isId(message.re) || (('ok' in message) === ('err' in message))) throw new ProtocolError('a malformed reply')
    if (message.sync !== undefined && !(Array.isArray(message.sync) && message.sync.every(s => Array.isArray(s) && s.length === 2 && isId(s[0])))) {
      throw new ProtocolError('a malformed reply (sync)')
    }
  }

  checkRequest (message) {
    const allowed = this.side === 'test' ? TEST_SERVES : STUDENT_SERVES
    const fields = allowed[message.op]
    if (typeof message.op !== 'string' || fields === undefined) throw new ProtocolError('an unknown request')
    const keys = Object.keys(message)
    const notice = NOTICES.has(message.op)
    for (const k of keys) if (k !== 'op' && !(k in fields) && !(k === 'id' && !notice)) throw new ProtocolError(`a malformed ${message.op} request`)
    if (!notice && !isId(message.id)) throw new ProtocolError(`a malformed ${message.op} request`)
    for (const [name, ok] of Object.entries(fields)) {
      if (!ok(message[name], message)) throw new ProtocolError(`a malformed ${message.op} request (${name})`)
    }
  }

  // ------------------------------------------------------------- mutation: what a container holds now

  shallow (container, refs) {
    const item = v => {
      const n = refs.indexOf(v)
      return n !== -1 && v !== container ? ['ref', n] : this.encode(v)
    }
    if (Array.isArray(container)) return ['a', Array.from(container, item)]
    if (container instanceof Map) return ['map', [...container].map(([k, v]) => [this.encode(k), item(v)])]
    if (container instanceof Set) return ['set', [...container].map(item)]
    return ['o', Object.keys(container).map(k => [k, item(container[k])]), 0]
  }

  applySync (sync, refs) {
    for (const [n, content] of sync) {
      if (n >= refs.length) throw new ProtocolError('a change to a value that was never sent')
      const target = refs[n]
      const fresh = this.decodeWithRefs(content, refs)
      if (Array.isArray(target)) {
        if (!Array.isArray(fresh)) throw new ProtocolError('a change of a value into another type')
        target.length = 0
        target.push(...fresh)
      } else if (target instanceof Map) {
        if (!(fresh instanceof Map)) throw new ProtocolError('a change of a value into another type')
        target.clear()
        for (const [k, v] of fresh) target.set(k, v)
      } else if (target instanceof Set) {
        if (!(fresh instanceof Set)) throw new ProtocolError('a change of a value into another type')
        target.clear()
        for (const v of fresh) target.add(v)
      } else {
        if (fresh === null || typeof fresh !== 'object' || Array.isArray(fresh)) throw new ProtocolError('a change of a value into another type')
        for (const k of Object.keys(target)) delete target[k]
        for (const k of Object.keys(fresh)) Object.defineProperty(target, k, { value: fresh[k], writable: true, enumerable: true, configurable: true })
      }
    }
  }

  decodeWithRefs (data, refs, depth = 0) {
    if (depth > MAX_DEPTH) throw new ProtocolError('a value nested too deeply')
    if (Array.isArray(data) && data[0] === 'ref') {
      if (data.length !== 2 || !isId(data[1]) || data[1] >= refs.length) throw new ProtocolError('a malformed reference')
      return refs[data[1]]
    }
    if (Array.isArray(data) && data.length >= 2 && Array.isArray(data[1])) {
      if (data[0] === 'a') return data[1].map(v => this.decodeWithRefs(v, refs, depth + 1))
      if (data[0] === 'set') return new Set(data[1].map(v => this.decodeWithRefs(v, refs, depth + 1)))
      if (data[0] === 'map') {
        return new Map(data[1].map(pair => {
          if (!Array.isArray(pair) || pair.length !== 2) throw new ProtocolError('a malformed map')
          return [this.decode(pair[0]), this.decodeWithRefs(pair[1], refs, depth + 1)]
        }))
      }
      if (data[0] === 'o' && data.length === 3) {
        const out = {}
        for (const pair of data[1]) {
          if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || pair[0].length > MAX_KEY) throw new ProtocolError('a malformed object')
          Object.defineProperty(out, pair[0], { value: this.decodeWithRefs(pair[1], refs, depth + 1), writable: true, enumerable: true, configurable: true })
        }
        return out
      }
    }
    return this.decode(data, null, depth)
  }
}

/**
 * A property of a test object, read for the student's code: own properties and those of the
 * object's own classes, never of a builtin prototype (Object, Function, Array…), whose
 * `constructor` would lead to the test process's Function and so to running code there.
 */
function safeGet (target, key) {
  let o = target
  for (let depth = 0; o !== null && depth < 32; depth++) {
    if (isIntrinsicPrototype(o)) return undefined
    const d = Reflect.getOwnPropertyDescriptor(o, key)
    if (d !== undefined) return d.get !== undefined ? Reflect.apply(d.get, target, []) : d.value
    o = Object.getPrototypeOf(o)
  }
  return undefined
}

/** Properties of a mock function of the tests the student's code may read: those of any function. */
const MOCK_SHARED = new Set(['name', 'length'])

/** A jest.fn() or jest.spyOn() of the tests: read from its own data property, never through a getter. */
function isTestMock (target) {
  if (typeof target !== 'function') return false
  const d = Reflect.getOwnPropertyDescriptor(target, '_isMockFunction')
  return d !== undefined && d.value === true
}

function isIntrinsicPrototype (o) {
  const ctor = Object.getOwnPropertyDescriptor(o, 'constructor')?.value
  if (typeof ctor !== 'function' || ctor.prototype !== o) return false
  try { return /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(ctor)) } catch { return true }
}

const anyValue = () => true
const key = v => typeof v === 'string' ? v.length <= MAX_KEY : Array.isArray(v) && v.length === 2 && v[0] === 'sym' && WELL_KNOWN.includes(v[1])
const handleId = v => isId(v)
/** What the student's side may ask of the tests' objects, and the notices it may send. */
/** Messages that want no reply, and so carry no id. */
const NOTICES = new Set(['out', 'settle', 'died', 'timers'])
const TEST_SERVES = {
  call: { h: handleId, t: anyValue, a: Array.isArray },
  new: { h: handleId, a: Array.isArray },
  get: { h: handleId, k: key },
  set: { h: handleId, k: key, v: anyValue },
  has: { h: handleId, k: key },
  keys: { h: handleId },
  desc: { h: handleId, k: key },
  out: { s: v => typeof v === 'string' && v.length <= MAX_OUTPUT_CHARS },
  /** Why the student's process is about to end (an uncaught exception): words for the student, nothing more. */
  died: { m: v => typeof v === 'string' && v.length <= MAX_TEXT * 2 },
  settle: { p: isId, ok: (v, m) => ('ok' in m) !== ('err' in m), err: (v, m) => ('ok' in m) !== ('err' in m) },
}
const STUDENT_SERVES = {
  ...TEST_SERVES,
  /** The tests switched Jest's fake timers on (`c`: the tests' clock, by handle) or off (`c`: null). */
  timers: { c: anyValue },
  del: { h: handleId, k: key },
  proto: { h: handleId },
  inst: { h: handleId, c: handleId },
  resolve: { path: v => Array.isArray(v) && v.length > 0 && v.length <= 32 && v.every(p => typeof p === 'string' && p.length > 0 && p.length <= MAX_KEY) },
  ping: {},
}

module.exports = { Peer, ProtocolError, capped, GUARD }
