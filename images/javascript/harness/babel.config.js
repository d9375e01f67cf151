'use strict'
// Babel as Exercism's JavaScript track sets it up: for the suite (babel-jest)
// and, compiled by the agent before they run, for the student's files.
module.exports = {
  presets: [[require.resolve('@exercism/babel-preset-javascript'), { corejs: '3.40' }]],
  plugins: [],
}
