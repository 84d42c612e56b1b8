import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { neon, neonConfig } from "@neondatabase/serverless";
import { Redis } from "@upstash/redis/cloudflare";
import { expect } from "vitest";
import type { Bindings } from "../src/env";
import worker from "../src/index";

export const BASE = "http://api.test";

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The body as sent, for asserting what it must not contain. */
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
  const text = await res.text();
  const type = res.headers.get("Content-Type") ?? "";
  const body = (type.includes("json") && text.length > 0 ? JSON.parse(text) : text) as T;
  return { status: res.status, headers: res.headers, body, text };
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
