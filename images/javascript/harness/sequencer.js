'use strict'
// Test files in the order of their paths: the order results are reported in, every run alike.
const Sequencer = require('@jest/test-sequencer').default

class PathOrder extends Sequencer {
  sort (tests) {
    return [...tests].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  }
}

module.exports = PathOrder
