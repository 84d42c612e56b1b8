import { describe, expect, it } from "vitest";
import { type Order, order1, order2, type Report, seedTwoOrders } from "../../test/fixtures";
import { bypass, expectProblem, fresh, miss, primed, writeBypassing } from "../../test/helpers";

describe("invalidation after order writes", () => {
  it("POST /orders: the counts, the list and the report are read fresh", async () => {
    await seedTwoOrders();
    const orders = await primed<number>("/orders-count");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list?page_size=100");
    const collection = await primed<Order[]>("/orders?page_size=100");
    const report = await primed<Report>("/reports-all");
    expect(await writeBypassing("/orders", "POST", { product_ids: [3], amounts: [5] }, 201)).toBe(3);
    expect(await fresh("/orders-count", orders)).toBe(3);
    expect(await fresh("/orders_products-count", lines)).toBe(4);
    const listed = await fresh("/orders-list?page_size=100", list);
    expect(listed.map((o) => [o.order_id, o.total])).toEqual([
      [1, 302],
      [2, 100],
      [3, 64.95],
    ]);
    expect(await fresh("/orders?page_size=100", collection)).toEqual(listed);
    const after = await fresh("/reports-all", report);
    expect(after.totals).toEqual({
      orders: 3,
      order_lines: 4,
      units: 12,
      revenue: 466.95,
      cost: 213.5,
      profit: 253.45,
    });
    expect(after.products[2]).toEqual({
      product_id: 3,
      product_name: "Lamp",
      orders: 1,
      units: 5,
      revenue: 64.95,
      cost: 22.5,
      profit: 42.45,
    });
  });

  it("PUT /orders/{id}: the order, its old lines, the line count and the report are read fresh", async () => {
    await seedTwoOrders();
    const order = await primed<Order>("/orders/1");
    await primed("/orders_products/1");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list");
    const report = await primed<Report>("/reports-all");
    const orders = await primed("/orders-count");
    await writeBypassing("/orders/1", "PUT", { product_ids: [3], amounts: [10] }, 200);
    expect(await fresh("/orders/1", order)).toEqual({
      ...order1,
      total: 129.9,
      products: [{ id: 4, product_id: 3, product_name: "Lamp", amount: 10, unit_price: 12.99, line_total: 129.9 }],
    });
    await bypass("/orders_products/1", 404);
    expect(await fresh("/orders_products-count", lines)).toBe(2);
    expect((await fresh("/orders-list", list)).map((o) => o.total)).toEqual([129.9, 100]);
    expect((await fresh("/reports-all", report)).totals).toEqual({
      orders: 2,
      order_lines: 2,
      units: 11,
      revenue: 229.9,
      cost: 95,
      profit: 134.9,
    });
    // The number of orders did not change, but the orders table was written: read again, same count.
    const again = await miss("/orders-count");
    expect(again.body).toBe(2);
    expect(again.headers.get("ETag")).toBe(orders.headers.get("ETag"));
  });

  it("DELETE /orders/{id}: the order, its lines, both counts, the list and the report are read fresh", async () => {
    await seedTwoOrders();
    await primed("/orders/1");
    await primed("/orders_products/2");
    const orders = await primed<number>("/orders-count");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list");
    const report = await primed<Report>("/reports-all");
    expect(await writeBypassing("/orders/1", "DELETE", undefined, 202)).toEqual({ id: 1, deleted: true });
    expectProblem(await bypass("/orders/1", 404), 404, "Order 1 does not exist", "/orders/1");
    expectProblem(await bypass("/orders_products/2", 404), 404, "Order line 2 does not exist", "/orders_products/2");
    expect(await fresh("/orders-count", orders)).toBe(1);
    expect(await fresh("/orders_products-count", lines)).toBe(1);
    expect(await fresh("/orders-list", list)).toEqual([order2]);
    expect((await fresh("/reports-all", report)).totals).toEqual({
      orders: 1,
      order_lines: 1,
      units: 1,
      revenue: 100,
      cost: 50,
      profit: 50,
    });
  });

  it("POST /orders-batch: the counts and the list are read fresh", async () => {
    await seedTwoOrders();
    const orders = await primed<number>("/orders-count");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list?page=2&page_size=1");
    const created = await writeBypassing<number[]>(
      "/orders-batch",
      "POST",
      [
        { product_ids: [1], amounts: [1] },
        { product_ids: [2, 3], amounts: [1, 1] },
      ],
      201,
    );
    expect(created).toEqual([3, 4]);
    expect(await fresh("/orders-count", orders)).toBe(4);
    expect(await fresh("/orders_products-count", lines)).toBe(6);
    const page = await miss<Order[]>("/orders-list?page=2&page_size=1");
    expect(page.body).toEqual(list.body);
    expect(page.headers.get("Link")).toBe('</orders-list?page=3&page_size=1>; rel="next"');
    expect(list.headers.get("Link")).toBeNull();
  });

  it("DELETE /orders-batch: the orders, both counts and the list are read fresh", async () => {
    await seedTwoOrders();
    await primed("/orders/2");
    const orders = await primed<number>("/orders-count");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list");
    expect(await writeBypassing("/orders-batch", "DELETE", [1, 2, 99], 202)).toEqual({ deleted: 2, not_found: [99] });
    await bypass("/orders/2", 404);
    expect(await fresh("/orders-count", orders)).toBe(0);
    expect(await fresh("/orders_products-count", lines)).toBe(0);
    expect(await fresh("/orders-list", list)).toEqual([]);
  });
});
