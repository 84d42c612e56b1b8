import { describe, expect, it } from "vitest";
import { createOrder, createProduct, desk } from "../fixtures";
import { type ApiResponse, api, db } from "../helpers";
import { expectReportFromLines, forgetCachedReports, pendingChanges, rollupRows, runScheduled } from "../sales";
import { holdLock, lockWaiters, releaseLock } from "./support";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Holds `lockSql` in a transaction of its own, starts `requests` (which must queue behind it in
 * Postgres), waits until Postgres shows every one of them waiting, then lets them all go at once.
 */
async function raceBehindLock(lockSql: string, requests: (() => Promise<ApiResponse>)[]): Promise<ApiResponse[]> {
  const lock = await holdLock(lockSql);
  const pending = requests.map((r) => r());
  await lockWaiters(requests.length);
  await releaseLock(lock);
  return Promise.all(pending);
}

describe("concurrent PUT /orders/{id}", () => {
  it("never merges the lines of concurrent replaces: 10 rounds of 8, each ends with one request's 2 lines", async () => {
    for (const i of range(16)) await createProduct({ ...desk, product_name: `P${i + 1}` });
    expect(await createOrder([1], [1])).toBe(1);

    for (const round of range(10)) {
      const bodies = range(8).map((i) => ({ product_ids: [2 * i + 1, 2 * i + 2], amounts: [round + 1, i + 1] }));
      const answers = await raceBehindLock(
        "select id from orders where id = 1 for update",
        bodies.map((json) => () => api("/orders/1", { method: "PUT", json })),
      );
      expect(answers.map((a) => a.status)).toEqual(range(8).map(() => 200));
      const lines = await db().query("select product_id, amount from orders_products where order_id = 1 order by id");
      // The order is what the last replace to commit made it: one of the answers, exactly.
      const chosen = bodies.find((b) => b.product_ids[0] === Number(lines[0]?.product_id));
      expect(lines.map((l) => [Number(l.product_id), l.amount])).toEqual([
        [chosen?.product_ids[0], chosen?.amounts[0]],
        [chosen?.product_ids[1], chosen?.amounts[1]],
      ]);
      const final = await api("/orders/1");
      expect(answers.map((a) => a.body)).toContainEqual(final.body);
    }
  });
});

describe("If-Match races: exactly one writer wins", () => {
  it("10 concurrent PUT /products/1 with the same If-Match, 8 rounds: each one 200, nine 412", async () => {
    await createProduct();
    for (const _round of range(8)) {
      await oneIfMatchRound();
    }
  });

  async function oneIfMatchRound() {
    const etag = (await api("/products/1")).headers.get("ETag") ?? "";
    const answers = await raceBehindLock(
      "select id from products where id = 1 for update",
      range(10).map(
        (i) => () =>
          api("/products/1", {
            method: "PUT",
            headers: { "If-Match": etag },
            json: { ...desk, price: 100 + i },
          }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, ...range(9).map(() => 412)]);
    const winner = answers.find((a) => a.status === 200) as ApiResponse<{ price: number }> | undefined;
    const [row] = await db().query("select price from products where id = 1");
    expect(Number(row?.price)).toBe(winner?.body.price);
  }

  it("10 concurrent PUT /orders/1 with the same If-Match: one 200, nine 412, the winner's lines", async () => {
    await createProduct();
    await createProduct({ ...desk, product_name: "Chair" });
    await createOrder([1], [1]);
    const etag = (await api("/orders/1")).headers.get("ETag") ?? "";
    const answers = await raceBehindLock(
      "select id from orders where id = 1 for update",
      range(10).map(
        (i) => () =>
          api("/orders/1", {
            method: "PUT",
            headers: { "If-Match": etag },
            json: { product_ids: [1, 2], amounts: [i + 1, 1] },
          }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...range(9).map(() => 412)]);
    const winner = answers.find((a) => a.status === 200);
    expect((await api("/orders/1")).body).toEqual(winner?.body);
  });

  it("10 concurrent PUT /orders_products/1 with the same If-Match: one 200, nine 412", async () => {
    await createProduct();
    await createOrder([1], [1]);
    const etag = (await api("/orders_products/1")).headers.get("ETag") ?? "";
    const answers = await raceBehindLock(
      "select id from orders_products where id = 1 for update",
      range(10).map(
        (i) => () =>
          api("/orders_products/1", {
            method: "PUT",
            headers: { "If-Match": etag },
            json: { order_id: 1, product_id: 1, amount: i + 2 },
          }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...range(9).map(() => 412)]);
    const winner = answers.find((a) => a.status === 200) as ApiResponse<{ amount: number }> | undefined;
    const [row] = await db().query("select amount from orders_products where id = 1");
    expect(row?.amount).toBe(winner?.body.amount);
  });
});

describe("report rollups under concurrent writers of one product", () => {
  const hot = 1;
  const line = async (order: number, product: number) => {
    const [row] = await db().query(
      "select id::int from orders_products where order_id = $1 and product_id = $2 order by id limit 1",
      [order, product],
    );
    return Number(row?.id);
  };
  const ranges: [string | null, string | null][] = [
    [null, null],
    ["2026-01-01", "2026-01-31"],
    ["2026-01-15", "2026-02-14"],
    ["2026-02-14", "2026-02-14"],
  ];

  /** Every report named above, and today's, against the lines summed in SQL. */
  async function expectExactReports() {
    const today = new Date().toISOString().slice(0, 10);
    await forgetCachedReports();
    for (const [from, to] of [...ranges, [today, today] as const]) await expectReportFromLines(from, to);
  }

  async function arrange() {
    for (const name of ["Hot", "Chair", "Lamp"]) await createProduct({ ...desk, product_name: name });
    // Ten past orders, each with two lines of the hot product (one order, counted once) and one other.
    for (const i of range(10)) {
      await createOrder([hot, hot, 2 + (i % 2)], [1, 2, 1]);
    }
    await db().query(
      "update orders set created_at = timestamptz '2026-01-10T00:00:00Z' + (id - 1) * interval '3 days 7 hours'",
    );
    await db().query("select rebuild_report_rollups()");
  }

  /**
   * Orders, line writes, replaces and deletes of the hot product, all in flight at once: each one
   * has taken its own row locks and waits, behind a held lock on sales_changes, at the very
   * statement that records its change in the rollups. Let go together, they append their changes
   * concurrently; writes of one order queue on its row first. Then every report must still be the
   * lines summed, and nothing must have failed or deadlocked (a deadlock would have cost a retry
   * and shown as a 5xx had it repeated).
   */
  async function race(round: number, alsoCompact: boolean) {
    const writes: [string, string, unknown][] = [
      ...range(6).map((i): [string, string, unknown] => ["POST", "/orders", { product_ids: [hot], amounts: [i + 1] }]),
      ["POST", "/orders", { product_ids: [hot, 2, hot], amounts: [1, 1, 1] }],
      ["POST", "/orders_products", { order_id: 1, product_id: hot, amount: 3 }],
      ["POST", "/orders_products", { order_id: 2, product_id: 3, amount: 1 }],
      ["POST", "/orders_products-batch", [{ order_id: 3, product_id: hot, amount: 1 }]],
      ["PUT", "/orders/4", { product_ids: [hot, 3], amounts: [round + 1, 1] }],
      ["PUT", "/orders/5", { product_ids: [2], amounts: [round + 1] }],
      ["PUT", `/orders_products/${await line(6, hot)}`, { order_id: 7, product_id: hot, amount: 2 }],
      ["PUT", `/orders_products/${await line(8, hot)}`, { order_id: 8, product_id: 3, amount: 2 }],
      ["DELETE", `/orders_products/${await line(9, hot)}`, undefined],
      ["DELETE", "/orders_products-batch", [await line(10, hot), await line(2, hot)]],
      // One order's only line of a product deleted while another is added: the order still has
      // the product, which only a write that sees the other's line can tell.
      ["DELETE", `/orders_products/${await line(1, 2)}`, undefined],
      ["POST", "/orders_products", { order_id: 1, product_id: 2, amount: 4 }],
    ];
    const lock = await holdLock("lock table sales_changes in exclusive mode");
    const pending: Promise<unknown>[] = writes.map(([method, path, json]) => api(path, { method, json }));
    if (alsoCompact) pending.push(runScheduled());
    await lockWaiters(pending.length);
    await releaseLock(lock);
    const answers = (await Promise.all(pending)).slice(0, writes.length) as ApiResponse[];
    expect(answers.map((a, i) => [writes[i]?.[1], a.status])).toEqual(
      writes.map(([method, path]) => [path, { POST: 201, PUT: 200, DELETE: 202 }[method]]),
    );
    await expectExactReports();
  }

  it("writes, line moves, replaces and deletes of one product raced at the rollup step: every report exact", async () => {
    await arrange();
    await expectExactReports();
    await race(0, false);
    // Again, with the changes of the first round not yet compacted, and the compaction in the race.
    await race(1, true);
    await runScheduled();
    expect(await pendingChanges()).toBe(0);
    await expectExactReports();
    // And the compacted rollups are what a rebuild from the lines makes.
    const compacted = await rollupRows();
    await db().query("select rebuild_report_rollups()");
    expect(await rollupRows()).toEqual(compacted);
  });
});
