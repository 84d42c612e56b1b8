import type { Redis } from "@upstash/redis/cloudflare";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { idArray } from "../db/sql-json";
import { sha256Hex } from "../lib/hash";
import { type RateCheck, rateLimitArgs, rateLimitLua } from "../lib/rate-limit";
import type { Tag } from "./tags";

/**
 * Read cache with exact invalidation. Every tag (a table, in the terms reads depend on) has a
 * generation counter in Redis; a cached answer's key contains the generations of the tags it
 * was read from. A committed write bumps the generations of the tags it changed before its
 * response is sent, so every answer that depended on them becomes unreachable at once.
 *
 * A bump Redis never got is not lost: the write's batch also wrote an outbox row naming its
 * tags, which the scheduled drain applies (see drainOutbox).
 */

const CacheEntrySchema = z.object({ etag: z.string(), body: z.string(), link: z.string().optional() });
export type CacheEntry = z.infer<typeof CacheEntrySchema>;

const generationKey = (tag: string) => `gen:${tag}`;
const appliedKey = (outboxId: number) => `outbox:${outboxId}`;
// Long enough for any drain to see the mark; outbox rows rarely live longer than a minute.
const APPLIED_TTL_SECONDS = 24 * 60 * 60;

// Generations start at Redis's clock in milliseconds, and a bump never goes below it. A counter
// that vanishes (eviction, FLUSHDB) therefore comes back at a value never used before, instead of
// at an old one whose cached answers may still be stored.
const NOW_MS = `local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

// One round trip for a lookup: the caller's rate limit (KEYS[1..2]), then the generations
// (KEYS[3..]), the key built from them, and the entry.
const LOOKUP = `${NOW_MS}
${rateLimitLua(1, 2)}
if limited then return {'', false, 1, 0} end
local gens = {}
for i = 3, #KEYS do
  local g = redis.call('GET', KEYS[i])
  if not g then
    redis.call('SET', KEYS[i], string.format('%d', now), 'NX')
    g = redis.call('GET', KEYS[i])
  end
  gens[i - 2] = g
end
local key = ARGV[1] .. '@' .. table.concat(gens, '.')
return {key, redis.call('GET', key), 0, remaining}`;

// After a write, in one round trip: bumps the generations of KEYS[1..n] (n = ARGV[1]), marks the
// outbox rows ARGV[4..] as applied for ARGV[2] seconds, and sets (or deletes, when ARGV[3] is
// empty) one more key, KEYS[n + 1], to ARGV[3 + marks + 1] for ARGV[3 + marks + 2] seconds.
const AFTER_WRITE = `${NOW_MS}
local n = tonumber(ARGV[1])
for i = 1, n do
  local g = tonumber(redis.call('GET', KEYS[i]) or '0')
  if g < now then g = now else g = g + 1 end
  redis.call('SET', KEYS[i], string.format('%d', g))
end
local marks = tonumber(ARGV[3])
for i = 1, marks do
  redis.call('SET', ARGV[3 + i], '1', 'EX', ARGV[2])
end
if KEYS[n + 1] then
  local value = ARGV[3 + marks + 1]
  if value == '' then redis.call('DEL', KEYS[n + 1])
  else redis.call('SET', KEYS[n + 1], value, 'EX', ARGV[3 + marks + 2]) end
end
return n`;

export interface Lookup {
  key: string;
  entry: CacheEntry | undefined;
  /** The rate check's outcome, when one was asked for. */
  limited: boolean;
  remaining: number;
}

export async function lookup(redis: Redis, base: string, tags: readonly Tag[], rate?: RateCheck): Promise<Lookup> {
  const limit = rateLimitArgs(rate, ["ratelimit:none", "ratelimit:none"]);
  const [key, raw, limited, remaining] = await redis.eval<string[], [string, string | null, number, number]>(
    LOOKUP,
    [...limit.keys, ...tags.map(generationKey)],
    [base, ...limit.args],
  );
  // An entry that no longer parses (another version wrote it) is a miss, and is overwritten.
  const parsed = raw ? CacheEntrySchema.safeParse(JSON.parse(raw)) : undefined;
  return { key, entry: parsed?.success ? parsed.data : undefined, limited: limited === 1, remaining };
}

export async function store(redis: Redis, key: string, entry: CacheEntry, ttlSeconds: number): Promise<void> {
  await redis.set(key, JSON.stringify(entry), { ex: ttlSeconds });
}

/** One more key a write's epilogue sets (or, with value null, deletes): the Idempotency-Key's record. */
export interface KeyRecord {
  key: string;
  value: string | null;
  ttlSeconds: number;
}

/**
 * A write's epilogue, in one round trip: bumps the generations of `tags`, marks the outbox rows
 * that owed it as applied, and writes `record`.
 */
export async function afterWrite(
  redis: Redis,
  work: { tags: readonly Tag[]; outboxIds: readonly number[]; record?: KeyRecord },
): Promise<void> {
  const { tags, outboxIds, record } = work;
  if (tags.length === 0 && !record) return;
  await redis.eval(
    AFTER_WRITE,
    [...tags.map(generationKey), ...(record ? [record.key] : [])],
    [
      String(tags.length),
      String(APPLIED_TTL_SECONDS),
      String(outboxIds.length),
      ...outboxIds.map(appliedKey),
      ...(record ? [record.value ?? "", String(record.ttlSeconds)] : []),
    ],
  );
}

/** The statement a write's batch adds so its invalidation outlives a lost Redis call. */
export const outboxInsert = (tags: readonly Tag[]) =>
  sql`insert into cache_outbox (tags) values (${`{${tags.join(",")}}`}::text[]) returning id`;

/**
 * Applies the outbox rows whose bump Redis never got, then deletes every row it looked at. A row
 * whose bump did land is skipped (its mark is in Redis), so a drain does not evict fresh entries.
 * Answers how many rows it looked at and how many bumps it applied.
 */
export async function drainOutbox(db: Db, redis: Redis, limit = 1000) {
  const { rows } = await db.execute<{ id: string; tags: Tag[] }>(
    sql`select id, tags from cache_outbox order by id limit ${limit}`,
  );
  if (rows.length === 0) return { rows: 0, applied: 0 };
  const ids = rows.map((r) => Number(r.id));
  const marks = await redis.mget<(string | null)[]>(...ids.map(appliedKey));
  const owed = rows.filter((_, i) => marks[i] === null);
  const tags = [...new Set(owed.flatMap((r) => r.tags))];
  await afterWrite(redis, { tags, outboxIds: owed.map((r) => Number(r.id)) });
  await db.execute(sql`delete from cache_outbox where id = any(${idArray(ids)}::bigint[])`);
  return { rows: rows.length, applied: owed.length };
}

/** A strong ETag for a body: SHA-256, shortened; equal bodies always get equal tags. */
export async function bodyEtag(body: string): Promise<string> {
  return `"${(await sha256Hex(body)).slice(0, 32)}"`;
}
