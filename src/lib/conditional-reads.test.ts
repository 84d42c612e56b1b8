import { describe, expect, it } from "vitest";
import { desk, seedOneOrder } from "../../test/fixtures";
import {
  type ApiResponse,
  api,
  countRoundTrips,
  db,
  emptyCache,
  etagOf,
  etagShape,
  OTHER_TAG,
  REPORT_ETAG,
  STRONG_ETAG,
  write,
} from "../../test/helpers";

function expectNotModified(res: ApiResponse, etag: string, cache: "HIT" | "MISS") {
  expect(res.status).toBe(304);
  expect(res.text).toBe("");
  expect(res.headers.get("ETag")).toBe(etag);
  expect(res.headers.get("X-Cache")).toBe(cache);
}

/**
 * Reads whose body depends only on the data. The report is not among them: it carries
 * generated_at, so each regeneration is a new representation with a new ETag.
 */
const READS = [
  "/products/1",
  "/products",
  "/products-count",
  "/orders/1",
  "/orders-list",
  "/orders-count",
  "/orders_products/1",
  "/orders_products-count",
];

describe("ETag and If-None-Match on GET", () => {
  it.each(READS)("GET %s carries a strong ETag, the same on a miss and a hit", async (path) => {
    await seedOneOrder();
    const first = await api(path);
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    const etag = first.headers.get("ETag") ?? "";
    expect(etag).toMatch(STRONG_ETAG);
    const second = await api(path);
    expect(second.headers.get("X-Cache")).toBe("HIT");
    expect(second.headers.get("ETag")).toBe(etag);
  });

  it.each(READS)("GET %s with a matching If-None-Match answers 304 on a miss and on a hit", async (path) => {
    await seedOneOrder();
    const etag = await etagOf(path);
    // Empty the cache, so the next read is a miss.
    await emptyCache();

    const { result: onMiss, roundTrips: missTrips } = await countRoundTrips(() =>
      api(path, { headers: { "If-None-Match": etag } }),
    );
    expectNotModified(onMiss, etag, "MISS");
    expect(missTrips).toBe(1);

    const { result: onHit, roundTrips: hitTrips } = await countRoundTrips(() =>
      api(path, { headers: { "If-None-Match": etag } }),
    );
    expectNotModified(onHit, etag, "HIT");
    expect(hitTrips).toBe(0);

    // The 304 on the miss stored the full answer: a plain GET hits and gets the body.
    const plain = await api(path);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("X-Cache")).toBe("HIT");
    expect(plain.headers.get("ETag")).toBe(etag);
    expect(plain.body).not.toBe("");
  });

  it("answers 304 to the report's weak ETag while cached and after a rebuild of the same figures", async () => {
    await seedOneOrder();
    const first = await api<{ generated_at: string }>("/reports-all");
    const etag = first.headers.get("ETag") ?? "";
    expect(etag).toMatch(REPORT_ETAG);
    const { result, roundTrips } = await countRoundTrips(() =>
      api("/reports-all", { headers: { "If-None-Match": etag } }),
    );
    expectNotModified(result, etag, "HIT");
    expect(roundTrips).toBe(0);
    const plain = await api<{ generated_at: string }>("/reports-all");
    expect(plain.headers.get("X-Cache")).toBe("HIT");
    expect(plain.body).toEqual(first.body);

    // Rebuilt from the database: a new generated_at, the same figures, so still not modified.
    await emptyCache();
    const rebuilt = await countRoundTrips(() => api("/reports-all", { headers: { "If-None-Match": etag } }));
    expectNotModified(rebuilt.result, etag, "MISS");
    expect(rebuilt.roundTrips).toBe(1);

    // New figures, new tag.
    expect((await api("/orders", { method: "POST", json: { product_ids: [1], amounts: [1] } })).status).toBe(201);
    const changed = await api("/reports-all", { headers: { "If-None-Match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("ETag")).not.toBe(etag);
  });

  it("answers 304 to If-None-Match: *, to a list holding the tag and to its weak form", async () => {
    await seedOneOrder();
    const etag = await etagOf("/products/1");
    expectNotModified(await api("/products/1", { headers: { "If-None-Match": "*" } }), etag, "HIT");
    expectNotModified(await api("/products/1", { headers: { "If-None-Match": `${OTHER_TAG}, ${etag}` } }), etag, "HIT");
    // If-None-Match compares weakly (RFC 9110 §13.1.2).
    expectNotModified(await api("/products/1", { headers: { "If-None-Match": `W/${etag}` } }), etag, "HIT");
    const list = await etagOf("/orders-list");
    await emptyCache();
    expectNotModified(await api("/orders-list", { headers: { "If-None-Match": "*" } }), list, "MISS");
  });

  it("answers 200 with the body to a tag that does not match, on a miss and on a hit", async () => {
    await seedOneOrder();
    const { result: onMiss, roundTrips } = await countRoundTrips(() =>
      api<{ id: number }>("/products/1", { headers: { "If-None-Match": OTHER_TAG } }),
    );
    expect(onMiss.status).toBe(200);
    expect(onMiss.headers.get("X-Cache")).toBe("MISS");
    expect(onMiss.body).toMatchObject({ id: 1, ...desk });
    expect(onMiss.headers.get("ETag")).toMatch(STRONG_ETAG);
    expect(roundTrips).toBe(1);
    const onHit = await api<{ id: number }>("/products/1", { headers: { "If-None-Match": `W/${OTHER_TAG}, "abc"` } });
    expect(onHit.status).toBe(200);
    expect(onHit.headers.get("X-Cache")).toBe("HIT");
    expect(onHit.body).toEqual(onMiss.body);
  });

  it("gives single resources their row version as ETag", async () => {
    await seedOneOrder();
    const [product] = await db().query("select md5(p::text) as v from products p where id = 1");
    expect(await etagOf("/products/1")).toBe(`"${product?.v}"`);
    const [line] = await db().query("select md5(l::text) as v from orders_products l where id = 1");
    expect(await etagOf("/orders_products/1")).toBe(`"${line?.v}"`);
  });

  it("changes the ETag after a write, so the old one no longer yields 304", async () => {
    await seedOneOrder();
    const paths = ["/products/1", "/products", "/orders/1", "/orders-list", "/orders_products/1", "/reports-all"];
    const before = new Map<string, string>();
    for (const path of paths) before.set(path, await etagOf(path));

    await write("/products/1", "PUT", { ...desk, product_name: "Standing desk" }, 200);
    await write("/orders_products/1", "PUT", { order_id: 1, product_id: 1, amount: 3 }, 200);

    for (const path of paths) {
      const old = before.get(path) ?? "";
      const res = await api(path, { headers: { "If-None-Match": old } });
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Cache")).toBe("MISS");
      expect(res.headers.get("ETag")).toMatch(etagShape(path));
      expect(res.headers.get("ETag")).not.toBe(old);
      expect(res.body).not.toBe("");
    }
  });
});
