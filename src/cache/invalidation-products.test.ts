import { describe, expect, it } from "vitest";
import {
  desk,
  type Order,
  order1,
  type Product,
  productBody,
  type Report,
  seededReport,
  seedTwoOrders,
} from "../../test/fixtures";
import { bypass, expectProblem, fresh, hit, miss, primed, writeBypassing } from "../../test/helpers";

describe("invalidation after product writes", () => {
  it("POST /products: the count and the list are read fresh", async () => {
    await seedTwoOrders();
    const count = await primed<number>("/products-count");
    const list = await primed<Product[]>("/products?page_size=100");
    const created = await writeBypassing<Product>("/products", "POST", { ...desk, product_name: "Shelf" }, 201);
    expect(created.id).toBe(4);
    expect(await fresh("/products-count", count)).toBe(4);
    expect((await fresh("/products?page_size=100", list)).map((p) => p.product_name)).toEqual([
      "Desk",
      "Chair",
      "Lamp",
      "Shelf",
    ]);
  });

  it("PUT /products/{id}: the product, the orders and the report show the new name", async () => {
    await seedTwoOrders();
    const product = await primed<Product>("/products/1");
    const order = await primed<Order>("/orders/1");
    const list = await primed<Order[]>("/orders-list");
    const report = await primed<Report>("/reports-all");
    const ordersCount = await primed("/orders-count");
    const line = await primed("/orders_products/1");
    const linesCount = await primed("/orders_products-count");

    await writeBypassing("/products/1", "PUT", { ...desk, product_name: "Standing desk", price: 120 }, 200);

    expect(await fresh("/products/1", product)).toEqual(
      productBody(1, { ...desk, product_name: "Standing desk", price: 120 }),
    );
    // Lines keep the price of their sale; only the name follows the product.
    expect(await fresh("/orders/1", order)).toEqual({
      ...order1,
      products: [{ ...order1.products[0], product_name: "Standing desk" }, order1.products[1]],
    });
    expect((await fresh("/orders-list", list)).map((o) => o.products.map((l) => l.product_name))).toEqual([
      ["Standing desk", "Chair"],
      ["Standing desk"],
    ]);
    expect(await fresh("/reports-all", report)).toEqual({
      ...seededReport,
      products: [{ ...seededReport.products[0], product_name: "Standing desk" }, seededReport.products[1]],
    });
    // Answers that do not depend on products stay cached.
    await hit("/orders-count", ordersCount);
    await hit("/orders_products/1", line);
    await hit("/orders_products-count", linesCount);
  });

  it("DELETE /products/{id}: the product is gone and the count and list are read fresh", async () => {
    await seedTwoOrders();
    await primed("/products/3");
    const count = await primed<number>("/products-count");
    const list = await primed<Product[]>("/products?page_size=100");
    expect(await writeBypassing("/products/3", "DELETE", undefined, 202)).toEqual({ id: 3, deleted: true });
    expectProblem(await bypass("/products/3", 404), 404, "Product 3 does not exist", "/products/3");
    expect(await fresh("/products-count", count)).toBe(2);
    expect((await fresh("/products?page_size=100", list)).map((p) => p.id)).toEqual([1, 2]);
  });

  it("POST /products-batch: the count and the list are read fresh", async () => {
    await seedTwoOrders();
    const count = await primed<number>("/products-count");
    const list = await primed<Product[]>("/products?page=2&page_size=2");
    const created = await writeBypassing<Product[]>(
      "/products-batch",
      "POST",
      [
        { ...desk, product_name: "Shelf" },
        { ...desk, product_name: "Stool" },
      ],
      201,
    );
    expect(created.map((p) => p.id)).toEqual([4, 5]);
    expect(await fresh("/products-count", count)).toBe(5);
    const page = await miss<Product[]>("/products?page=2&page_size=2");
    expect(page.body.map((p) => p.product_name)).toEqual(["Lamp", "Shelf"]);
    expect(page.headers.get("Link")).toBe('</products?page=3&page_size=2>; rel="next"');
    expect(list.headers.get("Link")).toBeNull();
  });

  it("DELETE /products-batch: the products, the count and the list are read fresh", async () => {
    await seedTwoOrders();
    await writeBypassing("/products", "POST", { ...desk, product_name: "Shelf" }, 201);
    await primed("/products/4");
    const count = await primed<number>("/products-count");
    const list = await primed<Product[]>("/products?page_size=100");
    expect(await writeBypassing("/products-batch", "DELETE", [3, 4, 99], 202)).toEqual({ deleted: 2, not_found: [99] });
    await bypass("/products/4", 404);
    expect(await fresh("/products-count", count)).toBe(2);
    expect((await fresh("/products?page_size=100", list)).map((p) => p.id)).toEqual([1, 2]);
  });
});
