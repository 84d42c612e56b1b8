import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { z } from "zod";
import { noneMatch } from "../lib/conditional";
import { log } from "../lib/log";
import type { AppEnv } from "../lib/types";
import { bodyEtag, type CacheEntry, type Lookup, lookup, store } from "./store";
import type { Tag } from "./tags";

/** Every answer says where it came from; anything the read cache did not serve is a BYPASS. */
export const cacheStatus = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!c.res.headers.has("X-Cache")) c.res.headers.set("X-Cache", "BYPASS");
});

/** Work that may finish after the response; awaited when there is no execution context. */
function afterResponse(c: Context<AppEnv>, work: Promise<unknown>): Promise<void> | undefined {
  const settled = work.then(
    () => undefined,
    (err: unknown) => log.error(c, "background work failed", err),
  );
  try {
    c.executionCtx.waitUntil(settled);
    return undefined;
  } catch {
    return settled;
  }
}

type QuerySchema = z.ZodType<Record<string, unknown>>;

// Upstash refuses a request over 1 MB; an entry near that size is served, not stored.
export const MAX_CACHE_ENTRY_BYTES = 900_000;

function answer(c: Context<AppEnv>, entry: CacheEntry, outcome: "HIT" | "MISS" | "BYPASS"): Response {
  const headers: Record<string, string> = { ETag: entry.etag, "X-Cache": outcome };
  if (entry.link) headers.Link = entry.link;
  // A GET that matches If-None-Match gets 304 with no body, hit or miss alike.
  if (noneMatch(c.req.header("If-None-Match"), entry.etag)) return c.body(null, 304, headers);
  return c.body(entry.body, 200, { ...headers, "Content-Type": "application/json" });
}

/**
 * The cache key of a read: its path and the query parameters its route knows, as validated
 * (defaults filled in), so `?junk=1` or a reordered query share one entry. Undefined when the
 * query is invalid: the route answers 422 and nothing is cached.
 */
function cacheKey(c: Context<AppEnv>, query: QuerySchema | undefined): string | undefined {
  const path = new URL(c.req.url).pathname;
  if (!query) return `cache:${path}?`;
  const parsed = query.safeParse(c.req.query());
  if (!parsed.success) return undefined;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(parsed.data).sort()) {
    if (value !== undefined) params.set(name, String(value));
  }
  return `cache:${path}?${params}`;
}

/**
 * Read-through cache for a GET route whose answer depends on `tags`. A hit costs one read-only
 * Redis round trip and no database round trip; a miss runs the handler and writes the answer back
 * after the response. Without Redis, or when it fails or is slow, the database answers
 * (`X-Cache: BYPASS`). Only 200 answers are kept.
 */
export function cached(tags: readonly Tag[], query?: QuerySchema) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const redis = c.var.redis;
    const key = cacheKey(c, query);

    let found: Lookup | undefined;
    if (redis && key) {
      try {
        found = await redis.run((r) => lookup(r, key, tags));
      } catch (err) {
        log.warn(c, "cache lookup failed; serving from the database", err);
      }
      if (found?.entry) return answer(c, found.entry, "HIT");
    }

    await next();
    const res = c.res;
    if (res.status !== 200) {
      res.headers.set("X-Cache", "BYPASS");
      return;
    }
    // The answer is rebuilt from the entry below, so the handler's body is read, not copied.
    const body = await res.text();
    const link = res.headers.get("Link");
    const entry: CacheEntry = {
      // A list's Link is part of what the client sees, so it is part of the tag.
      etag: res.headers.get("ETag") ?? (await bodyEtag(link ? `${body}\n${link}` : body)),
      body,
      ...(link ? { link } : {}),
    };
    const fits = body.length + (link?.length ?? 0) <= MAX_CACHE_ENTRY_BYTES;
    if (!fits) log.warn(c, `answer of ${body.length} bytes not cached: over ${MAX_CACHE_ENTRY_BYTES}`);
    const lookedUp = found;
    const stored = redis !== null && key !== undefined && lookedUp !== undefined && redis.available && fits;
    if (stored) {
      await afterResponse(
        c,
        redis.run((r) => store(r, key, tags, lookedUp.gens, entry, c.var.config.CACHE_TTL_SECONDS)),
      );
    }
    c.res = answer(c, entry, stored ? "MISS" : "BYPASS");
  });
}
