import { describe, expect, it } from "vitest";
import { createOrder, createProduct, desk } from "../fixtures";
import { type ApiResponse, api, db } from "../helpers";
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

describe("report rollups under concurrent writers", () => {
  it("20 concurrent orders of one product, queued behind its rollup row, all land in it", async () => {
    await createProduct();
    await createOrder([1], [1]);
    const answers = await raceBehindLock(
      "select 1 from sales_monthly for update",
      range(20).map((i) => () => api("/orders", { method: "POST", json: { product_ids: [1], amounts: [i + 1] } })),
    );
    expect(answers.map((a) => a.status)).toEqual(range(20).map(() => 201));
    const [row] = await db().query("select order_lines, units from sales_monthly");
    expect([Number(row?.order_lines), Number(row?.units)]).toEqual([21, 1 + (20 * 21) / 2]);
    const [total] = await db().query("select order_lines, units from sales_by_product");
    expect([Number(total?.order_lines), Number(total?.units)]).toEqual([21, 1 + (20 * 21) / 2]);
  });

  it("20 concurrent orders of two products, in both orders, queued behind the per-product rows: no deadlock, all land", async () => {
    await createProduct();
    await createProduct();
    await createOrder([1, 2], [1, 1]);
    const answers = await raceBehindLock(
      "select 1 from sales_by_product for update",
      range(20).map(
        (i) => () =>
          api("/orders", {
            method: "POST",
            json: { product_ids: i % 2 ? [1, 2] : [2, 1], amounts: [i + 1, i + 1] },
          }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(range(20).map(() => 201));
    const units = 1 + (20 * 21) / 2;
    const totals = await db().query(
      "select product_id::int, order_lines::int, units::int from sales_by_product order by 1",
    );
    expect(totals).toEqual([
      { product_id: 1, order_lines: 21, units },
      { product_id: 2, order_lines: 21, units },
    ]);
    const months = await db().query(
      "select product_id::int, sum(order_lines)::int as order_lines, sum(units)::int as units from sales_monthly group by 1 order by 1",
    );
    expect(months).toEqual(totals);
  });
});
