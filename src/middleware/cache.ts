import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Table } from "../db/unit-of-work";
import { bodyEtag, type CacheEntry, lookup, store } from "../lib/cache";
import { noneMatch } from "../lib/conditional";
import { log } from "../lib/log";
import type { AppEnv } from "../lib/types";

/** Every answer says where it came from; anything the read cache did not serve is a BYPASS. */
export const cacheStatus = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!c.res.headers.has("X-Cache")) c.res.headers.set("X-Cache", "BYPASS");
});

/** Work that may finish after the response; awaited when there is no execution context. */
export function afterResponse(c: Context<AppEnv>, work: Promise<unknown>): Promise<void> | undefined {
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

function answer(c: Context<AppEnv>, entry: CacheEntry, outcome: "HIT" | "MISS" | "BYPASS"): Response {
  const headers: Record<string, string> = { ETag: entry.etag, "X-Cache": outcome };
  if (entry.link) headers.Link = entry.link;
  // A GET that matches If-None-Match gets 304 with no body, hit or miss alike.
  if (noneMatch(c.req.header("If-None-Match"), entry.etag)) return c.body(null, 304, headers);
  return c.body(entry.body, 200, { ...headers, "Content-Type": "application/json" });
}

/**
 * Read-through cache for a GET route whose answer depends on `tables`. A hit costs one Redis
 * round trip and no database round trip; a miss runs the handler and writes the answer back
 * after the response. Without Redis, or when it fails or is slow, the database answers
 * (`X-Cache: BYPASS`). Only 200 answers are kept.
 */
export function cached(...tables: Table[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const redis = c.var.redis;
    const url = new URL(c.req.url);
    url.searchParams.sort();
    const base = `cache:${url.pathname}?${url.searchParams}`;

    let key: string | undefined;
    if (redis) {
      try {
        const found = await lookup(redis, base, tables);
        if (found.entry) return answer(c, found.entry, "HIT");
        key = found.key;
      } catch (err) {
        log.error(c, "cache lookup failed; serving from the database", err);
      }
    }

    await next();
    const res = c.res;
    if (res.status !== 200) {
      res.headers.set("X-Cache", "BYPASS");
      return;
    }
    const body = await res.clone().text();
    const link = res.headers.get("Link");
    const entry: CacheEntry = {
      // A list's Link is part of what the client sees, so it is part of the tag.
      etag: res.headers.get("ETag") ?? (await bodyEtag(link ? `${body}\n${link}` : body)),
      body,
      ...(link ? { link } : {}),
    };
    if (redis && key) await afterResponse(c, store(redis, key, entry, c.var.config.CACHE_TTL_SECONDS));
    c.res = answer(c, entry, redis && key ? "MISS" : "BYPASS");
  });
}
