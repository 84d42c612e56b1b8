import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { afterResponse, answerFrom, cacheKey, entryOf, fitsInCache } from "../cache/read-through";
import { type Lookup, lookup, store } from "../cache/store";
import type { Tag } from "../cache/tags";
import { log } from "../lib/log";
import type { JsonResponse } from "./respond";

/** A read's one database round trip, answered as a 200 with its body and headers. */
export type ReadQuery<T> = () => Promise<JsonResponse<T, 200>>;

/**
 * Every public read, top to bottom. The rate limit has already counted the request (every request
 * is counted before anything else runs), and the route has validated its input.
 *
 * 1. The cache key: the path and the validated query.
 * 2. The lookup, when Redis is configured: one read-only round trip for the generations of the
 *    read's tags and the entry under its key. A current entry answers (`X-Cache: HIT`) and the
 *    database is not asked. A lookup that fails or is slow is a miss that stores nothing.
 * 3. The query: the read's one database round trip.
 * 4. The store, after the response: the answer under the generations the lookup saw before the
 *    database was read, so a write committed in between makes it stale at once.
 * 5. The answer, rebuilt from the entry: `ETag`, `Link`, `X-Cache` (`MISS` when stored, `BYPASS`
 *    when not), and 304 for a matching `If-None-Match`.
 */
export async function read<T>(
  c: Context<AppEnv>,
  tags: readonly Tag[],
  query: object | undefined,
  run: ReadQuery<T>,
): Promise<JsonResponse<T, 200>> {
  const { redis } = c.var;
  const key = cacheKey(new URL(c.req.url).pathname, query);

  let found: Lookup | undefined;
  if (redis) {
    try {
      found = await redis.run((r) => lookup(r, key, tags));
    } catch (err) {
      log.warn(c, "cache lookup failed; serving from the database", err);
    }
    if (found?.entry) return typed<T>(answerFrom(c, found.entry, "HIT"));
  }

  const entry = await entryOf(await run());

  const lookedUp = found;
  const stored = redis !== null && lookedUp !== undefined && redis.available && fitsInCache(c, entry);
  if (stored) {
    await afterResponse(
      c,
      redis.run((r) => store(r, key, tags, lookedUp.gens, entry, c.var.config.CACHE_TTL_SECONDS)),
    );
  }
  return typed<T>(answerFrom(c, entry, stored ? "MISS" : "BYPASS"));
}

// The entry holds the very text the query answered (or an earlier answer of the same read), so
// the answer carries T as the query's did; a 304 carries no body at all.
const typed = <T>(res: Response) => res as JsonResponse<T, 200>;
