import { describe, expect, it } from "vitest";
import { chair, createOrder, createProduct, desk, lamp, type Report } from "../../test/fixtures";
import { api, db } from "../../test/helpers";
import { expectReportFromLines, forgetCachedReports, pendingChanges, rollupRows, runScheduled } from "../../test/sales";

async function write(path: string, method: string, json?: unknown) {
  const res = await api(path, { method, ...(json === undefined ? {} : { json }) });
  expect(res.status).toBeLessThan(300);
}

describe("report rollups", () => {
  it("fold, once compacted, into what a rebuild from the lines makes, after every kind of write", async () => {
    for (const p of [desk, chair, lamp]) await createProduct(p);
    await createOrder([1, 2], [2, 4]);
    await createOrder([3, 3], [1, 2]);
    await write("/orders-batch", "POST", [
      { product_ids: [1], amounts: [5] },
      { product_ids: [2, 3], amounts: [1, 1] },
    ]);
    await write("/orders/1", "PUT", { product_ids: [3, 1], amounts: [7, 1] });
    await write("/orders_products", "POST", { order_id: 2, product_id: 1, amount: 3 });
    await write("/orders_products-batch", "POST", [
      { order_id: 3, product_id: 2, amount: 2 },
      { order_id: 4, product_id: 2, amount: 6 },
    ]);
    // A line moved to another order and product, one repriced by its amount only.
    await write("/orders_products/7", "PUT", { order_id: 1, product_id: 2, amount: 9 });
    await write("/orders_products/8", "PUT", { order_id: 3, product_id: 2, amount: 4 });
    await write("/products/1", "PUT", { ...desk, price: 999 });
    await write("/orders_products/9", "DELETE");
    await write("/orders_products-batch", "DELETE", [3, 4, 99]);
    await write("/orders/4", "DELETE");
    await write("/orders-batch", "DELETE", [2, 98]);

    // Every write appended its change; the reports add them to the (empty) rollups.
    expect(await pendingChanges()).toBeGreaterThan(0);
    await expectReportFromLines(null, null);

    // The scheduled compaction folds them all, and the rollups are what a rebuild makes of the lines.
    await runScheduled();
    expect(await pendingChanges()).toBe(0);
    const compacted = await rollupRows();
    expect(compacted.daily.length).toBeGreaterThan(0);
    expect(compacted.byDay.length).toBeGreaterThan(0);
    await forgetCachedReports();
    await expectReportFromLines(null, null);
    // Ranges read the running totals the compaction started from nothing (the orders are today's):
    // ranges around today and inside it, ending on either side of a boundary.
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const ranges: [string | null, string | null][] = [
      [day(0), day(0)],
      [day(-1), day(0)],
      [day(0), day(1)],
      [day(-20), day(20)],
      [day(-9), day(3)],
      [day(-3), day(9)],
      [null, day(0)],
      [day(0), null],
      [null, day(-1)],
      [day(1), null],
      [day(-40), day(-10)],
      [day(10), day(40)],
    ];
    for (const [from, to] of ranges) await expectReportFromLines(from, to);
    await db().query("select rebuild_report_rollups()");
    await forgetCachedReports();
    for (const [from, to] of ranges) await expectReportFromLines(from, to);
    expect(await rollupRows()).toEqual(compacted);
  });

  it("answers the first `limit` products by revenue, with totals over all of them", async () => {
    for (const p of [desk, chair, lamp]) await createProduct(p);
    await createOrder([1, 2, 3], [1, 10, 1]);
    const all = await api<Report>("/reports-all");
    const top = await api<Report>("/reports-all?limit=1");
    expect(top.status).toBe(200);
    expect(top.body.products).toEqual([all.body.products[0]]);
    expect(top.body.products[0]?.product_name).toBe("Chair");
    expect(top.body.totals).toEqual(all.body.totals);
    const refused = await api("/reports-all?limit=1001");
    expect(refused.status).toBe(422);
  });
});
