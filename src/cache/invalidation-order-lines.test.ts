import { describe, expect, it } from "vitest";
import { type Order, type OrderLine, order1, order2, type Report, seedTwoOrders } from "../../test/fixtures";
import { bypass, fresh, miss, primed, writeBypassing } from "../../test/helpers";

describe("invalidation after order line writes", () => {
  it("POST /orders_products: the order's lines and total, the counts and the report are read fresh", async () => {
    await seedTwoOrders();
    const order = await primed<Order>("/orders/2");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list");
    const report = await primed<Report>("/reports-all");
    const created = await writeBypassing<OrderLine>(
      "/orders_products",
      "POST",
      { order_id: 2, product_id: 2, amount: 3 },
      201,
    );
    expect(created.id).toBe(4);
    const after = await fresh("/orders/2", order);
    expect(after.total).toBe(176.5);
    expect(after.products).toEqual([
      order2.products[0],
      { id: 4, product_id: 2, product_name: "Chair", amount: 3, unit_price: 25.5, line_total: 76.5 },
    ]);
    expect(await fresh("/orders_products-count", lines)).toBe(4);
    expect((await fresh("/orders-list", list)).map((o) => o.total)).toEqual([302, 176.5]);
    const figures = await fresh("/reports-all", report);
    expect(figures.totals).toEqual({
      orders: 2,
      order_lines: 4,
      units: 10,
      revenue: 478.5,
      cost: 221.75,
      profit: 256.75,
    });
    expect(figures.products[1]).toEqual({
      product_id: 2,
      product_name: "Chair",
      orders: 2,
      units: 7,
      revenue: 178.5,
      cost: 71.75,
      profit: 106.75,
    });
  });

  it("PUT /orders_products/{id}: the line, its order and the report are read fresh", async () => {
    await seedTwoOrders();
    const line = await primed<OrderLine>("/orders_products/1");
    const order = await primed<Order>("/orders/1");
    const report = await primed<Report>("/reports-all");
    const lines = await primed("/orders_products-count");
    await writeBypassing("/orders_products/1", "PUT", { order_id: 1, product_id: 1, amount: 5 }, 200);
    expect(await fresh("/orders_products/1", line)).toEqual({ ...line.body, amount: 5 });
    const after = await fresh("/orders/1", order);
    expect(after.total).toBe(602);
    expect(after.products[0]).toEqual({ ...order1.products[0], amount: 5, line_total: 500 });
    expect((await fresh("/reports-all", report)).totals).toEqual({
      orders: 2,
      order_lines: 3,
      units: 10,
      revenue: 702,
      cost: 341,
      profit: 361,
    });
    // Same number of lines; read again, same answer.
    const again = await miss("/orders_products-count");
    expect(again.body).toBe(3);
    expect(again.headers.get("ETag")).toBe(lines.headers.get("ETag"));
  });

  it("PUT /orders_products/{id} moving a line: both orders are read fresh", async () => {
    await seedTwoOrders();
    const from = await primed<Order>("/orders/1");
    const to = await primed<Order>("/orders/2");
    await writeBypassing("/orders_products/2", "PUT", { order_id: 2, product_id: 2, amount: 4 }, 200);
    expect((await fresh("/orders/1", from)).products.map((l) => l.id)).toEqual([1]);
    const moved = await fresh("/orders/2", to);
    expect(moved.products.map((l) => l.id)).toEqual([2, 3]);
    expect(moved.total).toBe(202);
  });

  it("DELETE /orders_products/{id}: the line, its order, the count and the report are read fresh", async () => {
    await seedTwoOrders();
    await primed("/orders_products/1");
    const order = await primed<Order>("/orders/1");
    const lines = await primed<number>("/orders_products-count");
    const report = await primed<Report>("/reports-all");
    expect(await writeBypassing("/orders_products/1", "DELETE", undefined, 202)).toEqual({ id: 1, deleted: true });
    await bypass("/orders_products/1", 404);
    expect(await fresh("/orders/1", order)).toEqual({ ...order1, total: 102, products: [order1.products[1]] });
    expect(await fresh("/orders_products-count", lines)).toBe(2);
    expect((await fresh("/reports-all", report)).totals).toEqual({
      orders: 2,
      order_lines: 2,
      units: 5,
      revenue: 202,
      cost: 91,
      profit: 111,
    });
  });

  it("POST /orders_products-batch: both orders and the count are read fresh", async () => {
    await seedTwoOrders();
    const first = await primed<Order>("/orders/1");
    const second = await primed<Order>("/orders/2");
    const lines = await primed<number>("/orders_products-count");
    const created = await writeBypassing<OrderLine[]>(
      "/orders_products-batch",
      "POST",
      [
        { order_id: 1, product_id: 3, amount: 1 },
        { order_id: 2, product_id: 3, amount: 2 },
      ],
      201,
    );
    expect(created.map((l) => l.id)).toEqual([4, 5]);
    expect((await fresh("/orders/1", first)).total).toBe(314.99);
    expect((await fresh("/orders/2", second)).total).toBe(125.98);
    expect(await fresh("/orders_products-count", lines)).toBe(5);
  });

  it("DELETE /orders_products-batch: the lines, their orders and the count are read fresh", async () => {
    await seedTwoOrders();
    await primed("/orders_products/3");
    const first = await primed<Order>("/orders/1");
    const second = await primed<Order>("/orders/2");
    const lines = await primed<number>("/orders_products-count");
    const report = await primed<Report>("/reports-all");
    expect(await writeBypassing("/orders_products-batch", "DELETE", [1, 3, 99], 202)).toEqual({
      deleted: 2,
      not_found: [99],
    });
    await bypass("/orders_products/3", 404);
    expect((await fresh("/orders/1", first)).products.map((l) => l.id)).toEqual([2]);
    expect(await fresh("/orders/2", second)).toEqual({ ...order2, total: 0, products: [] });
    expect(await fresh("/orders_products-count", lines)).toBe(1);
    expect((await fresh("/reports-all", report)).totals).toEqual({
      orders: 1,
      order_lines: 1,
      units: 4,
      revenue: 102,
      cost: 41,
      profit: 61,
    });
  });
});
