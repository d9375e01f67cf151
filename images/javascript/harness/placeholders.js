'use strict'
// Stand-ins for the student's modules, for collect-only runs (validating a
// challenge's `policy.tests` on PUT): no student side exists, and Jest's own
// collection is the only faithful source of test names (`test.each`, nested
// `describe`), so the suite's files are loaded with a placeholder wherever they
// import a module of the student's. Any property of a placeholder is another,
// it can be called, constructed and iterated (as empty), and it is never a
// promise. Nothing runs in a collect-only run, so none is ever judged.
function placeholder () {
  const target = function placeholder () {}
  return new Proxy(target, {
    get (_, key) {
      if (key === 'then') return undefined
      if (key === '__esModule') return true
      if (key === Symbol.toPrimitive) return () => ''
      if (key === Symbol.iterator) return function * empty () {}
      if (typeof key === 'symbol') return undefined
      return placeholder()
    },
    apply: () => placeholder(),
    construct: () => placeholder(),
    has: () => true,
  })
}

module.exports = { placeholder }
