import { LuaScript } from '../store/redis-scripts.js';

/*
 * The room directory's check-then-write steps, each one Lua script so that no
 * other node's command lands in between: a claim is SET NX PX, its renewal
 * and its release compare the owner first (never a GET then a SET or DEL from
 * the node). Times come from Redis (TIME), the one clock every node shares.
 * Per node, a sorted set holds the rooms it owns scored by claim expiry, so a
 * node that died stops counting as loaded once its claims lapse.
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: the room's claim. ARGV: roomId, ttlMs, prefix, the asking node's id
 * ('' if it may not take the room), keep ratio, keep rooms, '1' if the
 * asking node keeps the room whatever the counts (a room-hashing proxy
 * chose it) else '0', candidate count, then (nodeId, capacity) pairs in
 * order of preference for ties.
 * Claims the room for the asking node when told to keep it, or while its
 * live claims per unit of capacity are at most the least loaded's × keep
 * ratio + keep rooms ÷ its capacity; otherwise for the candidate with the
 * fewest. Returns {1, owner} when it claimed, {0, owner} when the room was
 * already claimed.
 */
export const CLAIM_ROOM = new LuaScript(`${NOW}
local owner = redis.call('GET', KEYS[1])
if owner then return {0, owner} end
local asking = ARGV[4]
local best, bestScore, askingScore, askingCapacity = nil, nil, nil, nil
for i = 0, tonumber(ARGV[8]) - 1 do
  local id = ARGV[9 + i * 2]
  local capacity = tonumber(ARGV[10 + i * 2])
  local set = ARGV[3] .. 'cluster:node-rooms:' .. id
  redis.call('ZREMRANGEBYSCORE', set, '-inf', now)
  local score = redis.call('ZCARD', set) / capacity
  if id == asking then askingScore, askingCapacity = score, capacity end
  if best == nil or score < bestScore then best, bestScore = id, score end
end
-- 1e-9: a node exactly at the bound keeps the room, whatever the rounding of the division.
if askingScore and ARGV[7] == '1' then
  best = asking
elseif askingScore and askingScore <= bestScore * tonumber(ARGV[5]) + tonumber(ARGV[6]) / askingCapacity + 1e-9 then
  best = asking
end
if not redis.call('SET', KEYS[1], best, 'NX', 'PX', ARGV[2]) then
  return {0, redis.call('GET', KEYS[1])}
end
redis.call('ZADD', ARGV[3] .. 'cluster:node-rooms:' .. best, now + tonumber(ARGV[2]), ARGV[1])
return {1, best}
`);

/**
 * KEYS: the room's claim, the node's room set. ARGV: nodeId, ttlMs, roomId.
 * Extends the claim if this node still holds it: 1, else 0 (someone else
 * took over after it lapsed; the caller must not act as owner).
 */
export const RENEW_ROOM = new LuaScript(`${NOW}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  redis.call('ZREM', KEYS[2], ARGV[3])
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[3])
return 1
`);

/**
 * KEYS: the room's claim, the owner's room set. ARGV: the expected owner, roomId.
 * Deletes the claim only if `owner` still holds it (its own release, or a
 * live node clearing the claim of a node the registry no longer lists).
 */
export const RELEASE_ROOM = new LuaScript(`
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);
