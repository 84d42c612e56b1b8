import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { neon, neonConfig } from "@neondatabase/serverless";
import { Redis } from "@upstash/redis/cloudflare";
import { expect } from "vitest";
import app from "../src/app";
import type { Bindings } from "../src/env";
import worker from "../src/index";

export const BASE = "http://api.test";

/** A body as text; an image's bytes as hex, since decoding them as text would mangle them. */
export async function bodyText(res: Response): Promise<string> {
  if (!(res.headers.get("Content-Type") ?? "").startsWith("image/")) return res.text();
  return [...new Uint8Array(await res.arrayBuffer())].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The body as sent, for asserting what it must not contain (an image's bytes as hex). */
  text: string;
}

/**
 * Calls the Worker through its fetch handler and parses the body (JSON or text). It waits for
 * the request's `waitUntil` work (cache write-backs), so the next call sees its effects.
 * `bindings` replaces some of the test bindings for this one request.
 */
export async function api<T = unknown>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
  bindings: Partial<Bindings> = {},
): Promise<ApiResponse<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, { ...rest, headers, body: json === undefined ? rest.body : JSON.stringify(json) }),
    { ...env, ...bindings },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  // With Redis down, every answer must still come, from the database.
  if (env.STACK_REDIS_DOWN) expect(res.headers.get("X-Cache")).toBe("BYPASS");
  const type = res.headers.get("Content-Type") ?? "";
  const text = await bodyText(res);
  const body = (type.includes("json") && text.length > 0 ? JSON.parse(text) : text) as T;
  if (res.status >= 200 && res.status < 300 && type.includes("json")) {
    expectDeclaredShape(rest.method ?? "GET", path, res.status, body);
  }
  return { status: res.status, headers: res.headers, body, text };
}

interface DeclaredRoute {
  method: string;
  pattern: RegExp;
  responses: Record<string, { content?: Record<string, { schema?: { safeParse(v: unknown): SafeParse } }> }>;
}
type SafeParse = { success: true } | { success: false; error: { issues: unknown[] } };

let declared: DeclaredRoute[] | undefined;

/** The app's routes as its OpenAPI registry holds them, static paths before `{id}` ones. */
function declaredRoutes(): DeclaredRoute[] {
  declared ??= app.openAPIRegistry.definitions
    .flatMap((d) => (d.type === "route" ? [d.route] : []))
    .map((r) => ({
      method: r.method.toUpperCase(),
      pattern: new RegExp(`^${r.path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      params: (r.path.match(/\{/g) ?? []).length,
      responses: r.responses as DeclaredRoute["responses"],
    }))
    .sort((a, b) => a.params - b.params);
  return declared;
}

/**
 * Every 2xx JSON answer a test gets is checked against the response schema its route declares
 * (the zod schema the OpenAPI document is made from), so a body built in SQL cannot drift from
 * the contract unnoticed. Routes outside the registry (the document itself) are not checked.
 */
function expectDeclaredShape(method: string, path: string, status: number, body: unknown): void {
  const pathname = new URL(path, BASE).pathname;
  const route = declaredRoutes().find((r) => r.method === method.toUpperCase() && r.pattern.test(pathname));
  const schema = route?.responses[String(status)]?.content?.["application/json"]?.schema;
  if (!route || !schema) return;
  const parsed = schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues, `${method} ${pathname} ${status} against its schema`).toEqual([]);
}

/** SQL straight to the test database, for arranging and inspecting state around API calls. */
export function db() {
  neonConfig.fetchEndpoint = env.STACK_NEON_URL;
  return neon(env.DATABASE_URL ?? "");
}

export function redis() {
  return new Redis({
    url: env.STACK_UPSTASH_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN ?? "",
    enableTelemetry: false,
  });
}

/** Drops every cached answer, keeping the generations, so the next read of each is a miss that is stored. */
export async function emptyCache(): Promise<void> {
  const keys = await redis().keys("cache:*");
  if (keys.length > 0) await redis().del(...keys);
}

export interface NeonStats {
  requests: number;
  statements: number;
}

export async function neonStats(): Promise<NeonStats> {
  const res = await fetch(`${env.STACK_NEON_ORIGIN}/stats`);
  return (await res.json()) as NeonStats;
}

/** Runs `call` and returns its result with the number of HTTP requests the Upstash proxy saw. */
export async function countRedisTrips<T>(call: () => Promise<T>): Promise<{ result: T; redisTrips: number }> {
  const stats = async () =>
    ((await (await fetch(`${env.STACK_UPSTASH_ORIGIN}/stats`)).json()) as { requests: number }).requests;
  const before = await stats();
  const result = await call();
  return { result, redisTrips: (await stats()) - before };
}

/** Runs `call` and returns its result with the number of HTTP requests the Neon proxy saw. */
export async function countRoundTrips<T>(call: () => Promise<T>): Promise<{ result: T; roundTrips: number }> {
  const before = await neonStats();
  const result = await call();
  const after = await neonStats();
  return { result, roundTrips: after.requests - before.requests };
}

/** Every table's rows, so a test can assert that a refused write changed nothing. */
export async function snapshot() {
  const sql = db();
  const [products, orders, lines] = await Promise.all([
    sql.query("select * from products order by id"),
    sql.query("select * from orders order by id"),
    sql.query("select * from orders_products order by id"),
  ]);
  return { products, orders, lines };
}

export function expectProblem(res: ApiResponse, status: number, detail: string | RegExp, instance: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const body = res.body as Record<string, unknown>;
  expect(body.status).toBe(status);
  expect(body.type).toBe("about:blank");
  expect(body.instance).toBe(instance);
  expect(body.request_id).toBe(res.headers.get("X-Request-Id"));
  if (typeof detail === "string") expect(body.detail).toBe(detail);
  else expect(body.detail).toMatch(detail);
}

/** Writes rows in SQL, so no API write runs: nothing is invalidated and no API rule is checked. */
export async function insertProductRow(product: { product_name: string; price: number; cost: number; stock: number }) {
  await db().query("insert into products (product_name, price, cost, stock) values ($1, $2, $3, $4)", [
    product.product_name,
    product.price,
    product.cost,
    product.stock,
  ]);
}

/** An order with one line, in SQL like `insertProductRow`. */
export async function insertOrderWithLine(line: {
  product_id: number;
  amount: number;
  unit_price: number;
  unit_cost: number;
}) {
  const [order] = await db().query("insert into orders default values returning id");
  await db().query(
    "insert into orders_products (order_id, product_id, amount, unit_price, unit_cost) values ($1, $2, $3, $4, $5)",
    [order?.id, line.product_id, line.amount, line.unit_price, line.unit_cost],
  );
}

export async function countRows(table: "products" | "orders" | "orders_products"): Promise<number> {
  const [row] = await db().query(`select count(*)::int as n from ${table}`);
  return Number(row?.n);
}

/** The stored lines, with bigint and numeric columns cast so they compare as plain values. */
export async function storedLines() {
  return db().query(
    "select id::int, order_id::int, product_id::int, amount, unit_price::text, unit_cost::text from orders_products order by id",
  );
}

export const LONG_AGO = "2000-01-01T00:00:00.000Z";

/** Moves every order's updated_at far into the past, so a touch by the next write is visible. */
export async function ageOrders() {
  await db().query("update orders set updated_at = $1", [LONG_AGO]);
}

/** Sends a write that must answer `status`, and returns its body. */
export async function write<T = unknown>(path: string, method: string, json: unknown, status: number): Promise<T> {
  const res = await api<T>(path, { method, json });
  expect(res.status).toBe(status);
  return res.body;
}

/** Like `write`, and the write must pass by the cache: `X-Cache: BYPASS`. */
export async function writeBypassing<T = unknown>(
  path: string,
  method: string,
  json: unknown,
  status: number,
): Promise<T> {
  const res = await api<T>(path, { method, json });
  expect(res.status).toBe(status);
  expect(res.headers.get("X-Cache")).toBe("BYPASS");
  return res.body;
}

// ETags and the read-through cache.

export const STRONG_ETAG = /^"[0-9a-f]{32}"$/;
// The report's tag is weak: rebuilds of the same figures differ only in generated_at.
export const REPORT_ETAG = /^W\/"[0-9a-f]{32}"$/;
export const etagShape = (path: string) => (path.startsWith("/reports-all") ? REPORT_ETAG : STRONG_ETAG);
/** Shaped like our tags, but no representation has it. */
export const OTHER_TAG = '"00000000000000000000000000000000"';

/** The current ETag of a resource, from a plain GET. */
export async function etagOf(path: string): Promise<string> {
  const res = await api(path);
  expect(res.status).toBe(200);
  const etag = res.headers.get("ETag") ?? "";
  expect(etag).toMatch(etagShape(path));
  return etag;
}

/** A read that misses: 200, `X-Cache: MISS`, one database round trip, an ETag. */
export async function miss<T>(path: string): Promise<ApiResponse<T>> {
  const { result, roundTrips } = await countRoundTrips(() => api<T>(path));
  expect(result.status).toBe(200);
  expect(result.headers.get("X-Cache")).toBe("MISS");
  expect(result.headers.get("ETag")).toMatch(etagShape(path));
  expect(result.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(roundTrips).toBe(1);
  return result;
}

/** A read that hits: the same answer as `first`, `X-Cache: HIT`, no database round trip. */
export async function hit<T>(path: string, first: ApiResponse<T>): Promise<ApiResponse<T>> {
  const { result, roundTrips } = await countRoundTrips(() => api<T>(path));
  expect(result.status).toBe(200);
  expect(result.headers.get("X-Cache")).toBe("HIT");
  expect(roundTrips).toBe(0);
  expect(result.text).toBe(first.text);
  expect(result.body).toEqual(first.body);
  expect(result.headers.get("ETag")).toBe(first.headers.get("ETag"));
  expect(result.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));
  expect(result.headers.get("Link")).toBe(first.headers.get("Link"));
  return result;
}

/** Reads twice (MISS, then HIT) so the answer is cached, and returns it. */
export async function primed<T>(path: string): Promise<ApiResponse<T>> {
  const first = await miss<T>(path);
  await hit(path, first);
  return first;
}

/** After a write: the read misses and answers something other than the cached answer. */
export async function fresh<T>(path: string, cached: ApiResponse<T>): Promise<T> {
  const res = await miss<T>(path);
  expect(res.body).not.toEqual(cached.body);
  expect(res.headers.get("ETag")).not.toBe(cached.headers.get("ETag"));
  return res.body;
}

/** A read that is not cached: `X-Cache: BYPASS`. */
export async function bypass(path: string, status: number): Promise<ApiResponse> {
  const res = await api(path);
  expect(res.status).toBe(status);
  expect(res.headers.get("X-Cache")).toBe("BYPASS");
  return res;
}

// Idempotency-Key.

export const IDEMPOTENCY_MISMATCH = "This Idempotency-Key was already used with a different request";

export const idem = (key: string, extra: Record<string, string> = {}) => ({ "Idempotency-Key": key, ...extra });

/** The Idempotency-Keys Postgres holds: caller and expiry, in the order they were claimed. */
export async function idemKeys(): Promise<{ principal: string; hours: number }[]> {
  const rows = await db().query(
    "select principal, round(extract(epoch from expires_at - created_at) / 3600)::int as hours from idempotency_keys order by created_at",
  );
  return rows as { principal: string; hours: number }[];
}

/** A replay answers what the first request answered, marked as replayed. */
export function expectReplay(first: ApiResponse, replay: ApiResponse) {
  expect(first.headers.get("Idempotent-Replayed")).toBeNull();
  expect(replay.status).toBe(first.status);
  expect(replay.body).toEqual(first.body);
  expect(replay.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));
  expect(replay.headers.get("Location")).toBe(first.headers.get("Location"));
  expect(replay.headers.get("ETag")).toBe(first.headers.get("ETag"));
  expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
  // A replay is a new request: it has its own id and the usual security headers.
  expect(replay.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  expect(replay.headers.get("X-Request-Id")).not.toBe(first.headers.get("X-Request-Id"));
  expect(replay.headers.get("X-Content-Type-Options")).toBe("nosniff");
}
