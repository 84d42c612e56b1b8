import type { Redis } from "@upstash/redis/cloudflare";
import type { Table } from "../db/unit-of-work";
import { sha256Hex } from "./hash";

/**
 * Read cache with exact invalidation. Every table has a generation counter in Redis; a cached
 * answer's key contains the generations of the tables it was read from. A committed write bumps
 * the generations of the tables it changed before its response is sent, so every answer that
 * depended on them becomes unreachable at once — no key listing, no stale window.
 */

export interface CacheEntry {
  etag: string;
  body: string;
  link?: string;
}

const generationKey = (table: Table) => `gen:${table}`;

// Generations start at Redis's clock in milliseconds, and a bump never goes below it. A counter
// that vanishes (eviction, FLUSHDB) therefore comes back at a value never used before, instead of
// at an old one whose cached answers may still be stored.
const NOW_MS = `local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

// One round trip for a lookup: read the generations, build the key, read the entry.
const LOOKUP = `${NOW_MS}
local gens = {}
for i = 1, #KEYS do
  local g = redis.call('GET', KEYS[i])
  if not g then
    redis.call('SET', KEYS[i], string.format('%d', now), 'NX')
    g = redis.call('GET', KEYS[i])
  end
  gens[i] = g
end
local key = ARGV[1] .. '@' .. table.concat(gens, '.')
return {key, redis.call('GET', key)}`;

const BUMP = `${NOW_MS}
for i = 1, #KEYS do
  local g = tonumber(redis.call('GET', KEYS[i]) or '0')
  if g < now then g = now else g = g + 1 end
  redis.call('SET', KEYS[i], string.format('%d', g))
end
return #KEYS`;

export interface Lookup {
  key: string;
  entry: CacheEntry | undefined;
}

export async function lookup(redis: Redis, base: string, tables: readonly Table[]): Promise<Lookup> {
  const [key, raw] = await redis.eval<string[], [string, string?]>(LOOKUP, tables.map(generationKey), [base]);
  return { key, entry: raw ? (JSON.parse(raw) as CacheEntry) : undefined };
}

export async function store(redis: Redis, key: string, entry: CacheEntry, ttlSeconds: number): Promise<void> {
  await redis.set(key, JSON.stringify(entry), { ex: ttlSeconds });
}

export async function invalidate(redis: Redis, tables: readonly Table[]): Promise<void> {
  if (tables.length > 0) await redis.eval(BUMP, tables.map(generationKey), []);
}

/** A strong ETag for a body: SHA-256, shortened; equal bodies always get equal tags. */
export async function bodyEtag(body: string): Promise<string> {
  return `"${(await sha256Hex(body)).slice(0, 32)}"`;
}
