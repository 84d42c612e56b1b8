import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { createProduct, desk } from "../fixtures";
import { api, db } from "../helpers";
import { inject, resetFaults } from "./support";

/** Runs the Cron Trigger's handler, as Cloudflare would every minute. */
async function runScheduled() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
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
