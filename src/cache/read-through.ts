import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { noneMatch } from "../lib/conditional";
import { log } from "../lib/log";
import { bodyEtag, type CacheEntry } from "./store";

// The parts of a cached read that belong to the cache: its key, the entry made from an answer,
// the answer made from an entry, and the store after the response. The read pipeline
// (src/pipelines/read.ts) calls them in order.

/** Every answer says where it came from; anything the read cache did not serve is a BYPASS. */
export const cacheStatus = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!c.res.headers.has("X-Cache")) c.res.headers.set("X-Cache", "BYPASS");
});

// Upstash refuses a request over 1 MB; an entry near that size is served, not stored.
export const MAX_CACHE_ENTRY_BYTES = 900_000;

/**
 * The cache key of a read: its path and the query parameters its route knows, as validated
 * (defaults filled in), so `?junk=1` or a reordered query share one entry.
 */
export function cacheKey(path: string, query: object | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}).sort()) {
    if (value !== undefined) params.set(name, String(value));
  }
  return `cache:${path}?${params}`;
}

/** The entry for a 200 answer: its body, its Link (part of what the client sees) and its ETag. */
export async function entryOf(res: Response): Promise<CacheEntry> {
  // The answer is rebuilt from the entry, so the handler's body is read, not copied.
  const body = await res.text();
  const link = res.headers.get("Link");
  return {
    // A list's Link is part of what the client sees, so it is part of the tag.
    etag: res.headers.get("ETag") ?? (await bodyEtag(link ? `${body}\n${link}` : body)),
    body,
    ...(link ? { link } : {}),
  };
}

/** Whether an entry is small enough for Redis to take. */
export function fitsInCache(c: Context<AppEnv>, entry: CacheEntry): boolean {
  const size = entry.body.length + (entry.link?.length ?? 0);
  if (size > MAX_CACHE_ENTRY_BYTES) log.warn(c, `answer of ${size} bytes not cached: over ${MAX_CACHE_ENTRY_BYTES}`);
  return size <= MAX_CACHE_ENTRY_BYTES;
}

/** The answer an entry makes; a GET that matches If-None-Match gets 304 with no body, hit or miss alike. */
export function answerFrom(c: Context<AppEnv>, entry: CacheEntry, outcome: "HIT" | "MISS" | "BYPASS"): Response {
  const headers: Record<string, string> = { ETag: entry.etag, "X-Cache": outcome };
  if (entry.link) headers.Link = entry.link;
  if (noneMatch(c.req.header("If-None-Match"), entry.etag)) return c.body(null, 304, headers);
  return c.body(entry.body, 200, { ...headers, "Content-Type": "application/json" });
}

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
