import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/*
 * Every check-then-write of the Redis store is one Lua script: Redis runs a
 * script alone, so no other node's command lands between the check and the
 * write. Keys that can only be known after a read (an appointment's previous
 * agent, the jobs of an appointment) are built inside the script from the
 * prefix: fine on a single Redis or a primary with replicas, not on Redis
 * Cluster (that would need every key of one store in one hash slot).
 */

/** A script sent once per server (EVALSHA), re-sent whole only when the server lost it. */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * KEYS: record, room→appointment, by-start, by-agent, with-personal-data.
 * ARGV: id, json, startsAt, endsAt, erased ('1'/'0').
 * Returns 1, or -1 if the id exists, -2 if the room already has an appointment.
 */
export const INSERT_APPOINTMENT = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return -2 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
if ARGV[5] == '0' then redis.call('ZADD', KEYS[5], ARGV[4], ARGV[1]) end
return 1
`);

/**
 * Same KEYS as INSERT_APPOINTMENT (for the new room and agent); ARGV: id, json,
 * startsAt, endsAt, erased, expectedVersion, prefix, roomId, agentId.
 * Returns 1, 0 if the record is missing or its version differs, -2 if the new
 * room belongs to another appointment. Indexes move with the record.
 */
export const UPDATE_APPOINTMENT = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local old = cjson.decode(current)
if old.version ~= tonumber(ARGV[6]) then return 0 end
if old.roomId ~= ARGV[8] then
  local holder = redis.call('GET', KEYS[2])
  if holder and holder ~= ARGV[1] then return -2 end
  redis.call('DEL', ARGV[7] .. 'appointment-room:' .. old.roomId)
  redis.call('SET', KEYS[2], ARGV[1])
end
if old.agentId ~= ARGV[9] then
  redis.call('ZREM', ARGV[7] .. 'appointments:agent:' .. old.agentId, ARGV[1])
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
if ARGV[5] == '0' then
  redis.call('ZADD', KEYS[5], ARGV[4], ARGV[1])
else
  redis.call('ZREM', KEYS[5], ARGV[1])
end
return 1
`);

/**
 * KEYS: pin. ARGV: appointmentId, until (epoch ms). A free PIN is taken with
 * SET NX PXAT (Redis expires it at until); its own holder may move until (a
 * reschedule). Returns 1 if held by this appointment afterwards, else 0.
 */
export const CLAIM_PIN = new LuaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2], 'NX') then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2], 'XX')
  return 1
end
return 0
`);

/** KEYS: pin. ARGV: appointmentId. Compare-and-delete: a holder never frees another's PIN. */
export const RELEASE_PIN = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** KEYS: pin. Returns nil, or {appointmentId, until} read together. */
export const FIND_PIN = new LuaScript(`
local holder = redis.call('GET', KEYS[1])
if not holder then return false end
return {holder, redis.call('PEXPIRETIME', KEYS[1])}
`);

/**
 * KEYS: job hash, due set, appointment's jobs. ARGV: id, createdAt, due score
 * ('' unless pending), then the hash's field/value pairs. Returns 1, or 0 if
 * the id exists (the deterministic id makes a second create a no-op).
 */
export const CREATE_JOB = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) end
return 1
`);

/**
 * KEYS: job hash, due set. ARGV: owner, now, leaseUntil, id. Takes the job
 * only if pending, nextAttemptAt <= now and leaseUntil <= now; returns its
 * hash as claimed (flat field/value list), or nil. In the due set it now
 * scores at its lease's end: claimable again only if the owner dies.
 */
export const CLAIM_JOB = new LuaScript(`
local f = redis.call('HMGET', KEYS[1], 'status', 'nextAttemptAt', 'leaseUntil')
if f[1] ~= 'pending' then return false end
local now = tonumber(ARGV[2])
if tonumber(f[2]) > now or tonumber(f[3]) > now then return false end
redis.call('HSET', KEYS[1], 'leaseOwner', ARGV[1], 'leaseUntil', ARGV[3])
redis.call('ZADD', KEYS[2], math.max(tonumber(f[2]), tonumber(ARGV[3])), ARGV[4])
return redis.call('HGETALL', KEYS[1])
`);

/**
 * KEYS: job hash, due set. ARGV: owner, id, status, countsAsAttempt ('1'/'0'),
 * sentAt or '', nextAttemptAt or '', hasLastError ('1'/'0'), lastError.
 * Applies only while the job is pending and leased by owner; releases the
 * lease. Returns 1 if applied, else 0.
 */
export const FINISH_JOB = new LuaScript(`
local f = redis.call('HMGET', KEYS[1], 'status', 'leaseOwner')
if f[1] ~= 'pending' or f[2] ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'leaseOwner')
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'leaseUntil', '0')
if ARGV[4] == '1' then redis.call('HINCRBY', KEYS[1], 'attempts', 1) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'sentAt', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'nextAttemptAt', ARGV[6]) end
if ARGV[7] == '1' then redis.call('HSET', KEYS[1], 'lastError', ARGV[8]) end
if ARGV[3] == 'pending' or ARGV[3] == 'failed' then redis.call('HDEL', KEYS[1], 'handedAt') end
if ARGV[3] == 'pending' then
  redis.call('ZADD', KEYS[2], redis.call('HGET', KEYS[1], 'nextAttemptAt'), ARGV[2])
else
  redis.call('ZREM', KEYS[2], ARGV[2])
end
return 1
`);

/** KEYS: job hash. ARGV: owner, at. Sets handedAt while the job is pending and leased by owner; 1 or 0. */
export const MARK_JOB_HANDED = new LuaScript(`
local f = redis.call('HMGET', KEYS[1], 'status', 'leaseOwner')
if f[1] ~= 'pending' or f[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'handedAt', ARGV[2])
return 1
`);

/**
 * KEYS: appointment's jobs, due set. ARGV: prefix, reason, filtered ('1'/'0'),
 * then the kinds. Skips every pending job (of those kinds) and drops its
 * lease, so a send in flight cannot turn it back into a retry. Returns the count.
 */
export const SKIP_PENDING_JOBS = new LuaScript(`
local kinds = nil
if ARGV[3] == '1' then
  kinds = {}
  for i = 4, #ARGV do kinds[ARGV[i]] = true end
end
local skipped = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. 'job:' .. id
  local f = redis.call('HMGET', key, 'status', 'kind')
  if f[1] == 'pending' and (kinds == nil or kinds[f[2]]) then
    redis.call('HSET', key, 'status', 'skipped', 'lastError', ARGV[2], 'leaseUntil', '0')
    redis.call('HDEL', key, 'leaseOwner')
    redis.call('ZREM', KEYS[2], id)
    skipped = skipped + 1
  end
end
return skipped
`);

/**
 * KEYS: the appointment's job set, the due set. ARGV: prefix, kinds...
 * A pending job of those kinds that no sender ever took (no attempt, no
 * lease, ever) is deleted; one that a sender took is skipped instead
 * (lastError 'rescheduled', lease cleared), so a send that may have
 * happened stays on record. Returns how many were deleted or skipped.
 */
export const SUPERSEDE_PENDING_JOBS = new LuaScript(`
local kinds = {}
for i = 2, #ARGV do kinds[ARGV[i]] = true end
local touched = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. 'job:' .. id
  local f = redis.call('HMGET', key, 'status', 'kind', 'attempts', 'leaseUntil', 'leaseOwner')
  if f[1] == 'pending' and kinds[f[2]] then
    if tonumber(f[3]) == 0 and tonumber(f[4]) == 0 and not f[5] then
      redis.call('DEL', key)
      redis.call('ZREM', KEYS[1], id)
    else
      redis.call('HSET', key, 'status', 'skipped', 'lastError', 'rescheduled', 'leaseUntil', '0')
      redis.call('HDEL', key, 'leaseOwner')
    end
    redis.call('ZREM', KEYS[2], id)
    touched = touched + 1
  end
end
return touched
`);

/**
 * KEYS: message, all messages, agent's, appointment's. ARGV: json, createdAt, id.
 * Returns 1, or 0 if the id exists.
 */
export const ADD_OUTBOX = new LuaScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[3])
return 1
`);

/**
 * A whole booking in one script. KEYS: 1 pin, 2 room, 3-7 the appointment's
 * keys (as INSERT_APPOINTMENT), 8 idempotency key, 9 audit list, 10 due set,
 * 11 appointment's jobs, then one hash key per job. ARGV: 1 deadline (Redis
 * clock, epoch ms), 2 appointment id, 3 PIN until, 4 room JSON, 5 appointment
 * JSON, 6 startsAt, 7 endsAt, 8 erased, 9 idempotency value ('' for none),
 * 10 its TTL in ms, 11 audit JSON, 12 the jobs as JSON
 * ([{id, createdAt, score, hash: [field, value, ...]}]).
 *
 * Returns {1} booked, {-3} PIN taken, {-4} past the deadline, {-5, value} the
 * idempotency key is held, {-2} the room or appointment exists. Every check
 * runs before the first write, so a refusal writes nothing. The deadline
 * check is what makes a booking whose caller already got 503 (Redis was
 * stopped, the command waited in the socket) a no-op when Redis wakes up.
 */
export const BOOK = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now > tonumber(ARGV[1]) then return {-4} end
if ARGV[9] ~= '' then
  local held = redis.call('GET', KEYS[8])
  if held then return {-5, held} end
end
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 or redis.call('EXISTS', KEYS[4]) == 1 then
  return {-2}
end
if redis.call('EXISTS', KEYS[1]) == 1 then return {-3} end
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
redis.call('SET', KEYS[2], ARGV[4])
redis.call('SET', KEYS[3], ARGV[5])
redis.call('SET', KEYS[4], ARGV[2])
redis.call('ZADD', KEYS[5], ARGV[6], ARGV[2])
redis.call('ZADD', KEYS[6], ARGV[6], ARGV[2])
if ARGV[8] == '0' then redis.call('ZADD', KEYS[7], ARGV[7], ARGV[2]) end
for i, job in ipairs(cjson.decode(ARGV[12])) do
  redis.call('HSET', KEYS[11 + i], unpack(job.hash))
  redis.call('ZADD', KEYS[11], job.createdAt, job.id)
  if job.score ~= '' then redis.call('ZADD', KEYS[10], job.score, job.id) end
end
redis.call('RPUSH', KEYS[9], ARGV[11])
if ARGV[9] ~= '' then redis.call('SET', KEYS[8], ARGV[9], 'PX', ARGV[10]) end
return {1}
`);
