'use strict'
// Loaded inside each test file's realm (Jest's module registry, never
// transformed): the file's one peer, and the student's modules as proxies.
// What a module of the student's gives the tests is decided in the student's
// process; here it is only ever data, or a proxy that asks over the channel.
const { Peer } = require('./peer.js')

const LINK = Symbol.for('grader.link')
let peer = null

function connect () {
  if (peer !== null) return peer
  const link = globalThis[LINK]
  if (link === undefined) throw new Error('this test file runs without the grader\'s environment')
  let channel = null
  peer = new Peer({
    side: 'test',
    channel: { send: (m, d) => channel.send(m, d), next: t => channel.next(t), get closed () { return channel.closed }, get TIMEOUT () { return channel.TIMEOUT } },
    deadline: link.deadline,
    fault: link.fault,
    output: link.output,
    died: link.died,
  })
  channel = link.attach(peer)
  const restarted = peer.restarted.bind(peer)
  peer.restarted = fresh => { channel = fresh; restarted(fresh) }
  return peer
}

/** The student's module at `rel` (a path in their files), as the tests import it. */
function studentModule (rel) {
  // A collect-only run has no student side: the suite's imports get stand-ins.
  if (globalThis[LINK]?.collect === true) return require('./placeholders.js').placeholder()
  return connect().request('resolve', { path: [rel] }, null, true)
}

module.exports = { studentModule }
