#!/usr/bin/env node
// `grader` (`npm run grader -- hosts list`): the operator's CLI. Its source is
// TypeScript (services/cli/); tsx's loader runs it as is, so it works from a
// clone after `npm install`, with no build step.
import { register } from 'tsx/esm/api'

register()
const { runCli } = await import('../services/cli/grader-cli.ts')
process.exitCode = await runCli(process.argv.slice(2))
