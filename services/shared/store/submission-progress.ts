import type { Redis } from 'ioredis'
import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'

/**
 * How far a running submission's grading has come, as the worker publishes
 * it and `GET /v1/submissions/:id/events` streams it (`event: running`).
 * `seq` orders updates across workers and retried attempts, so a reader can
 * drop one it already passed (pub/sub and GET travel on different
 * connections and may arrive in either order).
 */
export const SubmissionProgressSchema = Type.Object({
  id: Type.String(),
  state: Type.Literal('running'),
  /** The test that has just started, named as results name it; absent before the first test. */
  test: Type.Optional(Type.String({ maxLength: 1_000 })),
  /** Tests finished so far; absent until tests were collected. */
  done: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Tests collected; absent until known. */
  total: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Increases by one with each update of this submission (1 for the first). */
  seq: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false })
export type SubmissionProgressEvent = Static<typeof SubmissionProgressSchema>

/** An update as the worker gives it: `seq` is assigned by Redis. */
export type ProgressUpdate = Omit<SubmissionProgressEvent, 'seq'>

const progressCheck = Compile(SubmissionProgressSchema)

/** Parses a progress value read from Redis or pub/sub; null when it is not one (never throws). */
export function parseProgress (raw: string): SubmissionProgressEvent | null {
  try {
    const value: unknown = JSON.parse(raw)
    return progressCheck.Check(value) ? value : null
  } catch {
    return null
  }
}

/**
 * KEYS: progress, the submission's record. ARGV: the update as JSON (an object without `seq`),
 * ttl seconds, channel.
 * Numbers the update after the last one stored, keeps it and announces it, in
 * one atomic step, so every reader sees the same order. Nothing is kept once the
 * record is gone (DELETE while the worker still runs the submission): the update
 * would otherwise recreate a key with the deleted id for the whole result TTL.
 * Returns 0 then.
 */
const PUBLISH_PROGRESS = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
local seq = 1
local prev = redis.call('GET', KEYS[1])
if prev then
  local ok, decoded = pcall(cjson.decode, prev)
  if ok and type(decoded) == 'table' and type(decoded.seq) == 'number' then seq = decoded.seq + 1 end
end
local value = '{"seq":' .. string.format('%d', seq) .. ',' .. string.sub(ARGV[1], 2)
redis.call('SET', KEYS[1], value, 'EX', ARGV[2])
redis.call('PUBLISH', ARGV[3], value)
return seq`

/**
 * The last progress of each running submission, kept in Redis with the
 * result TTL so any API process can answer a late joiner for any worker, and
 * announced on ONE pub/sub channel (message = the progress JSON), so an API
 * process needs one subscription for all its streams.
 */
export class SubmissionProgress {
  constructor (
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Seconds the last progress stays readable (the result TTL). */
    private readonly ttlS: number,
  ) {}

  /** Beside the submission's own key, so removing `submission:<id>*` removes it too. */
  key (id: string): string { return `${this.prefix}:submission:${id}:progress` }
  get channel (): string { return `${this.prefix}:submission-progress` }

  /** Stores and announces one update; resolves with its `seq`, or 0 when the submission is no longer stored. */
  async publish (update: ProgressUpdate): Promise<number> {
    const record = `${this.prefix}:submission:${update.id}`
    const seq = await this.redis.eval(PUBLISH_PROGRESS, 2, this.key(update.id), record, JSON.stringify(update), this.ttlS, this.channel)
    return Number(seq)
  }

  /** The last update of a submission, or null if none was published (or it expired). */
  async get (id: string): Promise<SubmissionProgressEvent | null> {
    const raw = await this.redis.get(this.key(id))
    return raw === null ? null : parseProgress(raw)
  }
}
