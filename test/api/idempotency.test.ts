import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env";
import { createOrder, createProduct, desk } from "../fixtures";
import { type ApiResponse, api, countRoundTrips, db, expectProblem, redis, snapshot } from "../helpers";

const chair = { product_name: "Chair", price: 25.5, cost: 10.25, stock: 3 };

const STILL_RUNNING = "A request with this Idempotency-Key is still being processed; retry later";
const MISMATCH = "This Idempotency-Key was already used with a different request";
const INVALID_KEY = "Idempotency-Key must be 1–255 visible ASCII characters";
const UNAVAILABLE = "Idempotency-Key needs Redis, which cannot be reached; retry shortly";

/** Calls the same app with other bindings (Hono's app.request), with no execution context. */
const call = <T = unknown>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
  bindings: Partial<Bindings> = {},
) => api<T>(path, init, bindings);

const idem = (key: string, extra: Record<string, string> = {}) => ({ "Idempotency-Key": key, ...extra });

async function count(table: "products" | "orders" | "orders_products"): Promise<number> {
  const [row] = await db().query(`select count(*)::int as n from ${table}`);
  return Number(row?.n);
}

async function idemKeys(): Promise<string[]> {
  return redis().keys("idem:*");
}

/** A replay answers what the first request answered, marked as replayed. */
function expectReplay(first: ApiResponse, replay: ApiResponse) {
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

describe("Idempotency-Key on POST /orders", () => {
  it("replays the first answer to a retry, writing nothing and touching no database", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [2] };
    const first = await api<number>("/orders", { method: "POST", json: order, headers: idem("order-1") });
    expect(first.status).toBe(201);
    expect(first.body).toBe(1);
    expect(first.headers.get("Location")).toBe("/orders/1");
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const after = await snapshot();
    expect(after.orders).toHaveLength(1);

    const { result: replay, roundTrips } = await countRoundTrips(() =>
      api<number>("/orders", { method: "POST", json: order, headers: idem("order-1") }),
    );
    expectReplay(first, replay);
    expect(replay.body).toBe(1);
    expect(replay.headers.get("Location")).toBe("/orders/1");
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(after);

    // Replays keep coming while the record lives.
    const again = await api<number>("/orders", { method: "POST", json: order, headers: idem("order-1") });
    expectReplay(first, again);
    expect(await count("orders")).toBe(1);

    // A new key is a new request.
    const other = await api<number>("/orders", { method: "POST", json: order, headers: idem("order-2") });
    expect(other.status).toBe(201);
    expect(other.body).toBe(2);
    expect(other.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await count("orders")).toBe(2);
  });

  it("accepts the key as a structured-field string in quotes, the same key as without them", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [1] };
    const first = await api<number>("/orders", { method: "POST", json: order, headers: idem('"quoted-1"') });
    expect(first.status).toBe(201);
    const replay = await api<number>("/orders", { method: "POST", json: order, headers: idem("quoted-1") });
    expectReplay(first, replay);
    expect(await count("orders")).toBe(1);
  });

  it("runs 20 concurrent requests with one key exactly once", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [3] };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        api<unknown>("/orders", { method: "POST", json: order, headers: idem("concurrent-1") }),
      ),
    );
    expect(await db().query("select count(*)::int as n from orders")).toEqual([{ n: 1 }]);
    const [row] = await db().query("select id::int as id from orders");
    const id = Number(row?.id);

    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const res of created) {
      expect(res.body).toBe(id);
      expect(res.headers.get("Location")).toBe(`/orders/${id}`);
    }
    expect(new Set(created.map((a) => JSON.stringify(a.body))).size).toBe(1);
    // Exactly one answer is the original; any other 201 is a replay of it.
    expect(created.filter((a) => a.headers.get("Idempotent-Replayed") === null)).toHaveLength(1);
    for (const res of answers) {
      if (res.status === 201) continue;
      expectProblem(res, 409, STILL_RUNNING, "/orders");
      expect(res.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
    }
  });

  it("refuses the same key with a different body, or on another route, with 422 and writes nothing", async () => {
    const product = await createProduct();
    const first = await api<number>("/orders", {
      method: "POST",
      json: { product_ids: [product], amounts: [1] },
      headers: idem("reused"),
    });
    expect(first.status).toBe(201);
    const before = await snapshot();

    const { result: different, roundTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [product], amounts: [5] }, headers: idem("reused") }),
    );
    expectProblem(different, 422, MISMATCH, "/orders");
    expect(different.headers.get("Idempotent-Replayed")).toBeNull();
    expect(roundTrips).toBe(0);

    const elsewhere = await api("/products", { method: "POST", json: chair, headers: idem("reused") });
    expectProblem(elsewhere, 422, MISMATCH, "/products");
    expect(await snapshot()).toEqual(before);

    // The record is intact: the original request still replays.
    const replay = await api<number>("/orders", {
      method: "POST",
      json: { product_ids: [product], amounts: [1] },
      headers: idem("reused"),
    });
    expectReplay(first, replay);
  });

  it("does not record a failed attempt, so a corrected retry with the same key runs", async () => {
    const product = await createProduct();
    const failed = await api("/orders", {
      method: "POST",
      json: { product_ids: [99], amounts: [1] },
      headers: idem("fix-me"),
    });
    expectProblem(failed, 422, "Unknown product ids: 99", "/orders");
    expect(await idemKeys()).toEqual([]);
    expect(await count("orders")).toBe(0);

    // The same failing request runs again rather than replaying the failure.
    const failedAgain = await api("/orders", {
      method: "POST",
      json: { product_ids: [99], amounts: [1] },
      headers: idem("fix-me"),
    });
    expectProblem(failedAgain, 422, "Unknown product ids: 99", "/orders");
    expect(failedAgain.headers.get("Idempotent-Replayed")).toBeNull();

    const corrected = await api<number>("/orders", {
      method: "POST",
      json: { product_ids: [product], amounts: [1] },
      headers: idem("fix-me"),
    });
    expect(corrected.status).toBe(201);
    expect(corrected.body).toBe(1);
    expect(corrected.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await count("orders")).toBe(1);

    const replay = await api<number>("/orders", {
      method: "POST",
      json: { product_ids: [product], amounts: [1] },
      headers: idem("fix-me"),
    });
    expectReplay(corrected, replay);
    expect(await count("orders")).toBe(1);
  });

  it("refuses an empty key, a key over 255 characters or one with spaces with 422, and writes nothing", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [1] };
    const before = await snapshot();
    for (const key of ["", "   ", '""', "x".repeat(300), "x".repeat(256), "has space"]) {
      const res = await api<{ errors: unknown }>("/orders", { method: "POST", json: order, headers: idem(key) });
      expectProblem(res, 422, INVALID_KEY, "/orders");
      expect(res.body.errors).toEqual([
        { path: "Idempotency-Key", message: "must be 1–255 visible ASCII characters", code: "invalid_format" },
      ]);
    }
    expect(await snapshot()).toEqual(before);
    expect(await idemKeys()).toEqual([]);

    // 255 characters is the longest key accepted.
    const longest = await api<number>("/orders", { method: "POST", json: order, headers: idem("k".repeat(255)) });
    expect(longest.status).toBe(201);
    const replay = await api<number>("/orders", { method: "POST", json: order, headers: idem("k".repeat(255)) });
    expectReplay(longest, replay);
  });

  it("keeps the record in Redis for 24 hours", async () => {
    const product = await createProduct();
    const res = await api("/orders", {
      method: "POST",
      json: { product_ids: [product], amounts: [1] },
      headers: idem("ttl"),
    });
    expect(res.status).toBe(201);
    const keys = await idemKeys();
    expect(keys).toHaveLength(1);
    const ttl = await redis().ttl(keys[0] ?? "");
    expect(ttl).toBeLessThanOrEqual(86_400);
    expect(ttl).toBeGreaterThan(86_000);
  });

  it("ignores the key on reads", async () => {
    const product = await createProduct();
    const res = await api(`/products/${product}`, { headers: idem("read") });
    expect(res.status).toBe(200);
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await idemKeys()).toEqual([]);
  });
});

describe("Idempotency-Key on other writes", () => {
  it("replays PUT /products/{id} with its ETag and does not touch the row again", async () => {
    const id = await createProduct();
    const first = await api<{ updated_at: string }>(`/products/${id}`, {
      method: "PUT",
      json: chair,
      headers: idem("put-1"),
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject(chair);
    expect(first.headers.get("ETag")).toMatch(/^"/);
    const after = await snapshot();

    const { result: replay, roundTrips } = await countRoundTrips(() =>
      api(`/products/${id}`, { method: "PUT", json: chair, headers: idem("put-1") }),
    );
    expectReplay(first, replay);
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(after);
  });

  it("replays DELETE /products/{id} with 202 and its body though the product is gone", async () => {
    const id = await createProduct();
    const first = await api(`/products/${id}`, { method: "DELETE", headers: idem("delete-1") });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id, deleted: true });
    expect(await count("products")).toBe(0);

    const replay = await api(`/products/${id}`, { method: "DELETE", headers: idem("delete-1") });
    expectReplay(first, replay);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ id, deleted: true });

    // Without the key the same delete runs, and finds nothing.
    const plain = await api(`/products/${id}`, { method: "DELETE" });
    expectProblem(plain, 404, `Product ${id} does not exist`, `/products/${id}`);
  });

  it("replays POST /products-batch without creating the products twice", async () => {
    const first = await api<{ id: number }[]>("/products-batch", {
      method: "POST",
      json: [desk, chair],
      headers: idem("batch-1"),
    });
    expect(first.status).toBe(201);
    expect(first.body.map((p) => p.id)).toEqual([1, 2]);
    const after = await snapshot();

    const replay = await api("/products-batch", { method: "POST", json: [desk, chair], headers: idem("batch-1") });
    expectReplay(first, replay);
    expect(await snapshot()).toEqual(after);
    expect(await count("products")).toBe(2);
  });

  it("replays DELETE /orders-batch with the first answer's counts", async () => {
    const product = await createProduct();
    await createOrder([product], [1]);
    await createOrder([product], [2]);
    await createOrder([product], [3]);
    const first = await api("/orders-batch", { method: "DELETE", json: [1, 2, 99], headers: idem("del-batch") });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ deleted: 2, not_found: [99] });
    const after = await snapshot();
    expect(after.orders).toHaveLength(1);

    const replay = await api("/orders-batch", { method: "DELETE", json: [1, 2, 99], headers: idem("del-batch") });
    expectReplay(first, replay);
    expect(replay.body).toEqual({ deleted: 2, not_found: [99] });
    expect(await snapshot()).toEqual(after);

    // Another id list under the same key is a different request.
    const different = await api("/orders-batch", { method: "DELETE", json: [3], headers: idem("del-batch") });
    expectProblem(different, 422, MISMATCH, "/orders-batch");
    expect(await snapshot()).toEqual(after);
  });

  it("replays POST /orders_products with its Location, adding the line once", async () => {
    const product = await createProduct();
    const order = await createOrder([product], [1]);
    const line = { order_id: order, product_id: product, amount: 4 };
    const first = await api<{ id: number }>("/orders_products", { method: "POST", json: line, headers: idem("line") });
    expect(first.status).toBe(201);
    expect(first.headers.get("Location")).toBe(`/orders_products/${first.body.id}`);
    const after = await snapshot();
    expect(after.lines).toHaveLength(2);

    const replay = await api("/orders_products", { method: "POST", json: line, headers: idem("line") });
    expectReplay(first, replay);
    expect(await snapshot()).toEqual(after);
  });
});

describe("Idempotency-Key scope and Redis outages", () => {
  it("scopes keys by caller: the same key from two API keys runs twice", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [1] };
    const bindings = { AUTH_DISABLED: "false" };
    const one = await call<number>(
      "/orders",
      { method: "POST", json: order, headers: idem("shared", { Authorization: "Bearer test-key-1" }) },
      bindings,
    );
    expect(one.status).toBe(201);
    expect(one.body).toBe(1);
    const two = await call<number>(
      "/orders",
      { method: "POST", json: order, headers: idem("shared", { Authorization: "Bearer test-key-2" }) },
      bindings,
    );
    expect(two.status).toBe(201);
    expect(two.body).toBe(2);
    expect(two.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await count("orders")).toBe(2);
    expect(await idemKeys()).toHaveLength(2);

    // Each caller's retry replays its own answer.
    const retryOne = await call<number>(
      "/orders",
      { method: "POST", json: order, headers: idem("shared", { Authorization: "Bearer test-key-1" }) },
      bindings,
    );
    expectReplay(one, retryOne);
    const retryTwo = await call<number>(
      "/orders",
      { method: "POST", json: order, headers: idem("shared", { Authorization: "Bearer test-key-2" }) },
      bindings,
    );
    expectReplay(two, retryTwo);
    expect(await count("orders")).toBe(2);
  });

  it("refuses a keyed write with 503 when Redis cannot be reached, and writes nothing; unkeyed writes go on", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [1] };
    const down = { UPSTASH_REDIS_REST_URL: env.STACK_UNAVAILABLE_ORIGIN };
    const before = await snapshot();

    const refused = await call("/orders", { method: "POST", json: order, headers: idem("outage") }, down);
    expectProblem(refused, 503, UNAVAILABLE, "/orders");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(await snapshot()).toEqual(before);

    const plain = await call<number>("/orders", { method: "POST", json: order }, down);
    expect(plain.status).toBe(201);
    expect(plain.body).toBe(1);
    expect(plain.headers.get("X-Cache")).toBe("BYPASS");
    expect(await count("orders")).toBe(1);
  });
});
