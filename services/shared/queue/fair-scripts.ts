/**
 * The Lua scripts of {@link FairQueue}, each one atomic in Redis, so any
 * number of API processes (adding) and workers (picking) share one fair
 * queue without locks.
 *
 * Every script takes the queue's key base (`<prefix>:fair`) as ARGV[1] and
 * builds the names below from it. Per-tenant lane keys are named inside the
 * scripts (they depend on the tenant), so these scripts need one Redis, not
 * a cluster: the grader's other stores already assume one.
 *
 * - `…:jobs`      hash  submission id → GradingJob JSON (pending and admitting)
 * - `…:where`     hash  submission id → `[tenant, lane]` JSON
 * - `…:q:<lane>:<tenant>` zset submission id → arrival sequence (FIFO)
 * - `…:seq`       counter of arrivals
 * - `…:ready:<group>`  zset tenant → its pass, for tenants with pending work
 *   in the group (`live`: exam, interactive, practice; `regrade`)
 * - `…:pass:<group>`   hash tenant → its pass, kept while it is idle
 * - `…:vtime`     hash group → the group's virtual time (the pass of its last pick)
 * - `…:weights`   hash tenant → weight
 * - `…:admitting` zset submission id → when it was picked (epoch ms)
 * - `…:arrivals:<bucket>` hash `tenant\tlane` → jobs added in that bucket of
 *   {@link ARRIVAL_BUCKET_S} seconds (epoch s / bucket), kept two minutes: what
 *   the capacity estimate reads as each tenant's arrival rate
 *
 * Scheduling across tenants is stride scheduling (start-time fair queueing):
 * a pick goes to the ready tenant with the lowest pass, whose pass then grows
 * by 1/weight, so over any backlogged stretch tenants get picks in proportion
 * to their weights, and no tenant waits more than one round of the others.
 * The group's virtual time is the pass of its last pick. A tenant that
 * becomes ready again starts at max(its kept pass, virtual time): idle time
 * earns no credit to burst with later, and since a flooding tenant's pass is
 * already one stride past the virtual time, the newcomer is picked next.
 * Deficit round robin would give the same shares, but it needs a cursor over
 * a ring of tenants and a quantum per job size; with one job = one unit, a
 * sorted set of passes is the whole state, and a pick is O(log tenants).
 */

/** Groups of lanes scheduled apart: `regrade` only runs when `live` is empty everywhere. */
const PREAMBLE = `
local base = ARGV[1]
local LIVE = {'exam', 'interactive', 'practice'}
local REGRADE = {'regrade'}
local function group_of (lane) if lane == 'regrade' then return 'regrade' end return 'live' end
local function lanes_of (group) if group == 'regrade' then return REGRADE end return LIVE end
local function lane_key (lane, tenant) return base .. ':q:' .. lane .. ':' .. tenant end
local function has_work (group, tenant)
  for _, lane in ipairs(lanes_of(group)) do
    if redis.call('ZCARD', lane_key(lane, tenant)) > 0 then return true end
  end
  return false
end
`

/** Width of one arrival bucket, in seconds. */
export const ARRIVAL_BUCKET_S = 10
/** Buckets an arrival rate is read over: the last minute. */
export const ARRIVAL_BUCKETS = 6

/**
 * ARGV: base, submission id, tenant, lane, weight, job JSON, wake channel, arrival bucket.
 * Returns 1 when added, 0 when the id was already pending or admitting (a
 * submission is queued once). Counts the arrival in its bucket and publishes
 * a wake-up for feeders.
 */
export const ADD = `${PREAMBLE}
local id, tenant, lane, weight, payload, channel, bucket = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
if redis.call('HEXISTS', base .. ':jobs', id) == 1 then return 0 end
local arrivals = base .. ':arrivals:' .. bucket
redis.call('HINCRBY', arrivals, tenant .. '\t' .. lane, 1)
redis.call('EXPIRE', arrivals, ${ARRIVAL_BUCKET_S * ARRIVAL_BUCKETS * 2})
redis.call('HSET', base .. ':weights', tenant, weight)
redis.call('HSET', base .. ':jobs', id, payload)
redis.call('HSET', base .. ':where', id, cjson.encode({tenant, lane}))
redis.call('ZADD', lane_key(lane, tenant), redis.call('INCR', base .. ':seq'), id)
local group = group_of(lane)
local ready = base .. ':ready:' .. group
if not redis.call('ZSCORE', ready, tenant) then
  local kept = tonumber(redis.call('HGET', base .. ':pass:' .. group, tenant) or '0')
  local vtime = tonumber(redis.call('HGET', base .. ':vtime', group) or '0')
  redis.call('ZADD', ready, math.max(kept, vtime), tenant)
end
redis.call('PUBLISH', channel, id)
return 1`

/**
 * ARGV: base, now (epoch ms), only lane ('' for any).
 * Picks the next job: the live group first, the regrade group only when no
 * tenant has live work. Within the tenant, the first non-empty lane in
 * priority order, oldest first. With a lane named (a live one), only jobs of
 * that lane are picked, from the ready tenant with the lowest pass that has
 * one: the stride order among the tenants that have such work. The job moves
 * to admitting (its JSON stays until {@link ACK}). Returns `[id, job JSON,
 * tenant, lane]`, or nil when nothing is pending.
 */
export const PICK = `${PREAMBLE}
local now, only = ARGV[2], ARGV[3]
local function take (group, tenant, pass, lane)
  local popped = redis.call('ZPOPMIN', lane_key(lane, tenant))
  if #popped == 0 then return nil end
  local ready = base .. ':ready:' .. group
  local weight = tonumber(redis.call('HGET', base .. ':weights', tenant) or '1')
  local next_pass = pass + 1 / weight
  redis.call('HSET', base .. ':vtime', group, pass)
  redis.call('HSET', base .. ':pass:' .. group, tenant, next_pass)
  if has_work(group, tenant) then redis.call('ZADD', ready, next_pass, tenant) else redis.call('ZREM', ready, tenant) end
  return {popped[1], tenant, lane}
end
local function pick (group)
  local ready = base .. ':ready:' .. group
  -- bounded: a tenant listed as ready without work (never expected) is dropped and the next tried
  for _ = 1, 100 do
    local top = redis.call('ZRANGE', ready, 0, 0, 'WITHSCORES')
    if #top == 0 then return nil end
    local tenant, pass = top[1], tonumber(top[2])
    for _, lane in ipairs(lanes_of(group)) do
      local picked = take(group, tenant, pass, lane)
      if picked then return picked end
    end
    redis.call('ZREM', ready, tenant)
  end
  return nil
end
local function pick_lane (lane)
  local ready = base .. ':ready:live'
  local tenants = redis.call('ZRANGE', ready, 0, -1, 'WITHSCORES')
  for i = 1, #tenants, 2 do
    local picked = take('live', tenants[i], tonumber(tenants[i + 1]), lane)
    if picked then return picked end
  end
  return nil
end
local picked
if only ~= '' then picked = pick_lane(only) else picked = pick('live') or pick('regrade') end
if picked == nil then return nil end
local id = picked[1]
redis.call('ZADD', base .. ':admitting', now, id)
return {id, redis.call('HGET', base .. ':jobs', id) or '', picked[2], picked[3]}`

/**
 * ARGV: base, submission id.
 * The job is in BullMQ now: forgets it. Returns 1 when it was admitting.
 */
export const ACK = `
local base, id = ARGV[1], ARGV[2]
if redis.call('ZREM', base .. ':admitting', id) == 0 then return 0 end
redis.call('HDEL', base .. ':jobs', id)
redis.call('HDEL', base .. ':where', id)
return 1`

/**
 * ARGV: base, now (epoch ms), picked before (epoch ms), limit.
 * Admitting jobs picked before the cutoff (their feeder died or lost Redis
 * between pick and BullMQ add): returned as `[id, job JSON, …]` and stamped
 * `now`, so two sweepers do not both take one in the same round.
 */
export const RECLAIM = `
local base, now, before, limit = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. ':admitting', '-inf', '(' .. before, 'LIMIT', 0, limit)) do
  local payload = redis.call('HGET', base .. ':jobs', id)
  if payload then
    redis.call('ZADD', base .. ':admitting', now, id)
    table.insert(out, id)
    table.insert(out, payload)
  else
    redis.call('ZREM', base .. ':admitting', id)
  end
end
return out`

/**
 * ARGV: base, submission id.
 * Removes a pending job; 1 when it was pending, 0 when unknown or already
 * picked (admitting: it is on its way into BullMQ). A tenant left without
 * work in the group leaves the ready set and keeps its pass.
 */
export const REMOVE = `${PREAMBLE}
local id = ARGV[2]
local where = redis.call('HGET', base .. ':where', id)
if not where then return 0 end
local place = cjson.decode(where)
local tenant, lane = place[1], place[2]
if redis.call('ZREM', lane_key(lane, tenant), id) == 0 then return 0 end
redis.call('HDEL', base .. ':jobs', id)
redis.call('HDEL', base .. ':where', id)
local group = group_of(lane)
if not has_work(group, tenant) then
  local ready = base .. ':ready:' .. group
  local pass = redis.call('ZSCORE', ready, tenant)
  if pass then redis.call('HSET', base .. ':pass:' .. group, tenant, pass) end
  redis.call('ZREM', ready, tenant)
end
return 1`
