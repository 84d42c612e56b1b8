import type { Redis } from "@upstash/redis/cloudflare";
import type { Table } from "../db/unit-of-work";

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

// One round trip for a lookup: read the generations, build the key, read the entry.
const LOOKUP = `
local gens = {}
for i = 1, #KEYS do gens[i] = redis.call('GET', KEYS[i]) or '0' end
local key = ARGV[1] .. '@' .. table.concat(gens, '.')
return {key, redis.call('GET', key)}`;

const BUMP = `for i = 1, #KEYS do redis.call('INCR', KEYS[i]) end
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
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `"${hex.slice(0, 32)}"`;
}
