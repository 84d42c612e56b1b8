import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env";
import worker from "../../src/index";
import { createProduct, desk } from "../fixtures";
import { api, db, redis } from "../helpers";
import { inject, resetFaults } from "./support";

/** Runs the Cron Trigger's handler, as Cloudflare would every minute. */
async function runScheduled(bindings: Partial<Bindings> = {}) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *" }), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
}

/** Makes the outbox rows look `seconds` older, as if that much time had passed since their writes. */
async function ageOutbox(seconds: number) {
  await db().query(`update cache_outbox set created_at = created_at - interval '${seconds} seconds'`);
}

async function outboxRows(): Promise<number> {
  const [row] = await db().query("select count(*)::int as n from cache_outbox");
  return Number(row?.n);
}

const priceOf = async () => {
  const res = await api<{ price: number }>("/products/1");
  return [res.headers.get("X-Cache"), res.body.price];
};

describe("a committed write's invalidation always lands", () => {
  it("when Redis fails during the write: the scheduled drain applies it once Redis answers", async () => {
    await createProduct();
    expect(await priceOf()).toEqual(["MISS", 100]);
    expect(await priceOf()).toEqual(["HIT", 100]);

    await inject("redis", { mode: "error" });
    const put = await api("/products/1", { method: "PUT", json: { ...desk, price: 200 } });
    expect(put.status).toBe(200);
    await resetFaults();
    // Both writes are in the outbox, the create's marked applied in Redis, the replace's owed:
    // until the drain runs, the old entry may still be served.
    expect(await outboxRows()).toBe(2);

    await runScheduled();
    expect(await outboxRows()).toBe(0);
    expect(await priceOf()).toEqual(["MISS", 200]);
    const reads = [];
    for (let i = 0; i < 30; i++) reads.push(await priceOf());
    expect(reads.filter(([, price]) => price !== 200)).toEqual([]);
  });

  it("while Redis answers, no read after a write sees the old answer (30 writes, each read back)", async () => {
    await createProduct();
    const stale = [];
    for (let i = 1; i <= 30; i++) {
      expect((await priceOf())[1]).toBe(i === 1 ? 100 : i - 1);
      expect((await api("/products/1", { method: "PUT", json: { ...desk, price: i } })).status).toBe(200);
      const [cache, price] = await priceOf();
      if (price !== i) stale.push([i, cache, price]);
    }
    expect(stale).toEqual([]);
  });

  it("when the commit's answer is lost (503): the Worker invalidates anyway", async () => {
    await createProduct();
    expect(await priceOf()).toEqual(["MISS", 100]);
    // Postgres commits; a gateway answers 502 in place of its answer.
    await inject("db", { mode: "lose", match: "update products", times: 1 });
    const put = await api("/products/1", { method: "PUT", json: { ...desk, price: 300 } });
    expect(put.status).toBe(503);
    expect(await priceOf()).toEqual(["MISS", 300]);
  });

  it("a drain after bumps that landed evicts nothing", async () => {
    await createProduct();
    await api("/products/1", { method: "PUT", json: { ...desk, price: 150 } });
    expect(await priceOf()).toEqual(["MISS", 150]);
    expect(await outboxRows()).toBe(2);
    await runScheduled();
    expect(await outboxRows()).toBe(0);
    expect(await priceOf()).toEqual(["HIT", 150]);
  });
});

describe("a lost invalidation does not wait for the drain, and the drain keeps up", () => {
  it("the next write that reaches Redis applies a row left pending for 2 s", async () => {
    await createProduct();
    await api("/orders", { method: "POST", json: { product_ids: [1], amounts: [1] } });
    expect(await priceOf()).toEqual(["MISS", 100]);
    expect(await priceOf()).toEqual(["HIT", 100]);

    await inject("redis", { mode: "error" });
    expect((await api("/products/1", { method: "PUT", json: { ...desk, price: 250 } })).status).toBe(200);
    await resetFaults();
    expect(await priceOf()).toEqual(["HIT", 100]);
    // Younger than 2 s, the row may still be on its way: a write leaves it alone.
    expect((await api("/orders", { method: "POST", json: { product_ids: [1], amounts: [1] } })).status).toBe(201);
    expect(await priceOf()).toEqual(["HIT", 100]);
    // Older, it is owed: the next write, an order that changes no product, applies it.
    await ageOutbox(3);
    expect((await api("/orders", { method: "POST", json: { product_ids: [1], amounts: [2] } })).status).toBe(201);
    expect(await priceOf()).toEqual(["MISS", 250]);
  });

  it("writes take over the rows older than 2 s, so the outbox empties itself as writes go on", async () => {
    await createProduct();
    for (let i = 0; i < 5; i++) await api("/orders", { method: "POST", json: { product_ids: [1], amounts: [1] } });
    expect(await outboxRows()).toBe(6);
    await ageOutbox(3);
    // The next write takes over all six (their marks are there: nothing to bump) and adds its own.
    await api("/orders", { method: "POST", json: { product_ids: [1], amounts: [1] } });
    expect(await db().query("select id::int as id, tags from cache_outbox")).toEqual([
      { id: 7, tags: ["order_lines", "orders", "products"] },
    ]);
  });

  it("one scheduled run applies a backlog of 2,500 rows, oldest first, in rounds", async () => {
    await createProduct();
    expect(await priceOf()).toEqual(["MISS", 100]);
    await db().query("update products set price = 120");
    // 2,500 owed invalidations, as a burst of writes whose epilogues all failed would leave.
    await db().query("insert into cache_outbox (tags) select '{products}' from generate_series(1, 2500)");
    expect(await priceOf()).toEqual(["HIT", 100]);
    await runScheduled();
    expect(await outboxRows()).toBe(0);
    expect(await priceOf()).toEqual(["MISS", 120]);
  });

  it("with Redis not configured, writes leave no outbox row and the scheduled run empties the outbox", async () => {
    const off = { UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" };
    await createProduct();
    expect(await outboxRows()).toBe(1);
    expect((await api("/products/1", { method: "PUT", json: { ...desk, price: 7 } }, off)).status).toBe(200);
    expect(await outboxRows()).toBe(1);
    await runScheduled(off);
    expect(await outboxRows()).toBe(0);
  });

  it("with Redis failing, the scheduled run still deletes expired Idempotency-Keys and keeps what is owed", async () => {
    await createProduct();
    expect(
      (
        await api("/orders", {
          method: "POST",
          json: { product_ids: [1], amounts: [1] },
          headers: { "Idempotency-Key": "old" },
        })
      ).status,
    ).toBe(201);
    await db().query("update idempotency_keys set expires_at = now() - interval '1 minute'");
    await inject("redis", { mode: "error" });
    await runScheduled();
    expect(await db().query("select count(*)::int as n from idempotency_keys")).toEqual([{ n: 0 }]);
    // The invalidations stay owed until a drain can apply them.
    expect(await outboxRows()).toBe(2);
    await resetFaults();
    await runScheduled();
    expect(await outboxRows()).toBe(0);
    expect(await redis().exists("outbox:1", "outbox:2")).toBe(2);
  });
});

describe("a write made behind the API owes the cache too (db:seed, Studio, psql)", () => {
  const outboxTags = async () => (await db().query("select tags from cache_outbox order by id")).map((r) => r.tags);

  it("records its tables in the outbox in its own transaction, for the scheduled drain to apply", async () => {
    await createProduct();
    expect(await priceOf()).toEqual(["MISS", 100]);
    expect(await priceOf()).toEqual(["HIT", 100]);
    await db().query("update products set price = 120");
    // The create's row (applied when it committed), then the update's, owed: until a drain, or a
    // write 2 s later, applies it, the old entry may still be served.
    expect(await outboxTags()).toEqual([["products"], ["products"]]);
    expect(await priceOf()).toEqual(["HIT", 100]);
    await runScheduled();
    expect(await outboxRows()).toBe(0);
    expect(await priceOf()).toEqual(["MISS", 120]);
  });

  it("one row per table and transaction, however many statements; the API's own writes get none", async () => {
    await createProduct();
    const sql = db();
    await sql.transaction([
      sql.query("update products set stock = stock - 1"),
      sql.query("update products set stock = stock - 1"),
      sql.query("insert into orders default values"),
      sql.query(
        "insert into orders_products (order_id, product_id, amount, unit_price, unit_cost) values (1, 1, 1, 1, 1)",
      ),
      sql.query("delete from orders_products"),
    ]);
    expect(await outboxTags()).toEqual([["products"], ["products"], ["orders"], ["order_lines"]]);
    // An API write records its own row, as before: one, with its tags, and nothing from the trigger.
    expect((await api("/products/1", { method: "PUT", json: { ...desk, price: 7 } })).status).toBe(200);
    expect(await outboxTags()).toEqual([["products"], ["products"], ["orders"], ["order_lines"], ["products"]]);
    // Nor does a write with Redis off, which records none.
    const off = { UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" };
    expect((await api("/products/1", { method: "PUT", json: { ...desk, price: 8 } }, off)).status).toBe(200);
    expect(await outboxRows()).toBe(5);
  });
});
