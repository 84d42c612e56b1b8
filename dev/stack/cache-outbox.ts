import { neon, neonConfig } from "@neondatabase/serverless";
import { Redis } from "@upstash/redis/cloudflare";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { afterWrite, drainOutbox, outboxInsert } from "../../src/cache/store.ts";
import { CACHE_TAGS, type Tag } from "../../src/cache/tags.ts";
import type { Db } from "../../src/db/client.ts";
import type { Target } from "../db/target.ts";
import { DEV_NEON_ENDPOINT, DEV_PORTS, DEV_UPSTASH_TOKEN } from "./ports.ts";
import type { Stack } from "./stack.ts";

/**
 * The data tools' side of the read cache. A write made behind the API (db:seed, db:reset, Drizzle
 * Studio, psql) is recorded in cache_outbox by a trigger, in its own transaction (drizzle/0011).
 * Where a tool knows the Redis of the API in front of its database, it applies those rows at once
 * with the Worker's own drain, so the API's next read comes from the database; where it does not,
 * the rows wait for the Worker (its scheduled drain, or its next write 2 s later).
 */

/** Every tag a cached read depends on: what a new database invalidates. */
const EVERY_TAG: readonly Tag[] = [
  ...new Set(Object.values(CACHE_TAGS).flatMap((reads): readonly Tag[] => Object.values(reads).flat())),
];

// How long a tool's drain may take; it goes round after round (1,000 rows each) until the outbox is empty.
const DRAIN_BUDGET_MS = 60_000;

/** A Redis over Upstash's REST protocol, as the Worker's client speaks to it. */
function restRedis(url: string, token: string): Redis {
  return new Redis({
    url,
    token,
    enableTelemetry: false,
    // Answers are read as the Worker reads them: JSON as it is, no base64.
    automaticDeserialization: false,
    responseEncoding: false,
    retry: { retries: 1 },
    signal: () => AbortSignal.timeout(5000),
  });
}

interface CacheRedis {
  redis: Redis;
  /** How to name it to a person. */
  label: string;
}

/**
 * The Redis of the API in front of `target`'s database: UPSTASH_REDIS_REST_URL and
 * UPSTASH_REDIS_REST_TOKEN when set (the Worker's own settings); else, for the local stack's
 * database, the stack's Upstash proxy when it runs (it does not when the stack runs without
 * Redis); else none.
 */
async function resolveCacheRedis(target: Pick<Target, "fetchEndpoint">): Promise<CacheRedis | undefined> {
  const url = process.env.UPSTASH_REDIS_REST_URL || undefined;
  const token = process.env.UPSTASH_REDIS_REST_TOKEN || undefined;
  if (url && token) return { redis: restRedis(url, token), label: url };
  if (target.fetchEndpoint !== DEV_NEON_ENDPOINT) return undefined;
  const stackUrl = `http://127.0.0.1:${DEV_PORTS.upstash}`;
  const up = await fetch(`${stackUrl}/healthz`).then(
    (res) => res.ok,
    () => false,
  );
  return up
    ? { redis: restRedis(stackUrl, DEV_UPSTASH_TOKEN), label: `the local stack's Redis (${stackUrl})` }
    : undefined;
}

// The Worker's database client, without src/db/client.ts, whose import wraps every fetch of the
// driver (for the Worker's round-trip counts and deadlines) in the whole process.
function dbOf(target: Pick<Target, "databaseUrl" | "fetchEndpoint">): Db {
  if (target.fetchEndpoint) neonConfig.fetchEndpoint = target.fetchEndpoint;
  return drizzle({ client: neon(target.databaseUrl) });
}

/** Applies every outbox row to `redis` (the Worker's drain) and deletes it; answers how many. */
async function applyOutbox(target: Pick<Target, "databaseUrl" | "fetchEndpoint">, redis: Redis) {
  return drainOutbox(dbOf(target), redis, DRAIN_BUDGET_MS);
}

/** Records that everything changed (a database emptied or made again), in the outbox. */
export async function recordEverythingChanged(target: Pick<Target, "databaseUrl" | "fetchEndpoint">) {
  await dbOf(target).execute(outboxInsert(EVERY_TAG));
}

/** Moves every generation on at once: nothing cached so far is served again. */
async function bumpEverything(redis: Redis): Promise<void> {
  await afterWrite(redis, { tags: EVERY_TAG, outboxIds: [] });
}

async function owedRows(target: Pick<Target, "databaseUrl" | "fetchEndpoint">): Promise<number> {
  const { rows } = await dbOf(target).execute<{ n: number }>(sql`select count(*)::int as n from cache_outbox`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * What a data tool does after its writes: applies the outbox at once when it knows the API's
 * Redis, and says what happened to the cache either way. It never fails the tool: rows it could
 * not apply are still in the outbox, where the Worker finds them.
 */
export async function invalidateAfterWrites(target: Target): Promise<string> {
  const plural = (n: number, one: string, many: string) => `${n} outbox ${n === 1 ? one : many}`;
  try {
    const found = await resolveCacheRedis(target);
    if (found) {
      // A local stack's own drain may have applied some rows first: the count is this tool's.
      const { rows } = await applyOutbox(target, found.redis);
      return `Cache: invalidated in ${found.label}, none left owed (${plural(rows, "row", "rows")} applied here); the API's next reads come from the database.`;
    }
    if (target.fetchEndpoint === DEV_NEON_ENDPOINT) {
      return "Cache: the local stack runs without Redis, so nothing is cached; the next stack with Redis drops what an earlier one cached.";
    }
    const owed = await owedRows(target);
    return `Cache: ${plural(owed, "row waits", "rows wait")} for the Worker's scheduled drain (within a minute). To apply them now, set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN to the API's Redis.`;
  } catch (err) {
    return `Cache: could not apply the outbox (${(err as Error).message}); its rows wait for the Worker's scheduled drain.`;
  }
}

/**
 * The local stack's drain of the outbox, every `everyMs`. The stack also fires the Worker's Cron
 * Trigger every minute (dev/stack/cron.ts), whose drain does the same, but a row edited in Studio or
 * psql should show in the API's reads about at once, and `dev:stack` may run with no Worker.
 * Answers a function that stops it.
 */
function keepOutboxDrained(
  target: Pick<Target, "databaseUrl" | "fetchEndpoint">,
  redis: Redis,
  onFailure: (message: string) => void,
  everyMs = 1000,
): () => Promise<void> {
  let stopped = false;
  let failing = false;
  let wake: () => void = () => undefined;
  const loop = (async () => {
    while (!stopped) {
      try {
        await applyOutbox(target, redis);
        failing = false;
      } catch (err) {
        // Once per outage, not once a second; the rows stay owed until a round succeeds.
        if (!failing) onFailure(`cache outbox drain failed (${(err as Error).message}); retrying every ${everyMs} ms`);
        failing = true;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, everyMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return async () => {
    stopped = true;
    wake();
    await loop;
  };
}

/**
 * The local stack's cache upkeep, from its start until the returned function stops it. Nothing
 * tells the stack what happened while it was down (its .data/pglite deleted by db:reset, Studio on
 * the folder, a server's database made again), so every answer its Redis cached before is
 * dropped; then the outbox is drained every second (keepOutboxDrained).
 */
export async function startCacheUpkeep(
  stack: Pick<Stack, "postgres" | "neon" | "upstash">,
  token: string,
  say: (message: string) => void,
): Promise<() => Promise<void>> {
  if (!stack.upstash) return async () => undefined;
  const redis = restRedis(stack.upstash.url, token);
  try {
    await bumpEverything(redis);
  } catch (err) {
    say(`could not drop what Redis cached before this stack (${(err as Error).message})`);
  }
  return keepOutboxDrained({ databaseUrl: stack.postgres.url, fetchEndpoint: stack.neon.url }, redis, say);
}
