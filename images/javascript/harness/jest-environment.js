'use strict'
// The test environment of every test file: Jest's node environment, plus a
// student process of the file's own (as Jest gives each file fresh modules),
// reached by the proxies the file's `require`s and `import`s of the student's
// modules resolve to (resolver.js, proxy-client.js).
const { TestEnvironment } = require('jest-environment-node')
const { session } = require('./session.js')

const LINK = Symbol.for('grader.link')

class GraderEnvironment extends TestEnvironment {
  constructor (config, context) {
    super(config, context)
    this.testPath = context.testPath
    this.link = null
  }

  async setup () {
    await super.setup()
    if (session().collectOnly) {
      Object.defineProperty(this.global, LINK, { value: { collect: true }, enumerable: false })
      return
    }
    this.link = await session().openLink(this.testPath)
    Object.defineProperty(this.global, LINK, { value: this.link.forRealm(), enumerable: false })
    this.followFakeTimers()
  }

  /**
   * `jest.useFakeTimers()` fakes this file's global timers and Date; the student's code runs in
   * another process, whose timers Jest cannot reach. So when they go on, the student process is
   * handed a clock that schedules on this file's (fake) timers: `jest.advanceTimersByTime` then
   * fires the student's timers as well, and its Date follows `jest.setSystemTime`. The clock
   * refuses to work once they are off again: the student's code never schedules anything on the
   * tests' real timers.
   */
  followFakeTimers () {
    const env = this
    let fake = false
    const checked = name => (...args) => {
      if (!fake) throw new Error('the tests\' fake timers are off')
      return env.global[name](...args)
    }
    const clock = {
      setTimeout: checked('setTimeout'),
      clearTimeout: checked('clearTimeout'),
      setInterval: checked('setInterval'),
      clearInterval: checked('clearInterval'),
      setImmediate: checked('setImmediate'),
      clearImmediate: checked('clearImmediate'),
      now: () => { if (!fake) throw new Error('the tests\' fake timers are off'); return env.global.Date.now() },
    }
    const follow = (timers, on, off) => {
      if (timers === undefined || timers === null) return
      const use = timers[on].bind(timers)
      const stop = timers[off].bind(timers)
      timers[on] = (...args) => { const r = use(...args); fake = true; env.link.setTimers(clock); return r }
      timers[off] = (...args) => { const r = stop(...args); fake = false; env.link.setTimers(null); return r }
    }
    follow(this.fakeTimersModern, 'useFakeTimers', 'useRealTimers')
    follow(this.fakeTimers, 'useFakeTimers', 'useRealTimers')
  }

  async teardown () {
    session().closeLink(this.testPath)
    await super.teardown()
  }

  async handleTestEvent (event, state) {
    await session().onTestEvent(event, state, this.link)
  }
}

module.exports = GraderEnvironment
