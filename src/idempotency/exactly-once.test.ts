import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createProduct } from "../../test/fixtures";
import {
  api,
  countRoundTrips,
  countRows,
  db,
  expectProblem,
  expectReplay,
  IDEMPOTENCY_MISMATCH,
  idem,
} from "../../test/helpers";

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

    // Every other request waits for the first one's claim in Postgres, then replays its answer.
    expect(answers.map((a) => [a.status, a.body, a.headers.get("Location")])).toEqual(
      Array.from({ length: 20 }, () => [201, id, `/orders/${id}`]),
    );
    expect(answers.filter((a) => a.headers.get("Idempotent-Replayed") === null)).toHaveLength(1);
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
    // The retry asks Postgres, as every retry does: one round trip, which writes nothing.
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
