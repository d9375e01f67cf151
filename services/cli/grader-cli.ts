import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { GraderApiError, GraderClient } from './grader-client.js'
import { formatHostsTable } from './hosts-table.js'

/**
 * `grader`: the operator's command line. It talks to the API over HTTP, so
 * it runs anywhere the API is reachable; it never touches Redis or Docker.
 */

/** Where the CLI reads its settings and writes its output; a seam for tests. */
export interface CliIo {
  env: NodeJS.ProcessEnv
  stdout: Pick<NodeJS.WritableStream, 'write'>
  stderr: Pick<NodeJS.WritableStream, 'write'>
  /** @defaultValue globalThis.fetch */
  fetch?: typeof fetch
}

/** API address used when neither `--url` nor `GRADER_URL` says otherwise. */
export const DEFAULT_URL = 'http://127.0.0.1:8080'

/** Exit codes: 0 done, 1 the API refused or could not be reached, 2 the command line is wrong. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const

export const USAGE = `usage: grader hosts <command> [options]

commands:
  hosts list                          the Docker hosts of every live worker
  hosts drain <id>                    take no new work on the host; runs in progress finish
  hosts undrain <id>                  let a drained host take work again
  hosts recycle <id>                  ask the host's worker to recycle it
  hosts set <id> --concurrency <n>    gradings at once on the host (1-256)

options:
  --json        print the API's answer as JSON
  --url <url>   the API (default: GRADER_URL, else ${DEFAULT_URL})
  -h, --help    this help

The key is GRADER_API_KEY, else the one \`npm start\` keeps in .state/api-key.
Host routes need an admin key when the API sets GRADER_ADMIN_KEYS.
`

class UsageError extends Error {}

/** The repository's state folder, where `npm start` keeps the generated key. */
function stateDir (env: NodeJS.ProcessEnv): string {
  if (env.GRADER_STATE_DIR !== undefined && env.GRADER_STATE_DIR !== '') return env.GRADER_STATE_DIR
  return join(new URL('../..', import.meta.url).pathname, '.state')
}

/** GRADER_API_KEY, else the key file `npm start` wrote, else none. */
export function resolveApiKey (env: NodeJS.ProcessEnv): string | undefined {
  if (env.GRADER_API_KEY !== undefined && env.GRADER_API_KEY !== '') return env.GRADER_API_KEY
  const file = join(stateDir(env), 'api-key')
  if (!existsSync(file)) return undefined
  const key = readFileSync(file, 'utf8').trim()
  return key === '' ? undefined : key
}

interface Command {
  action: 'list' | 'drain' | 'undrain' | 'recycle' | 'set'
  id?: string
  concurrency?: number
  json: boolean
  url?: string
  help: boolean
}

/** Parses the arguments after `grader`; throws a UsageError saying what is wrong. */
export function parseCommand (args: readonly string[]): Command {
  let parsed
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        url: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { values, positionals } = parsed
  const common = { json: values.json, help: values.help, ...(values.url === undefined ? {} : { url: values.url }) }
  if (values.help || positionals.length === 0) return { action: 'list', ...common, help: true }
  const [area, action, id, ...rest] = positionals
  if (area !== 'hosts') throw new UsageError(`unknown command "${area ?? ''}"`)
  if (action === 'list' || action === 'ls' || action === undefined) {
    if (id !== undefined) throw new UsageError('hosts list takes no argument')
    return { action: 'list', ...common }
  }
  if (action !== 'drain' && action !== 'undrain' && action !== 'recycle' && action !== 'set') throw new UsageError(`unknown hosts command "${action}"`)
  if (id === undefined || id === '') throw new UsageError(`hosts ${action} needs a host id (grader hosts list shows them)`)
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]!}"`)
  if (action !== 'set') {
    if (values.concurrency !== undefined) throw new UsageError(`--concurrency goes with hosts set, not hosts ${action}`)
    return { action, id, ...common }
  }
  if (values.concurrency === undefined) throw new UsageError('hosts set needs --concurrency <n>')
  if (!/^\d+$/.test(values.concurrency)) throw new UsageError(`--concurrency must be a whole number, not "${values.concurrency}"`)
  return { action, id, concurrency: Number(values.concurrency), ...common }
}

/**
 * Runs one command line (the arguments after `grader`) and returns the exit
 * code. Never throws: every failure is printed to stderr.
 */
export async function runCli (args: readonly string[], io: CliIo = { env: process.env, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let command: Command
  try {
    command = parseCommand(args)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    io.stderr.write(`grader: ${err.message}\n\n${USAGE}`)
    return ExitCode.usage
  }
  if (command.help) {
    io.stdout.write(USAGE)
    return ExitCode.ok
  }

  const url = command.url ?? (io.env.GRADER_URL !== undefined && io.env.GRADER_URL !== '' ? io.env.GRADER_URL : DEFAULT_URL)
  const apiKey = resolveApiKey(io.env)
  const client = new GraderClient({ url, ...(apiKey === undefined ? {} : { apiKey }), ...(io.fetch === undefined ? {} : { fetch: io.fetch }) })
  try {
    const id = command.id ?? ''
    switch (command.action) {
      case 'list': {
        const answer = await client.listHosts()
        io.stdout.write(command.json ? `${JSON.stringify(answer, null, 2)}\n` : formatHostsTable(answer.hosts))
        break
      }
      case 'drain':
        report(io, command.json, await client.drain(id), `${id}: drain requested; runs in progress finish, no new work starts`)
        break
      case 'undrain':
        report(io, command.json, await client.undrain(id), `${id}: undrain requested; the host takes work again`)
        break
      case 'recycle':
        report(io, command.json, await client.recycle(id), `${id}: recycle requested; \`grader hosts list\` shows its state`)
        break
      case 'set':
        report(io, command.json, await client.setConcurrency(id, command.concurrency!), `${id}: concurrency ${command.concurrency!} requested`)
        break
    }
    return ExitCode.ok
  } catch (err) {
    if (!(err instanceof GraderApiError)) throw err
    const hint = err.status === 401 && apiKey === undefined ? ' (no key found: set GRADER_API_KEY)' : ''
    io.stderr.write(`grader: ${err.message}${err.status > 0 ? ` (${err.code}, HTTP ${err.status})` : ''}${hint}\n`)
    return ExitCode.failed
  }
}

function report (io: CliIo, json: boolean, answer: unknown, message: string): void {
  io.stdout.write(json ? `${JSON.stringify(answer, null, 2)}\n` : `${message}\n`)
}
