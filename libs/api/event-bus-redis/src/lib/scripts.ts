import { LuaScript } from './lua-script';

/**
 * Appends one event: the next position of the topic's counter becomes stream id
 * `<position>-0`, so positions are 1, 2, 3… without gaps and every instance
 * sees the same numbering. The log is trimmed to about `retention` entries.
 * A counter lost while its stream survived is rebuilt from the stream.
 *
 * KEYS: stream, counter. ARGV: trim mode (`~` or `=`), retention, entry body.
 * Returns the position.
 */
export const APPEND = new LuaScript(`
local position = redis.call('INCR', KEYS[2])
if position == 1 and redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then
      position = tonumber(string.match(info[i + 1], '^(%d+)')) + 1
      redis.call('SET', KEYS[2], string.format('%d', position))
    end
  end
end
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], ARGV[2], string.format('%d-0', position), 'e', ARGV[3])
return position
`);

/**
 * Reads a topic's range and, when asked, a run of entries, as one consistent snapshot.
 *
 * KEYS: stream, counter. ARGV: first position wanted, most entries (0 for the range only).
 * Returns `{latest, first, entries}`.
 */
export const READ = new LuaScript(`
local latest = tonumber(redis.call('GET', KEYS[2]) or '0')
local first = latest + 1
local head = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
if #head > 0 then first = tonumber(string.match(head[1][1], '^(%d+)')) end
local entries = {}
local count = tonumber(ARGV[2])
if count > 0 then entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', count) end
return {latest, first, entries}
`);

/**
 * Admits a topic into the deployment's topic set unless that set is full.
 *
 * KEYS: topic set. ARGV: topic, most topics. Returns 1 when the topic is (now) known, 0 when refused.
 */
export const REGISTER_TOPIC = new LuaScript(`
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
return 1
`);

/**
 * The deployment's epoch: the stored one, or the candidate when none is stored yet.
 *
 * KEYS: epoch. ARGV: candidate. Returns the epoch every instance now shares.
 */
export const EPOCH = new LuaScript(`
local epoch = redis.call('GET', KEYS[1])
if epoch then return epoch end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`);
