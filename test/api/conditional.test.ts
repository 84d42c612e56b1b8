import { describe, expect, it } from "vitest";
import { chair, desk, ISO, lamp } from "../fixtures";
import { type ApiResponse, api, countRoundTrips, db, expectProblem, redis, snapshot } from "../helpers";

const STRONG_ETAG = /^"[0-9a-f]{32}"$/;
// The report's tag is weak: rebuilds of the same figures differ only in generated_at.
const REPORT_ETAG = /^W\/"[0-9a-f]{32}"$/;
const etagShape = (path: string) => (path.startsWith("/reports-all") ? REPORT_ETAG : STRONG_ETAG);
/** Shaped like our tags, but no representation has it. */
const OTHER_TAG = '"00000000000000000000000000000000"';

async function write<T = unknown>(path: string, method: string, json: unknown, status: number): Promise<T> {
  const res = await api<T>(path, { method, json });
  expect(res.status).toBe(status);
  return res.body;
}

/** Products 1 Desk, 2 Chair, 3 Lamp (unreferenced); order 1 with lines 1 (Desk × 2) and 2 (Chair × 4). */
async function seed() {
  for (const p of [desk, chair, lamp]) await write("/products", "POST", p, 201);
  expect(await write("/orders", "POST", { product_ids: [1, 2], amounts: [2, 4] }, 201)).toBe(1);
}

async function get<T = unknown>(path: string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
  return api<T>(path, { headers });
}

/** The current strong ETag of a resource, from a plain GET. */
async function etagOf(path: string): Promise<string> {
  const res = await get(path);
  expect(res.status).toBe(200);
  const etag = res.headers.get("ETag") ?? "";
  expect(etag).toMatch(etagShape(path));
  return etag;
}

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
    await seed();
    const first = await get(path);
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    const etag = first.headers.get("ETag") ?? "";
    expect(etag).toMatch(STRONG_ETAG);
    const second = await get(path);
    expect(second.headers.get("X-Cache")).toBe("HIT");
    expect(second.headers.get("ETag")).toBe(etag);
  });

  it.each(READS)("GET %s with a matching If-None-Match answers 304 on a miss and on a hit", async (path) => {
    await seed();
    const etag = await etagOf(path);
    // Empty the cache, so the next read is a miss.
    await redis().flushdb();

    const { result: onMiss, roundTrips: missTrips } = await countRoundTrips(() => get(path, { "If-None-Match": etag }));
    expectNotModified(onMiss, etag, "MISS");
    expect(missTrips).toBe(1);

    const { result: onHit, roundTrips: hitTrips } = await countRoundTrips(() => get(path, { "If-None-Match": etag }));
    expectNotModified(onHit, etag, "HIT");
    expect(hitTrips).toBe(0);

    // The 304 on the miss stored the full answer: a plain GET hits and gets the body.
    const plain = await get(path);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("X-Cache")).toBe("HIT");
    expect(plain.headers.get("ETag")).toBe(etag);
    expect(plain.body).not.toBe("");
  });

  it("answers 304 to the report's weak ETag while cached and after a rebuild of the same figures", async () => {
    await seed();
    const first = await get<{ generated_at: string }>("/reports-all");
    const etag = first.headers.get("ETag") ?? "";
    expect(etag).toMatch(REPORT_ETAG);
    const { result, roundTrips } = await countRoundTrips(() => get("/reports-all", { "If-None-Match": etag }));
    expectNotModified(result, etag, "HIT");
    expect(roundTrips).toBe(0);
    const plain = await get<{ generated_at: string }>("/reports-all");
    expect(plain.headers.get("X-Cache")).toBe("HIT");
    expect(plain.body).toEqual(first.body);

    // Rebuilt from the database: a new generated_at, the same figures, so still not modified.
    await redis().flushdb();
    const rebuilt = await countRoundTrips(() => get("/reports-all", { "If-None-Match": etag }));
    expectNotModified(rebuilt.result, etag, "MISS");
    expect(rebuilt.roundTrips).toBe(1);

    // New figures, new tag.
    expect((await api("/orders", { method: "POST", json: { product_ids: [1], amounts: [1] } })).status).toBe(201);
    const changed = await get("/reports-all", { "If-None-Match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("ETag")).not.toBe(etag);
  });

  it("answers 304 to If-None-Match: *, to a list holding the tag and to its weak form", async () => {
    await seed();
    const etag = await etagOf("/products/1");
    expectNotModified(await get("/products/1", { "If-None-Match": "*" }), etag, "HIT");
    expectNotModified(await get("/products/1", { "If-None-Match": `${OTHER_TAG}, ${etag}` }), etag, "HIT");
    // If-None-Match compares weakly (RFC 9110 §13.1.2).
    expectNotModified(await get("/products/1", { "If-None-Match": `W/${etag}` }), etag, "HIT");
    const list = await etagOf("/orders-list");
    await redis().flushdb();
    expectNotModified(await get("/orders-list", { "If-None-Match": "*" }), list, "MISS");
  });

  it("answers 200 with the body to a tag that does not match, on a miss and on a hit", async () => {
    await seed();
    const { result: onMiss, roundTrips } = await countRoundTrips(() =>
      get<{ id: number }>("/products/1", { "If-None-Match": OTHER_TAG }),
    );
    expect(onMiss.status).toBe(200);
    expect(onMiss.headers.get("X-Cache")).toBe("MISS");
    expect(onMiss.body).toMatchObject({ id: 1, ...desk });
    expect(onMiss.headers.get("ETag")).toMatch(STRONG_ETAG);
    expect(roundTrips).toBe(1);
    const onHit = await get<{ id: number }>("/products/1", { "If-None-Match": `W/${OTHER_TAG}, "abc"` });
    expect(onHit.status).toBe(200);
    expect(onHit.headers.get("X-Cache")).toBe("HIT");
    expect(onHit.body).toEqual(onMiss.body);
  });

  it("gives single resources their row version as ETag", async () => {
    await seed();
    const [product] = await db().query("select md5(p::text) as v from products p where id = 1");
    expect(await etagOf("/products/1")).toBe(`"${product?.v}"`);
    const [line] = await db().query("select md5(l::text) as v from orders_products l where id = 1");
    expect(await etagOf("/orders_products/1")).toBe(`"${line?.v}"`);
  });

  it("changes the ETag after a write, so the old one no longer yields 304", async () => {
    await seed();
    const paths = ["/products/1", "/products", "/orders/1", "/orders-list", "/orders_products/1", "/reports-all"];
    const before = new Map<string, string>();
    for (const path of paths) before.set(path, await etagOf(path));

    await write("/products/1", "PUT", { ...desk, product_name: "Standing desk" }, 200);
    await write("/orders_products/1", "PUT", { order_id: 1, product_id: 1, amount: 3 }, 200);

    for (const path of paths) {
      const old = before.get(path) ?? "";
      const res = await get(path, { "If-None-Match": old });
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Cache")).toBe("MISS");
      expect(res.headers.get("ETag")).toMatch(etagShape(path));
      expect(res.headers.get("ETag")).not.toBe(old);
      expect(res.body).not.toBe("");
    }
  });
});

interface Case {
  name: string;
  /** An existing resource of the seed that nothing references, so it can be deleted. */
  path: string;
  missing: string;
  put: object;
  /** The PUT's answer, the same as the next GET's. */
  putBody: unknown;
  otherPut: object;
  changed: string;
  missingDetail: string;
}

const CASES: Case[] = [
  {
    name: "products",
    path: "/products/3",
    missing: "/products/42",
    put: { ...lamp, product_name: "Desk lamp", stock: 19 },
    putBody: {
      id: 3,
      ...lamp,
      product_name: "Desk lamp",
      stock: 19,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    },
    otherPut: { ...lamp, price: 14.99 },
    changed: "Product 3 has changed since the ETag in If-Match",
    missingDetail: "Product 42 does not exist",
  },
  {
    name: "orders",
    path: "/orders/1",
    missing: "/orders/42",
    put: { product_ids: [3, 1], amounts: [1, 1] },
    putBody: {
      order_id: 1,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      total: 112.99,
      products: [
        { id: 3, product_id: 3, product_name: "Lamp", amount: 1, unit_price: 12.99, line_total: 12.99 },
        { id: 4, product_id: 1, product_name: "Desk", amount: 1, unit_price: 100, line_total: 100 },
      ],
    },
    otherPut: { product_ids: [2], amounts: [9] },
    changed: "Order 1 has changed since the ETag in If-Match",
    missingDetail: "Order 42 does not exist",
  },
  {
    name: "order lines",
    path: "/orders_products/1",
    missing: "/orders_products/42",
    put: { order_id: 1, product_id: 1, amount: 7 },
    putBody: {
      id: 1,
      order_id: 1,
      product_id: 1,
      amount: 7,
      unit_price: 100,
      unit_cost: 50,
      created_at: expect.stringMatching(ISO),
    },
    otherPut: { order_id: 1, product_id: 3, amount: 2 },
    changed: "Order line 1 has changed since the ETag in If-Match",
    missingDetail: "Order line 42 does not exist",
  },
];

describe.each(CASES)(
  "If-Match on PUT and DELETE of $name",
  ({ path, missing, put, putBody, otherPut, changed, missingDetail }) => {
    const idOf = (p: string) => Number(p.split("/").pop());

    it("PUT with the current ETag succeeds in one round trip and answers the new ETag", async () => {
      await seed();
      const etag = await etagOf(path);
      const { result: res, roundTrips } = await countRoundTrips(() =>
        api(path, { method: "PUT", json: put, headers: { "If-Match": etag } }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual(putBody);
      expect(res.headers.get("X-Cache")).toBe("BYPASS");
      expect(roundTrips).toBe(1);
      const newTag = res.headers.get("ETag") ?? "";
      expect(newTag).toMatch(STRONG_ETAG);
      expect(newTag).not.toBe(etag);
      const next = await get(path);
      expect(next.status).toBe(200);
      expect(next.headers.get("X-Cache")).toBe("MISS");
      expect(next.headers.get("ETag")).toBe(newTag);
      expect(next.body).toEqual(res.body);
      // The new ETag is itself a valid precondition for the next write.
      const again = await api(path, { method: "PUT", json: otherPut, headers: { "If-Match": newTag } });
      expect(again.status).toBe(200);
    });

    it("DELETE with the current ETag succeeds in one round trip", async () => {
      await seed();
      const etag = await etagOf(path);
      const { result: res, roundTrips } = await countRoundTrips(() =>
        api(path, { method: "DELETE", headers: { "If-Match": etag } }),
      );
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: idOf(path), deleted: true });
      expect(roundTrips).toBe(1);
      expect((await get(path)).status).toBe(404);
    });

    it("PUT and DELETE with a stale ETag answer 412 in one round trip and change nothing", async () => {
      await seed();
      const stale = await etagOf(path);
      const current = await api(path, { method: "PUT", json: otherPut });
      expect(current.status).toBe(200);
      const currentTag = current.headers.get("ETag") ?? "";
      expect(currentTag).not.toBe(stale);
      const cached = await get(path);
      expect(cached.headers.get("ETag")).toBe(currentTag);
      const before = await snapshot();

      const { result: refused, roundTrips } = await countRoundTrips(() =>
        api(path, { method: "PUT", json: put, headers: { "If-Match": stale } }),
      );
      expectProblem(refused, 412, changed, path);
      expect(refused.body).toEqual({
        type: "about:blank",
        title: "Precondition Failed",
        status: 412,
        detail: changed,
        instance: path,
        request_id: refused.headers.get("X-Request-Id"),
      });
      expect(refused.headers.get("X-Cache")).toBe("BYPASS");
      expect(roundTrips).toBe(1);
      const { result: refusedDelete, roundTrips: deleteTrips } = await countRoundTrips(() =>
        api(path, { method: "DELETE", headers: { "If-Match": stale } }),
      );
      expectProblem(refusedDelete, 412, changed, path);
      expect(deleteTrips).toBe(1);
      expect(await snapshot()).toEqual(before);

      // Nothing changed, so the cached answer still stands.
      const after = await get(path);
      expect(after.headers.get("X-Cache")).toBe("HIT");
      expect(after.headers.get("ETag")).toBe(currentTag);
      expect(after.body).toEqual(cached.body);
    });

    it("refuses a weak or unrelated tag with 412, and accepts a list holding the current tag", async () => {
      await seed();
      const etag = await etagOf(path);
      const before = await snapshot();
      for (const header of [`W/${etag}`, OTHER_TAG, '"not-a-version"']) {
        const res = await api(path, { method: "PUT", json: put, headers: { "If-Match": header } });
        expectProblem(res, 412, changed, path);
      }
      expect(await snapshot()).toEqual(before);
      const res = await api(path, { method: "DELETE", headers: { "If-Match": `${OTHER_TAG}, ${etag}` } });
      expect(res.status).toBe(202);
    });

    it("If-Match: * lets PUT and DELETE of an existing resource through", async () => {
      await seed();
      const put1 = await api(path, { method: "PUT", json: put, headers: { "If-Match": "*" } });
      expect(put1.status).toBe(200);
      expect(put1.headers.get("ETag")).toBe(await etagOf(path));
      const del = await api(path, { method: "DELETE", headers: { "If-Match": "*" } });
      expect(del.status).toBe(202);
      expect(del.body).toEqual({ id: idOf(path), deleted: true });
    });

    it("If-Match with a tag on a missing resource answers 404, and If-Match: * 412, in one round trip", async () => {
      await seed();
      const etag = await etagOf(path);
      const before = await snapshot();
      const missingId = idOf(missing);
      const noCurrent = `${missingDetail.replace(" does not exist", "")} does not exist, and If-Match requires a current one`;
      for (const [header, status, detail] of [
        [etag, 404, missingDetail],
        ["*", 412, noCurrent],
      ] as const) {
        const { result: putRes, roundTrips } = await countRoundTrips(() =>
          api(missing, { method: "PUT", json: put, headers: { "If-Match": header } }),
        );
        expectProblem(putRes, status, detail, missing);
        expect(roundTrips).toBe(1);
        const delRes = await api(missing, { method: "DELETE", headers: { "If-Match": header } });
        expectProblem(delRes, status, detail, missing);
      }
      expect(missingId).toBe(42);
      expect(await snapshot()).toEqual(before);
    });
  },
);

describe("If-Match across resources", () => {
  it("an order's ETag moves when one of its lines or its product's name changes", async () => {
    await seed();
    const first = await etagOf("/orders/1");
    await write("/orders_products/2", "PUT", { order_id: 1, product_id: 2, amount: 5 }, 200);
    const second = await etagOf("/orders/1");
    expect(second).not.toBe(first);
    await write("/products/2", "PUT", { ...chair, product_name: "Armchair" }, 200);
    const third = await etagOf("/orders/1");
    expect(third).not.toBe(second);
    const before = await snapshot();
    for (const stale of [first, second]) {
      expectProblem(
        await api("/orders/1", { method: "DELETE", headers: { "If-Match": stale } }),
        412,
        "Order 1 has changed since the ETag in If-Match",
        "/orders/1",
      );
    }
    expect(await snapshot()).toEqual(before);
    const res = await api("/orders/1", { method: "DELETE", headers: { "If-Match": third } });
    expect(res.status).toBe(202);
  });
});
