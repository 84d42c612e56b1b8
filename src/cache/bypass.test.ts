import { describe, expect, it } from "vitest";
import {
  createProduct,
  desk,
  type Order,
  type OrderLine,
  type Product,
  productBody,
  seedTwoOrders,
} from "../../test/fixtures";
import {
  api,
  bypass,
  countRoundTrips,
  expectProblem,
  hit,
  insertOrderWithLine,
  insertProductRow,
  miss,
  primed,
  redis,
  writeBypassing,
} from "../../test/helpers";
import { MAX_CACHE_ENTRY_BYTES } from "./read-through";

describe("answers that are not cached", () => {
  it("answers 404 with X-Cache: BYPASS and does not keep it", async () => {
    for (const [path, detail] of [
      ["/products/1", "Product 1 does not exist"],
      ["/orders/1", "Order 1 does not exist"],
      ["/orders_products/1", "Order line 1 does not exist"],
    ] as const) {
      const { result: res, roundTrips } = await countRoundTrips(() => bypass(path, 404));
      expectProblem(res, 404, detail, path);
      expect(res.headers.get("ETag")).toBeNull();
      expect(roundTrips).toBe(1);
      // Asked again, it goes to the database again.
      const { roundTrips: again } = await countRoundTrips(() => bypass(path, 404));
      expect(again).toBe(1);
    }
    expect(await redis().keys("cache:*")).toEqual([]);

    // Rows that appear without an API write (so no invalidation) are seen at once.
    await insertProductRow(desk);
    await insertOrderWithLine({ product_id: 1, amount: 2, unit_price: 100, unit_cost: 50 });
    expect((await miss<Product>("/products/1")).body).toEqual(productBody(1, desk));
    expect((await miss<Order>("/orders/1")).body.total).toBe(200);
    expect((await miss<OrderLine>("/orders_products/1")).body.amount).toBe(2);
  });

  it("answers 422 with X-Cache: BYPASS, without a database round trip, and does not keep it", async () => {
    for (const [path, detail] of [
      ["/products/abc", "id: must be a positive integer"],
      ["/orders/0", "id: must be a positive integer"],
      ["/orders_products/-1", "id: must be a positive integer"],
      ["/products?page=0", "page: must be an integer ≥ 1"],
      ["/orders-list?page_size=101", "page_size: must be an integer from 1 to 100"],
      ["/reports-all?from=2026-13-01", "from: must be a date (YYYY-MM-DD)"],
    ] as const) {
      const { result: res, roundTrips } = await countRoundTrips(() => bypass(path, 422));
      expectProblem(res, 422, detail, new URL(path, "http://x").pathname);
      expect(roundTrips).toBe(0);
      const again = await bypass(path, 422);
      expect(again.body).toEqual({ ...(res.body as object), request_id: again.headers.get("X-Request-Id") });
    }
    expect(await redis().keys("cache:*")).toEqual([]);
  });

  it("marks every write X-Cache: BYPASS, successful or refused", async () => {
    await seedTwoOrders();
    await writeBypassing("/products", "POST", { ...desk, product_name: "Shelf" }, 201);
    await writeBypassing("/products/4", "PUT", { ...desk, product_name: "Tall shelf" }, 200);
    await writeBypassing("/products/4", "DELETE", undefined, 202);
    await writeBypassing("/products/1", "DELETE", undefined, 409);
    await writeBypassing("/products/99", "PUT", desk, 404);
    await writeBypassing("/orders", "POST", { product_ids: [99], amounts: [1] }, 422);
    await writeBypassing("/orders/1", "PUT", { product_ids: [1], amounts: [1] }, 200);
    await writeBypassing("/orders_products", "POST", { order_id: 2, product_id: 2, amount: 1 }, 201);
    await writeBypassing("/orders_products-batch", "DELETE", [99], 202);
    await writeBypassing("/orders-batch", "DELETE", [1, 2], 202);
  });

  it("keeps cached answers when a write is refused", async () => {
    await seedTwoOrders();
    const orders = await primed("/orders-count");
    const lines = await primed("/orders_products-count");
    const products = await primed("/products-count");
    const refused = await api("/orders", { method: "POST", json: { product_ids: [1, 99], amounts: [1, 1] } });
    expectProblem(refused, 422, "Unknown product ids: 99", "/orders");
    expectProblem(
      await api("/products/1", { method: "DELETE" }),
      409,
      "Product 1 is still referenced by order lines",
      "/products/1",
    );
    await hit("/orders-count", orders);
    await hit("/orders_products-count", lines);
    await hit("/products-count", products);
  });
});

describe("answers too large for Redis", () => {
  it("serves a page of orders over 900 KB from the database, uncached (BYPASS), and stores nothing", async () => {
    const product = await createProduct({ ...desk, product_name: "D".repeat(255) });
    const order = { product_ids: Array(100).fill(product), amounts: Array(100).fill(1) };
    const batch = await api<number[]>("/orders-batch", { method: "POST", json: Array(30).fill(order) });
    expect(batch.status).toBe(201);
    const page = await api<unknown[]>("/orders-list?page_size=100");
    expect(page.status).toBe(200);
    expect(page.body).toHaveLength(30);
    expect(page.text.length).toBeGreaterThan(MAX_CACHE_ENTRY_BYTES);
    expect(page.headers.get("X-Cache")).toBe("BYPASS");
    expect(await redis().keys("cache:/orders-list*")).toEqual([]);
  }, 30_000);
});
