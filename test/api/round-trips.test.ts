import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createOrder, createProduct } from "../fixtures";
import { api, countRedisTrips, countRoundTrips } from "../helpers";

const json = (method: string, body: unknown) => ({ method, json: body });

/** Two products, an order with one line of each: ids 1 and 2, order 1, lines 1 and 2. */
async function arrange() {
  for (const name of ["Desk", "Chair"]) await createProduct({ product_name: name, price: 10, cost: 5, stock: 1 });
  await createOrder([1, 2], [1, 2]);
}

// Every endpoint with the status it answers on the arranged data. Reads and writes
// alike make exactly one database round trip; `/` and `/docs` make none.
const endpoints: [string, string, RequestInit & { json?: unknown }, number, number][] = [
  ["GET", "/", {}, 200, 0],
  ["GET", "/health", {}, 200, 1],
  ["GET", "/openapi.json", {}, 200, 0],
  ["GET", "/docs", {}, 200, 0],
  ["GET", "/products?page=1&page_size=2", {}, 200, 1],
  ["GET", "/products-count", {}, 200, 1],
  ["GET", "/products/1", {}, 200, 1],
  ["POST", "/products", json("POST", { product_name: "Lamp", price: 1, cost: 1, stock: 1 }), 201, 1],
  ["PUT", "/products/1", json("PUT", { product_name: "Desk", price: 11, cost: 5, stock: 1 }), 200, 1],
  ["DELETE", "/products/1", { method: "DELETE" }, 409, 1],
  ["POST", "/products-batch", json("POST", [{ product_name: "Lamp", price: 1, cost: 1, stock: 1 }]), 201, 1],
  ["DELETE", "/products-batch", json("DELETE", [1, 99]), 409, 1],
  ["GET", "/orders-list?page=1&page_size=2", {}, 200, 1],
  ["GET", "/orders?page=1&page_size=2", {}, 200, 1],
  ["GET", "/orders-count", {}, 200, 1],
  ["GET", "/orders/1", {}, 200, 1],
  ["POST", "/orders", json("POST", { product_ids: [1], amounts: [3] }), 201, 1],
  ["PUT", "/orders/1", json("PUT", { product_ids: [2], amounts: [4] }), 200, 1],
  ["POST", "/orders-batch", json("POST", [{ product_ids: [1], amounts: [1] }]), 201, 1],
  ["GET", "/orders_products-count", {}, 200, 1],
  ["GET", "/orders_products/1", {}, 200, 1],
  ["POST", "/orders_products", json("POST", { order_id: 1, product_id: 2, amount: 1 }), 201, 1],
  ["PUT", "/orders_products/1", json("PUT", { order_id: 1, product_id: 1, amount: 9 }), 200, 1],
  ["POST", "/orders_products-batch", json("POST", [{ order_id: 1, product_id: 1, amount: 1 }]), 201, 1],
  ["DELETE", "/orders_products/1", { method: "DELETE" }, 202, 1],
  ["DELETE", "/orders_products-batch", json("DELETE", [2, 99]), 202, 1],
  ["GET", "/reports-all?from=2026-01-01&to=2099-12-31", {}, 200, 1],
  ["DELETE", "/orders/1", { method: "DELETE" }, 202, 1],
  ["DELETE", "/orders-batch", json("DELETE", [1, 99]), 202, 1],
];

describe("database round trips per request", () => {
  it.each(endpoints)("%s %s makes at most one", async (method, path, init, status, trips) => {
    await arrange();
    const { result, roundTrips } = await countRoundTrips(() => api(path, { ...init, method }));
    expect(result.status).toBe(status);
    expect(roundTrips).toBe(trips);
  });

  it("makes one Redis round trip for a hit; a miss adds the write-back; a write adds one invalidation", async () => {
    await arrange();
    const miss = await countRedisTrips(() => countRoundTrips(() => api("/orders/1")));
    const hit = await countRedisTrips(() => countRoundTrips(() => api("/orders/1")));
    const write = await countRedisTrips(() =>
      countRoundTrips(() => api("/orders", json("POST", { product_ids: [1], amounts: [1] }))),
    );
    if (env.STACK_REDIS_DOWN) {
      // Every Redis call is tried once and fails; the database answers.
      expect([miss.result.roundTrips, hit.result.roundTrips, write.result.roundTrips]).toEqual([1, 1, 1]);
      expect([miss.redisTrips, hit.redisTrips, write.redisTrips]).toEqual([0, 0, 0]);
    } else {
      expect([miss.result.result.headers.get("X-Cache"), hit.result.result.headers.get("X-Cache")]).toEqual([
        "MISS",
        "HIT",
      ]);
      expect([miss.result.roundTrips, hit.result.roundTrips, write.result.roundTrips]).toEqual([1, 0, 1]);
      expect([miss.redisTrips, hit.redisTrips, write.redisTrips]).toEqual([2, 1, 1]);
    }
  });

  it("with rate limits on: a hit 1 Redis round trip, a miss 2, every write 1, a replay none", async () => {
    await arrange();
    // The limiters are Cloudflare's Rate Limiting bindings: counted where the Worker runs, no trip.
    const limits = { RATE_LIMIT_READS: env.TEST_LIMIT_1000, RATE_LIMIT_WRITES: env.TEST_LIMIT_1000 };
    const order = json("POST", { product_ids: [1], amounts: [1] });
    const miss = await countRedisTrips(() => countRoundTrips(() => api("/orders/1", {}, limits)));
    const hit = await countRedisTrips(() => countRoundTrips(() => api("/orders/1", {}, limits)));
    const keyed = await countRedisTrips(() =>
      countRoundTrips(() => api("/orders", { ...order, headers: { "Idempotency-Key": "trips-1" } }, limits)),
    );
    const replay = await countRedisTrips(() =>
      countRoundTrips(() => api("/orders", { ...order, headers: { "Idempotency-Key": "trips-1" } }, limits)),
    );
    const plain = await countRedisTrips(() => countRoundTrips(() => api("/orders", order, limits)));
    const all = [miss, hit, keyed, replay, plain];
    expect(all.map((t) => t.result.result.status)).toEqual([200, 200, 201, 201, 201]);
    expect(replay.result.result.headers.get("Idempotent-Replayed")).toBe("true");
    if (env.STACK_REDIS_DOWN) {
      expect(all.map((t) => [t.result.roundTrips, t.redisTrips])).toEqual([
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
      ]);
    } else {
      // Postgres alone holds Idempotency-Keys: a keyed write costs what any write costs, and a
      // replay is the database's answer to the same batch, which changed nothing to invalidate.
      expect(all.map((t) => [t.result.roundTrips, t.redisTrips])).toEqual([
        [1, 2],
        [0, 1],
        [1, 1],
        [1, 0],
        [1, 1],
      ]);
    }
  });

  it("makes none for a cached read, and none for a write refused by validation", async () => {
    await arrange();
    expect((await api("/orders/1")).headers.get("X-Cache")).toBe(env.STACK_REDIS_DOWN ? "BYPASS" : "MISS");
    const again = await countRoundTrips(() => api("/orders/1"));
    expect(again.roundTrips).toBe(env.STACK_REDIS_DOWN ? 1 : 0);
    const refused = await countRoundTrips(() => api("/orders", json("POST", { product_ids: [1], amounts: [] })));
    expect(refused.result.status).toBe(422);
    expect(refused.roundTrips).toBe(0);
  });
});
