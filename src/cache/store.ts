import type { Redis } from "@upstash/redis/cloudflare";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { idArray } from "../db/sql-json";
import { sha256Hex } from "../lib/hash";
import type { Tag } from "./tags";

/**
 * Read cache with exact invalidation. Every tag (a table, in the terms reads depend on) has a
 * generation counter in Redis. A cached answer is stored under its read's key together with the
 * generations of its tags as they were before the database was read; it is served only while
 * those are still the current ones. A committed write bumps the generations of the tags it
 * changed before its response is sent, so every answer that depended on them stops being served
 * at once.
 *
 * A lookup is one plain `MGET` (the generations and the entry): a read-only command, which a
 * Redis read replica near the Worker can answer. Everything that writes (the store after a miss,
 * a write's bump) goes to the primary, off a read's critical path.
 *
 * A bump Redis never got is not lost: the write's batch also wrote an outbox row naming its
 * tags. The next write that reaches Redis applies the rows its epilogue finds pending, and the
 * scheduled drain applies whatever is left (see drainOutbox).
 */

const CacheEntrySchema = z.object({
  gens: z.string(),
  etag: z.string(),
  body: z.string(),
  link: z.string().optional(),
});
export type CacheEntry = Omit<z.infer<typeof CacheEntrySchema>, "gens">;

const generationKey = (tag: string) => `gen:${tag}`;
// Long enough for any drain to see the mark; outbox rows rarely live longer than a minute.
const APPLIED_TTL_SECONDS = 24 * 60 * 60;

// Generations start at Redis's clock in milliseconds, and a bump never goes below it. A counter
// that vanishes (eviction, FLUSHDB) therefore comes back at a value never used before, instead of
// at an old one whose cached answers may still be stored.
const NOW_MS = `local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

export interface Lookup {
  /** The entry, when it was stored at the generations that are current. */
  entry: CacheEntry | undefined;
  /** The generations the lookup saw, for storing what the database answers next; undefined when one was missing. */
  gens: string | undefined;
}

/** One read-only round trip: the generations of `tags` and the entry stored under `key`. */
export async function lookup(redis: Redis, key: string, tags: readonly Tag[]): Promise<Lookup> {
  const values = await redis.mget<(string | null)[]>(...tags.map(generationKey), key);
  const raw = values.pop() ?? null;
  const gens = values.every((g) => g !== null) ? values.join(".") : undefined;
  // An entry that no longer parses (another version wrote it) is a miss, and is overwritten.
  const parsed = raw ? CacheEntrySchema.safeParse(JSON.parse(raw)) : undefined;
  const entry = parsed?.success && gens !== undefined && parsed.data.gens === gens ? parsed.data : undefined;
  return { entry: entry && { etag: entry.etag, body: entry.body, ...(entry.link ? { link: entry.link } : {}) }, gens };
}

// After a miss: starts the generations that are missing (KEYS[2..]) and, when the lookup saw all
// of them (ARGV[1] not empty), stores the entry (KEYS[1] = ARGV[2], for ARGV[3] seconds). An
// answer read while a generation was missing is not stored: nothing says which writes it saw.
const STORE = `${NOW_MS}
for i = 2, #KEYS do redis.call('SET', KEYS[i], string.format('%d', now), 'NX') end
if ARGV[1] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 1`;

/** Stores what the database answered, under the generations the lookup saw before it read. */
export async function store(
  redis: Redis,
  key: string,
  tags: readonly Tag[],
  gens: string | undefined,
  entry: CacheEntry,
  ttlSeconds: number,
): Promise<void> {
  await redis.eval(
    STORE,
    [key, ...tags.map(generationKey)],
    [gens ?? "", JSON.stringify({ gens: gens ?? "", ...entry }), String(ttlSeconds)],
  );
}

// After a write, in one round trip: bumps the generations KEYS[1..] and marks this write's outbox
// rows (ARGV[2], then that many ids) applied for ARGV[1] seconds. Then the pending rows of other
// writes it was handed (a count, then per row its id, its tag count and its tags): each one not
// marked yet has its tags bumped and is marked.
const AFTER_WRITE = `${NOW_MS}
local function bump(key)
  local g = tonumber(redis.call('GET', key) or '0')
  if g < now then g = now else g = g + 1 end
  redis.call('SET', key, string.format('%d', g))
end
for i = 1, #KEYS do bump(KEYS[i]) end
local at = 2
for i = 1, tonumber(ARGV[at]) do redis.call('SET', 'outbox:' .. ARGV[at + i], '1', 'EX', ARGV[1]) end
at = at + tonumber(ARGV[at]) + 1
local applied = 0
for _ = 1, tonumber(ARGV[at]) do
  local id, count = ARGV[at + 1], tonumber(ARGV[at + 2])
  if redis.call('SET', 'outbox:' .. id, '1', 'EX', ARGV[1], 'NX') then
    for j = 1, count do bump('gen:' .. ARGV[at + 2 + j]) end
    applied = applied + 1
  end
  at = at + 2 + count
end
return applied`;

/** A committed write's outbox row: the tags whose bump it owes. */
export interface OutboxRow {
  id: number;
  tags: readonly Tag[];
}

/**
 * A write's epilogue, in one round trip: bumps the generations of `tags`, marks the outbox rows
 * that owed it as applied, and applies the `pending` rows of earlier writes whose own epilogue
 * never reached Redis. Answers how many of those it applied.
 */
export async function afterWrite(
  redis: Redis,
  work: { tags: readonly Tag[]; outboxIds: readonly number[]; pending?: readonly OutboxRow[] },
): Promise<number> {
  const { tags, outboxIds, pending = [] } = work;
  if (tags.length === 0 && outboxIds.length === 0 && pending.length === 0) return 0;
  return redis.eval<string[], number>(AFTER_WRITE, tags.map(generationKey), [
    String(APPLIED_TTL_SECONDS),
    String(outboxIds.length),
    ...outboxIds.map(String),
    String(pending.length),
    ...pending.flatMap((row) => [String(row.id), String(row.tags.length), ...row.tags]),
  ]);
}

// A row this old belongs to a write whose epilogue (200 ms) has landed or failed: the next write
// takes it over, instead of leaving it to the drain. Each takes the oldest few.
const PENDING_AFTER = "2 seconds";
const PENDING_PER_WRITE = 20;

/** What a write's outbox statement answers: its own row, and the older rows it took over. */
export interface OutboxClaim {
  [column: string]: unknown;
  id: string;
  pending: OutboxRow[];
}

/**
 * The statement a write's batch adds so its invalidation outlives a lost Redis call. It also takes
 * over the oldest rows left by earlier writes (deleted here, returned for this write's epilogue,
 * which applies those whose mark is missing), and its own row owes their tags too: if this
 * epilogue fails as well, what they owed is still owed, by this row. So the outbox empties itself
 * as writes go on, and a lost invalidation waits for the next write that reaches Redis, not for
 * the drain. Rows another write is taking over are skipped, not waited for.
 */
export const outboxInsert = (tags: readonly Tag[]) => sql`
  with taken as (
    delete from cache_outbox where id in (
      select id from cache_outbox where created_at < now() - ${PENDING_AFTER}::interval
      order by id limit ${PENDING_PER_WRITE} for update skip locked)
    returning id, tags
  ),
  added as (
    insert into cache_outbox (tags)
    select array(
      select t from unnest(${`{${tags.join(",")}}`}::text[]) as t
      union select unnest(x.tags) from taken x
      order by 1)
    returning id
  )
  select (select id from added) as id,
         coalesce((select json_agg(json_build_object('id', x.id, 'tags', x.tags) order by x.id) from taken x), '[]') as pending`;

// The drain reads this many rows a round; a run goes on until the outbox is empty or its budget
// is spent (the next run, a minute later, goes on from there).
const DRAIN_BATCH = 1000;

/**
 * Applies the outbox rows whose bump Redis never got, oldest first, then deletes every row it
 * looked at; round after round until the outbox is empty or `budgetMs` is spent. A row whose
 * bump did land is skipped (its mark is in Redis), so a drain does not evict fresh entries.
 * Answers how many rows it looked at and how many bumps it applied.
 */
export async function drainOutbox(db: Db, redis: Redis, budgetMs: number, batch = DRAIN_BATCH) {
  const started = Date.now();
  let rows = 0;
  let applied = 0;
  while (Date.now() - started < budgetMs) {
    const round = await db.execute<{ id: string; tags: Tag[] }>(
      sql`select id, tags from cache_outbox order by id limit ${batch}`,
    );
    if (round.rows.length === 0) break;
    const ids = round.rows.map((r) => Number(r.id));
    applied += await afterWrite(redis, {
      tags: [],
      outboxIds: [],
      pending: round.rows.map((r) => ({ id: Number(r.id), tags: r.tags })),
    });
    await db.execute(sql`delete from cache_outbox where id = any(${idArray(ids)}::bigint[])`);
    rows += ids.length;
    if (round.rows.length < batch) break;
  }
  return { rows, applied };
}

/** Without Redis there is nothing to invalidate: the rows left from a time it was on go. */
export async function discardOutbox(db: Db): Promise<number> {
  const { rowCount } = await db.execute(sql`delete from cache_outbox`);
  return rowCount ?? 0;
}

/** A strong ETag for a body: SHA-256, shortened; equal bodies always get equal tags. */
export async function bodyEtag(body: string): Promise<string> {
  return `"${(await sha256Hex(body)).slice(0, 32)}"`;
}
