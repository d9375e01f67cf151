import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { GraderApiError, GraderClient } from './grader-client.js'
import { formatHostsTable } from './hosts-table.js'
import type { KeyRequest } from '../shared/contracts/tenant-schema.js'

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

export const USAGE = `usage: grader <hosts|tenants|keys> <command> [options]

commands:
  hosts list                          the Docker hosts of every live worker
  hosts drain <id>                    take no new work on the host; runs in progress finish
  hosts undrain <id>                  let a drained host take work again
  hosts recycle <id>                  ask the host's worker to recycle it
  hosts set <id> --concurrency <n>    gradings at once on the host (1-256)
  tenants list                        the tenants this key may manage
  tenants create <name> [--weight <n>] [--per-minute <n>]
                                      a new tenant (prints its webhook secret)
  tenants show <id>                   one tenant
  tenants set <id> [--weight <n>] [--per-minute <n>] [--name <name>]
                                      change a tenant
  keys list <tenant>                  a tenant's keys (never the keys themselves)
  keys create <tenant> --roles <r,…> [--lanes <l,…>] [--per-minute <n>] [--label <text>]
                                      a new key, printed once: roles submit, read, admin, metrics;
                                      lanes exam, interactive, practice, regrade
  keys delete <id>                    revoke a key

options:
  --json        print the API's answer as JSON
  --url <url>   the API (default: GRADER_URL, else ${DEFAULT_URL})
  -h, --help    this help

The key is GRADER_API_KEY, else the one \`npm start\` keeps in .state/api-key.
Host routes and creating tenants need an admin key of the grader itself;
a tenant's admin key manages its own tenant and keys.
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
  area: 'hosts' | 'tenants' | 'keys'
  action: 'list' | 'drain' | 'undrain' | 'recycle' | 'set' | 'create' | 'show' | 'delete'
  id?: string
  concurrency?: number
  /** tenants create/set, keys create */
  weight?: number
  perMinute?: number
  name?: string
  roles?: string[]
  lanes?: string[]
  label?: string
  json: boolean
  url?: string
  help: boolean
}

const wholeNumber = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, not "${value}"`)
  return Number(value)
}
const commaList = (value: string | undefined): string[] | undefined =>
  value === undefined ? undefined : value.split(',').map(s => s.trim()).filter(Boolean)

/** `tenants …` and `keys …`; the API checks the values themselves (roles, lanes, bounds) and says what is wrong. */
function parseTenancy (area: 'tenants' | 'keys', positionals: string[], values: Record<string, string | boolean | undefined>, common: Pick<Command, 'json' | 'help' | 'url'>): Command {
  const [action, id, ...rest] = positionals
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]!}"`)
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] as string : undefined)
  const options = {
    ...(str('weight') !== undefined ? { weight: wholeNumber('weight', str('weight')) } : {}),
    ...(str('per-minute') !== undefined ? { perMinute: wholeNumber('per-minute', str('per-minute')) } : {}),
    ...(str('name') !== undefined ? { name: str('name') } : {}),
    ...(str('roles') !== undefined ? { roles: commaList(str('roles')) } : {}),
    ...(str('lanes') !== undefined ? { lanes: commaList(str('lanes')) } : {}),
    ...(str('label') !== undefined ? { label: str('label') } : {}),
  }
  const needs = (what: string): string => {
    if (id === undefined || id === '') throw new UsageError(`${area} ${action ?? ''} needs ${what}`)
    return id
  }
  if (action === 'list' || action === undefined) {
    if (area === 'tenants') return { area, action: 'list', ...common }
    return { area, action: 'list', id: needs('a tenant id'), ...common }
  }
  if (area === 'tenants' && action === 'create') return { area, action, id: needs('a name'), ...options, ...common }
  if (area === 'tenants' && action === 'show') return { area, action, id: needs('a tenant id'), ...common }
  if (area === 'tenants' && action === 'set') {
    if (Object.keys(options).length === 0) throw new UsageError('tenants set needs --weight, --per-minute or --name')
    return { area, action, id: needs('a tenant id'), ...options, ...common }
  }
  if (area === 'keys' && action === 'create') {
    if (options.roles === undefined) throw new UsageError('keys create needs --roles, e.g. --roles submit,read')
    return { area, action, id: needs('a tenant id'), ...options, ...common }
  }
  if (area === 'keys' && action === 'delete') return { area, action, id: needs('a key id'), ...common }
  throw new UsageError(`unknown ${area} command "${action}"`)
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
        weight: { type: 'string' },
        'per-minute': { type: 'string' },
        name: { type: 'string' },
        roles: { type: 'string' },
        lanes: { type: 'string' },
        label: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { values, positionals } = parsed
  const common = { json: values.json, help: values.help, ...(values.url === undefined ? {} : { url: values.url }) }
  if (values.help || positionals.length === 0) return { area: 'hosts', action: 'list', ...common, help: true }
  const [area, action, id, ...rest] = positionals
  if (area === 'tenants' || area === 'keys') return parseTenancy(area, positionals.slice(1), values, common)
  if (area !== 'hosts') throw new UsageError(`unknown command "${area ?? ''}"`)
  for (const flag of ['weight', 'per-minute', 'name', 'roles', 'lanes', 'label'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with tenants or keys, not hosts`)
  }
  if (action === 'list' || action === 'ls' || action === undefined) {
    if (id !== undefined) throw new UsageError('hosts list takes no argument')
    return { area, action: 'list', ...common }
  }
  if (action !== 'drain' && action !== 'undrain' && action !== 'recycle' && action !== 'set') throw new UsageError(`unknown hosts command "${action}"`)
  if (id === undefined || id === '') throw new UsageError(`hosts ${action} needs a host id (grader hosts list shows them)`)
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]!}"`)
  if (action !== 'set') {
    if (values.concurrency !== undefined) throw new UsageError(`--concurrency goes with hosts set, not hosts ${action}`)
    return { area, action, id, ...common }
  }
  if (values.concurrency === undefined) throw new UsageError('hosts set needs --concurrency <n>')
  if (!/^\d+$/.test(values.concurrency)) throw new UsageError(`--concurrency must be a whole number, not "${values.concurrency}"`)
  return { area, action, id, concurrency: Number(values.concurrency), ...common }
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
    if (command.area !== 'hosts') {
      await runTenancy(client, command, io)
      return ExitCode.ok
    }
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

/** `tenants …` and `keys …`, once parsed. */
async function runTenancy (client: GraderClient, command: Command, io: CliIo): Promise<void> {
  const id = command.id ?? ''
  const limit = command.perMinute !== undefined ? { rateLimit: { perMinute: command.perMinute } } : {}
  if (command.area === 'tenants') {
    if (command.action === 'list') {
      const { tenants } = await client.listTenants()
      report(io, command.json, { tenants }, tenants.map(t => `${t.id}\t${t.name}\tweight ${t.weight}\t${t.rateLimit === undefined ? 'no limit' : `${t.rateLimit.perMinute}/min`}`).join('\n'))
    } else if (command.action === 'create') {
      const tenant = await client.createTenant({ name: id, ...(command.weight !== undefined ? { weight: command.weight } : {}), ...limit })
      report(io, command.json, tenant, `${tenant.id}: tenant "${tenant.name}" created\nwebhook secret (verify its webhooks with it): ${tenant.webhookSecret ?? ''}`)
    } else if (command.action === 'show') {
      const tenant = await client.getTenant(id)
      report(io, command.json, tenant, JSON.stringify(tenant, null, 2))
    } else {
      const tenant = await client.updateTenant(id, { ...(command.weight !== undefined ? { weight: command.weight } : {}), ...(command.name !== undefined ? { name: command.name } : {}), ...limit })
      report(io, command.json, tenant, `${tenant.id}: weight ${tenant.weight}, ${tenant.rateLimit === undefined ? 'no limit' : `${tenant.rateLimit.perMinute}/min`}`)
    }
    return
  }
  if (command.action === 'list') {
    const { keys } = await client.listKeys(id)
    report(io, command.json, { keys }, keys.map(k => `${k.id}\t${k.roles.join(',')}\t${k.lanes?.join(',') ?? 'every lane'}${k.label !== undefined ? `\t${k.label}` : ''}`).join('\n'))
  } else if (command.action === 'create') {
    // the API checks the words: a wrong role or lane is its 400, listing every problem
    const key = await client.createKey(id, {
      roles: command.roles as KeyRequest['roles'],
      ...(command.lanes !== undefined ? { lanes: command.lanes as NonNullable<KeyRequest['lanes']> } : {}),
      ...(command.perMinute !== undefined ? { rateLimit: { perMinute: command.perMinute } } : {}),
      ...(command.label !== undefined ? { label: command.label } : {}),
    })
    report(io, command.json, key, `${key.id}: key created for ${key.tenant} (${key.roles.join(', ')}); shown this once:\n${key.key}`)
  } else {
    await client.deleteKey(id)
    report(io, command.json, { id, deleted: true }, `${id}: key revoked`)
  }
}

function report (io: CliIo, json: boolean, answer: unknown, message: string): void {
  io.stdout.write(json ? `${JSON.stringify(answer, null, 2)}\n` : `${message}\n`)
}
