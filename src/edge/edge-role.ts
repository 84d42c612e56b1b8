import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { noneMatch } from "../lib/conditional";
import { staleTolerance } from "./cache-control";

/** What the edge role is given: the origin role, by service binding or (locally) by URL. */
export interface EdgeBindings {
  ORIGIN?: Fetcher;
  ORIGIN_URL?: string;
  RATE_LIMIT_READS?: RateLimit;
}

// How long the edge keeps an answer: the most staleness it can ever serve (a bare max-stale).
export const EDGE_KEEP_SECONDS = 300;
// When the stored answer left the origin (ms since the epoch), kept beside it: the Cache API's own
// Age is not reliable everywhere (miniflare leaves it at 0).
const STORED_AT = "X-Edge-Stored-At";
// The answers a client may take stale are the cached reads': those carry X-Cache and an ETag.
const isCachedRead = (res: Response) => res.status === 200 && res.headers.has("X-Cache") && res.headers.has("ETag");

/**
 * The cache key of a read at the edge: its URL and, since CORS headers differ by origin, the
 * Origin it came with. The Cache API keys by URL, so both go into one.
 */
export function edgeCacheKey(request: Request): string {
  const url = new URL(request.url);
  const key = new URL(`https://edge-cache.invalid${url.pathname}`);
  key.search = url.search;
  key.searchParams.set("__origin", request.headers.get("Origin") ?? "");
  return key.href;
}

function origin(env: EdgeBindings): (request: Request) => Promise<Response> {
  if (env.ORIGIN) {
    const binding = env.ORIGIN;
    return (request) => binding.fetch(request);
  }
  if (env.ORIGIN_URL) {
    const base = new URL(env.ORIGIN_URL);
    return async (request) => {
      const url = new URL(request.url);
      const res = await fetch(new Request(`${base.origin}${url.pathname}${url.search}`, request));
      // fetch hands the body over decoded; sent on with its Content-Encoding, it would be encoded
      // again whatever the client accepts.
      if (!res.headers.has("Content-Encoding")) return res;
      const decoded = new Response(res.body, res);
      decoded.headers.delete("Content-Encoding");
      return decoded;
    };
  }
  return async () =>
    new Response(
      JSON.stringify({
        type: "about:blank",
        title: "Internal Server Error",
        status: 500,
        detail: "The edge role has no origin: bind ORIGIN (a service binding) or set ORIGIN_URL",
      }),
      { status: 500, headers: { "Content-Type": "application/problem+json" } },
    );
}

/** A stored answer served at the edge: its age, a request id of its own, and If-None-Match honoured. */
function served(stored: Response, ageMs: number, request: Request, id: string): Response {
  const headers = new Headers(stored.headers);
  // Deleted before they are set, so they go out named as the origin names them.
  for (const name of [STORED_AT, "Cache-Control", "Server-Timing", "Age", "X-Cache", "X-Request-Id"]) {
    headers.delete(name);
  }
  headers.set("Age", String(Math.floor(ageMs / 1000)));
  headers.set("X-Cache", "EDGE");
  headers.set("X-Request-Id", id);
  headers.set("Server-Timing", `edge;desc="served at the edge"`);
  if (noneMatch(request.headers.get("If-None-Match") ?? undefined, headers.get("ETag") ?? "")) {
    for (const name of ["Content-Type", "Content-Length"]) headers.delete(name);
    return new Response(null, { status: 304, headers });
  }
  return new Response(stored.body, { status: 200, headers });
}

/**
 * The edge role: the same Worker, deployed without placement next to clients, in front of the
 * origin role (placed next to the data). It answers one kind of request itself: a GET whose
 * `Cache-Control: max-stale=N` accepts an answer up to N seconds old, from this location's cache
 * (the Workers Cache API) when the stored answer is that young — no crossing to the data at all.
 * Every other request (default reads, `no-cache`, every write) goes to the origin, which answers
 * exactly as it always does; a max-stale read's 200 is stored on the way back, stamped with the
 * moment the edge asked for it, so the age it is served with is never less than its true age.
 */
export const edgeRole = new Hono<{ Bindings: EdgeBindings }>();
edgeRole.use(requestId());

edgeRole.all("*", async (c) => {
  const request = c.req.raw;
  const forward = origin(c.env);
  const { maxStaleSeconds } =
    c.req.method === "GET"
      ? staleTolerance(c.req.header("Cache-Control"), EDGE_KEEP_SECONDS)
      : { maxStaleSeconds: undefined };
  if (maxStaleSeconds === undefined) return forward(request);

  const cache = caches.default;
  const key = edgeCacheKey(request);
  const stored = await cache.match(key);
  const ageMs = stored ? Date.now() - Number(stored.headers.get(STORED_AT)) : Number.POSITIVE_INFINITY;
  if (stored && ageMs >= 0 && ageMs <= maxStaleSeconds * 1000) {
    const limiter = c.env.RATE_LIMIT_READS;
    const caller = `ip:${c.req.header("CF-Connecting-IP") ?? "unknown"}`;
    // Served here, a read is still counted; refused, it goes on to the origin, which refuses it.
    if (!limiter || (await limiter.limit({ key: caller })).success)
      return served(stored, ageMs, request, c.get("requestId"));
  }

  const asked = Date.now();
  const res = await forward(request);
  if (isCachedRead(res)) {
    const copy = new Response(res.clone().body, res);
    copy.headers.set(STORED_AT, String(asked));
    copy.headers.set("Cache-Control", `max-age=${EDGE_KEEP_SECONDS}`);
    copy.headers.delete("Set-Cookie");
    c.executionCtx.waitUntil(cache.put(key, copy));
  }
  return res;
});
