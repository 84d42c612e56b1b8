import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createProduct } from "../fixtures";
import {
  api,
  countRoundTrips,
  countRows,
  db,
  expectProblem,
  expectReplay,
  IDEMPOTENCY_MISMATCH,
  idem,
} from "../helpers";

const STILL_RUNNING = "A request with this Idempotency-Key is still being processed; retry later";

describe("Idempotency-Key on POST /orders", () => {
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
});

describe("Idempotency-Key and Redis outages", () => {
  it("keeps its promise with Redis unreachable: Postgres holds the key, a retry replays the first answer", async () => {
    const product = await createProduct();
    const order = { product_ids: [product], amounts: [1] };
    const down = { UPSTASH_REDIS_REST_URL: env.STACK_UNAVAILABLE_ORIGIN };

    const first = await api<number>("/orders", { method: "POST", json: order, headers: idem("outage") }, down);
    expect(first.status).toBe(201);
    expect(first.body).toBe(1);
    const { result: retry, roundTrips } = await countRoundTrips(() =>
      api<number>("/orders", { method: "POST", json: order, headers: idem("outage") }, down),
    );
    expectReplay(first, retry);
    // Without Redis the retry asks Postgres: one round trip, which writes nothing.
    expect(roundTrips).toBe(1);
    const mismatch = await api(
      "/orders",
      { method: "POST", json: { ...order, amounts: [2] }, headers: idem("outage") },
      down,
    );
    expectProblem(mismatch, 422, IDEMPOTENCY_MISMATCH, "/orders");

    const plain = await api<number>("/orders", { method: "POST", json: order }, down);
    expect(plain.status).toBe(201);
    expect(plain.body).toBe(2);
    expect(plain.headers.get("X-Cache")).toBe("BYPASS");
    expect(await countRows("orders")).toBe(2);
  });
});
