import { describe, expect, it } from "vitest";
import { chair, desk, ISO, lamp, type Order, type OrderLine, type Product, type Report } from "../fixtures";
import { type ApiResponse, api, countRoundTrips, db, expectProblem, redis } from "../helpers";

const STRONG_ETAG = /^"[0-9a-f]{32}"$/;
// The report's tag is weak: rebuilds of the same figures differ only in generated_at.
const REPORT_ETAG = /^W\/"[0-9a-f]{32}"$/;

async function write<T = unknown>(path: string, method: string, json: unknown, status: number): Promise<T> {
  const res = await api<T>(path, { method, json });
  expect(res.status).toBe(status);
  expect(res.headers.get("X-Cache")).toBe("BYPASS");
  return res.body;
}

/**
 * Products 1 Desk (100 / 50), 2 Chair (25.50 / 10.25), 3 Lamp (12.99 / 4.50, never ordered);
 * order 1: line 1 Desk × 2, line 2 Chair × 4 (total 302); order 2: line 3 Desk × 1 (total 100).
 */
async function seed() {
  for (const p of [desk, chair, lamp]) await write("/products", "POST", p, 201);
  expect(await write("/orders", "POST", { product_ids: [1, 2], amounts: [2, 4] }, 201)).toBe(1);
  expect(await write("/orders", "POST", { product_ids: [1], amounts: [1] }, 201)).toBe(2);
}

const productBody = (id: number, fields: typeof desk) => ({
  id,
  ...fields,
  created_at: expect.stringMatching(ISO),
  updated_at: expect.stringMatching(ISO),
});

const order1 = {
  order_id: 1,
  created_at: expect.stringMatching(ISO),
  updated_at: expect.stringMatching(ISO),
  total: 302,
  products: [
    { id: 1, product_id: 1, product_name: "Desk", amount: 2, unit_price: 100, line_total: 200 },
    { id: 2, product_id: 2, product_name: "Chair", amount: 4, unit_price: 25.5, line_total: 102 },
  ],
};

const order2 = {
  order_id: 2,
  created_at: expect.stringMatching(ISO),
  updated_at: expect.stringMatching(ISO),
  total: 100,
  products: [{ id: 3, product_id: 1, product_name: "Desk", amount: 1, unit_price: 100, line_total: 100 }],
};

const seededReport = {
  generated_at: expect.stringMatching(ISO),
  range: { from: null, to: null },
  // Desk 3 units: 300 / 150; Chair 4 units: 102 / 41.
  totals: { orders: 2, order_lines: 3, units: 7, revenue: 402, cost: 191, profit: 211 },
  products: [
    { product_id: 1, product_name: "Desk", orders: 2, units: 3, revenue: 300, cost: 150, profit: 150 },
    { product_id: 2, product_name: "Chair", orders: 1, units: 4, revenue: 102, cost: 41, profit: 61 },
  ],
};

/** A read that misses: 200, `X-Cache: MISS`, one database round trip, an ETag. */
async function miss<T>(path: string): Promise<ApiResponse<T>> {
  const { result, roundTrips } = await countRoundTrips(() => api<T>(path));
  expect(result.status).toBe(200);
  expect(result.headers.get("X-Cache")).toBe("MISS");
  expect(result.headers.get("ETag")).toMatch(path.startsWith("/reports-all") ? REPORT_ETAG : STRONG_ETAG);
  expect(result.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(roundTrips).toBe(1);
  return result;
}

/** A read that hits: the same answer as `first`, `X-Cache: HIT`, no database round trip. */
async function hit<T>(path: string, first: ApiResponse<T>): Promise<ApiResponse<T>> {
  const { result, roundTrips } = await countRoundTrips(() => api<T>(path));
  expect(result.status).toBe(200);
  expect(result.headers.get("X-Cache")).toBe("HIT");
  expect(roundTrips).toBe(0);
  expect(result.text).toBe(first.text);
  expect(result.body).toEqual(first.body);
  expect(result.headers.get("ETag")).toBe(first.headers.get("ETag"));
  expect(result.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));
  expect(result.headers.get("Link")).toBe(first.headers.get("Link"));
  return result;
}

/** Reads twice (MISS, then HIT) so the answer is cached, and returns it. */
async function primed<T>(path: string): Promise<ApiResponse<T>> {
  const first = await miss<T>(path);
  await hit(path, first);
  return first;
}

/** After a write: the read misses and answers something other than the cached answer. */
async function fresh<T>(path: string, cached: ApiResponse<T>): Promise<T> {
  const res = await miss<T>(path);
  expect(res.body).not.toEqual(cached.body);
  expect(res.headers.get("ETag")).not.toBe(cached.headers.get("ETag"));
  return res.body;
}

/** A read that is not cached: `X-Cache: BYPASS`. */
async function bypass(path: string, status: number): Promise<ApiResponse> {
  const res = await api(path);
  expect(res.status).toBe(status);
  expect(res.headers.get("X-Cache")).toBe("BYPASS");
  return res;
}

describe("read-through cache on every cached GET", () => {
  const endpoints: [string, unknown, string | null][] = [
    ["/products/1", productBody(1, desk), null],
    ["/products", [productBody(1, desk), productBody(2, chair)], '</products?page=2&page_size=2>; rel="next"'],
    ["/products-count", 3, null],
    ["/orders/1", order1, null],
    ["/orders-list", [order1, order2], null],
    ["/orders-count", 2, null],
    [
      "/orders_products/2",
      {
        id: 2,
        order_id: 1,
        product_id: 2,
        amount: 4,
        unit_price: 25.5,
        unit_cost: 10.25,
        created_at: expect.stringMatching(ISO),
      },
      null,
    ],
    ["/orders_products-count", 3, null],
    ["/reports-all", seededReport, null],
  ];

  it.each(endpoints)(
    "GET %s misses in 1 round trip, then hits in 0 with the same body and ETag",
    async (path, body, link) => {
      await seed();
      const first = await miss(path);
      expect(first.body).toEqual(body);
      expect(first.headers.get("Link")).toBe(link);
      const second = await hit(path, first);
      expect(second.body).toEqual(body);
    },
  );

  it("serves a hit from Redis alone, even when the database changed behind the API's back", async () => {
    await seed();
    const first = await primed<Product>("/products/1");
    await db().query("update products set product_name = 'Changed in SQL' where id = 1");
    const again = await hit("/products/1", first);
    expect(again.body.product_name).toBe("Desk");
  });

  it("keys entries by path and sorted query, so parameter order does not matter", async () => {
    await seed();
    const first = await miss<Product[]>("/products?page_size=1&page=2");
    expect(first.body).toEqual([productBody(2, chair)]);
    await hit("/products?page=2&page_size=1", first);
    // Another page, another path, another report range: entries of their own.
    expect((await miss<Product[]>("/products?page=3&page_size=1")).body).toEqual([productBody(3, lamp)]);
    await miss("/products");
    const ranged = await miss<Report>("/reports-all?to=2999-12-31&from=2000-01-01");
    expect(ranged.body.range).toEqual({ from: "2000-01-01", to: "2999-12-31" });
    await hit("/reports-all?from=2000-01-01&to=2999-12-31", ranged);
    await miss("/reports-all");
  });

  it("stores a miss in Redis with a TTL of at most CACHE_TTL_SECONDS (300)", async () => {
    await db().query("insert into products (product_name, price, cost, stock) values ('Desk', 100, 50, 10)");
    expect(await redis().keys("cache:*")).toEqual([]);
    const first = await miss<Product>("/products/1");
    const keys = await redis().keys("cache:*");
    expect(keys).toHaveLength(1);
    const [key = ""] = keys;
    expect(key.startsWith("cache:/products/1?")).toBe(true);
    const ttl = await redis().ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    const stored = await redis().get<{ etag: string; body: string }>(key);
    expect(stored?.etag).toBe(first.headers.get("ETag"));
    expect(JSON.parse(stored?.body ?? "null")).toEqual(first.body);
    // The hit does not extend or reset the entry's life beyond the TTL.
    await hit("/products/1", first);
    const after = await redis().ttl(key);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(ttl);
  });

  it("misses again once the entry is gone from Redis", async () => {
    await seed();
    const first = await primed("/products-count");
    for (const key of await redis().keys("cache:*")) await redis().del(key);
    const again = await miss("/products-count");
    expect(again.body).toBe(3);
    expect(again.headers.get("ETag")).toBe(first.headers.get("ETag"));
  });
});

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
    await db().query("insert into products (product_name, price, cost, stock) values ('Desk', 100, 50, 10)");
    await db().query("insert into orders default values");
    await db().query(
      "insert into orders_products (order_id, product_id, amount, unit_price, unit_cost) values (1, 1, 2, 100, 50)",
    );
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
    await seed();
    await write("/products", "POST", { ...desk, product_name: "Shelf" }, 201);
    await write("/products/4", "PUT", { ...desk, product_name: "Tall shelf" }, 200);
    await write("/products/4", "DELETE", undefined, 202);
    await write("/products/1", "DELETE", undefined, 409);
    await write("/products/99", "PUT", desk, 404);
    await write("/orders", "POST", { product_ids: [99], amounts: [1] }, 422);
    await write("/orders/1", "PUT", { product_ids: [1], amounts: [1] }, 200);
    await write("/orders_products", "POST", { order_id: 2, product_id: 2, amount: 1 }, 201);
    await write("/orders_products-batch", "DELETE", [99], 202);
    await write("/orders-batch", "DELETE", [1, 2], 202);
  });

  it("keeps cached answers when a write is refused", async () => {
    await seed();
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

describe("invalidation after product writes", () => {
  it("POST /products: the count and the list are read fresh", async () => {
    await seed();
    const count = await primed<number>("/products-count");
    const list = await primed<Product[]>("/products?page_size=100");
    const created = await write<Product>("/products", "POST", { ...desk, product_name: "Shelf" }, 201);
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
    await seed();
    const product = await primed<Product>("/products/1");
    const order = await primed<Order>("/orders/1");
    const list = await primed<Order[]>("/orders-list");
    const report = await primed<Report>("/reports-all");
    const ordersCount = await primed("/orders-count");
    const line = await primed("/orders_products/1");
    const linesCount = await primed("/orders_products-count");

    await write("/products/1", "PUT", { ...desk, product_name: "Standing desk", price: 120 }, 200);

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
    await seed();
    await primed("/products/3");
    const count = await primed<number>("/products-count");
    const list = await primed<Product[]>("/products?page_size=100");
    expect(await write("/products/3", "DELETE", undefined, 202)).toEqual({ id: 3, deleted: true });
    expectProblem(await bypass("/products/3", 404), 404, "Product 3 does not exist", "/products/3");
    expect(await fresh("/products-count", count)).toBe(2);
    expect((await fresh("/products?page_size=100", list)).map((p) => p.id)).toEqual([1, 2]);
  });

  it("POST /products-batch: the count and the list are read fresh", async () => {
    await seed();
    const count = await primed<number>("/products-count");
    const list = await primed<Product[]>("/products?page=2&page_size=2");
    const created = await write<Product[]>(
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
    await seed();
    await write("/products", "POST", { ...desk, product_name: "Shelf" }, 201);
    await primed("/products/4");
    const count = await primed<number>("/products-count");
    const list = await primed<Product[]>("/products?page_size=100");
    expect(await write("/products-batch", "DELETE", [3, 4, 99], 202)).toEqual({ deleted: 2, not_found: [99] });
    await bypass("/products/4", 404);
    expect(await fresh("/products-count", count)).toBe(2);
    expect((await fresh("/products?page_size=100", list)).map((p) => p.id)).toEqual([1, 2]);
  });
});

describe("invalidation after order writes", () => {
  it("POST /orders: the counts, the list and the report are read fresh", async () => {
    await seed();
    const orders = await primed<number>("/orders-count");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list?page_size=100");
    const report = await primed<Report>("/reports-all");
    expect(await write("/orders", "POST", { product_ids: [3], amounts: [5] }, 201)).toBe(3);
    expect(await fresh("/orders-count", orders)).toBe(3);
    expect(await fresh("/orders_products-count", lines)).toBe(4);
    expect((await fresh("/orders-list?page_size=100", list)).map((o) => [o.order_id, o.total])).toEqual([
      [1, 302],
      [2, 100],
      [3, 64.95],
    ]);
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
    await seed();
    const order = await primed<Order>("/orders/1");
    await primed("/orders_products/1");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list");
    const report = await primed<Report>("/reports-all");
    const orders = await primed("/orders-count");
    await write("/orders/1", "PUT", { product_ids: [3], amounts: [10] }, 200);
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
    await seed();
    await primed("/orders/1");
    await primed("/orders_products/2");
    const orders = await primed<number>("/orders-count");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list");
    const report = await primed<Report>("/reports-all");
    expect(await write("/orders/1", "DELETE", undefined, 202)).toEqual({ id: 1, deleted: true });
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
    await seed();
    const orders = await primed<number>("/orders-count");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list?page=2&page_size=1");
    const created = await write<number[]>(
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
    await seed();
    await primed("/orders/2");
    const orders = await primed<number>("/orders-count");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list");
    expect(await write("/orders-batch", "DELETE", [1, 2, 99], 202)).toEqual({ deleted: 2, not_found: [99] });
    await bypass("/orders/2", 404);
    expect(await fresh("/orders-count", orders)).toBe(0);
    expect(await fresh("/orders_products-count", lines)).toBe(0);
    expect(await fresh("/orders-list", list)).toEqual([]);
  });
});

describe("invalidation after order line writes", () => {
  it("POST /orders_products: the order's lines and total, the counts and the report are read fresh", async () => {
    await seed();
    const order = await primed<Order>("/orders/2");
    const lines = await primed<number>("/orders_products-count");
    const list = await primed<Order[]>("/orders-list");
    const report = await primed<Report>("/reports-all");
    const created = await write<OrderLine>("/orders_products", "POST", { order_id: 2, product_id: 2, amount: 3 }, 201);
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
    await seed();
    const line = await primed<OrderLine>("/orders_products/1");
    const order = await primed<Order>("/orders/1");
    const report = await primed<Report>("/reports-all");
    const lines = await primed("/orders_products-count");
    await write("/orders_products/1", "PUT", { order_id: 1, product_id: 1, amount: 5 }, 200);
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
    await seed();
    const from = await primed<Order>("/orders/1");
    const to = await primed<Order>("/orders/2");
    await write("/orders_products/2", "PUT", { order_id: 2, product_id: 2, amount: 4 }, 200);
    expect((await fresh("/orders/1", from)).products.map((l) => l.id)).toEqual([1]);
    const moved = await fresh("/orders/2", to);
    expect(moved.products.map((l) => l.id)).toEqual([2, 3]);
    expect(moved.total).toBe(202);
  });

  it("DELETE /orders_products/{id}: the line, its order, the count and the report are read fresh", async () => {
    await seed();
    await primed("/orders_products/1");
    const order = await primed<Order>("/orders/1");
    const lines = await primed<number>("/orders_products-count");
    const report = await primed<Report>("/reports-all");
    expect(await write("/orders_products/1", "DELETE", undefined, 202)).toEqual({ id: 1, deleted: true });
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
    await seed();
    const first = await primed<Order>("/orders/1");
    const second = await primed<Order>("/orders/2");
    const lines = await primed<number>("/orders_products-count");
    const created = await write<OrderLine[]>(
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
    await seed();
    await primed("/orders_products/3");
    const first = await primed<Order>("/orders/1");
    const second = await primed<Order>("/orders/2");
    const lines = await primed<number>("/orders_products-count");
    const report = await primed<Report>("/reports-all");
    expect(await write("/orders_products-batch", "DELETE", [1, 3, 99], 202)).toEqual({ deleted: 2, not_found: [99] });
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
