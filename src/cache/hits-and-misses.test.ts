import { describe, expect, it } from "vitest";
import {
  chair,
  desk,
  ISO,
  lamp,
  order1,
  order2,
  type Product,
  productBody,
  type Report,
  seededReport,
  seedTwoOrders,
} from "../../test/fixtures";
import { db, hit, insertProductRow, miss, primed, redis } from "../../test/helpers";

describe("read-through cache on every cached GET", () => {
  const endpoints: [string, unknown, string | null][] = [
    ["/products/1", productBody(1, desk), null],
    ["/products", [productBody(1, desk), productBody(2, chair)], '</products?page=2&page_size=2>; rel="next"'],
    ["/products-count", 3, null],
    ["/orders/1", order1, null],
    ["/orders-list", [order1, order2], null],
    ["/orders", [order1, order2], null],
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
      await seedTwoOrders();
      const first = await miss(path);
      expect(first.body).toEqual(body);
      expect(first.headers.get("Link")).toBe(link);
      const second = await hit(path, first);
      expect(second.body).toEqual(body);
    },
  );

  it("serves a hit from Redis alone, even when the database changed behind the API's back", async () => {
    await seedTwoOrders();
    const first = await primed<Product>("/products/1");
    await db().query("update products set product_name = 'Changed in SQL' where id = 1");
    const again = await hit("/products/1", first);
    expect(again.body.product_name).toBe("Desk");
  });

  it("keys entries by path and sorted query, so parameter order does not matter", async () => {
    await seedTwoOrders();
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
    await insertProductRow(desk);
    expect(await redis().keys("*")).toEqual([]);
    // On an empty Redis, a miss only starts the generations: nothing tells which writes an answer
    // read before they existed has seen, so it is not stored. The next miss is.
    await miss<Product>("/products/1");
    expect(await redis().keys("*")).toEqual(["gen:products"]);
    const first = await miss<Product>("/products/1");
    const keys = await redis().keys("cache:*");
    expect(keys).toEqual(["cache:/products/1?"]);
    const key = "cache:/products/1?";
    const ttl = await redis().ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    const stored = await redis().get<{ gens: string; etag: string; body: string }>(key);
    // Stored with the generation of the products it was read under, which a write would bump.
    expect(stored?.gens).toBe(await redis().get<string>("gen:products").then(String));
    expect(stored?.etag).toBe(first.headers.get("ETag"));
    expect(JSON.parse(stored?.body ?? "null")).toEqual(first.body);
    // The hit does not extend or reset the entry's life beyond the TTL.
    await hit("/products/1", first);
    const after = await redis().ttl(key);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(ttl);
  });

  it("misses again once the entry is gone from Redis", async () => {
    await seedTwoOrders();
    const first = await primed("/products-count");
    for (const key of await redis().keys("cache:*")) await redis().del(key);
    const again = await miss("/products-count");
    expect(again.body).toBe(3);
    expect(again.headers.get("ETag")).toBe(first.headers.get("ETag"));
  });
});
