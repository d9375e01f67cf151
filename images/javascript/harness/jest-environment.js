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
