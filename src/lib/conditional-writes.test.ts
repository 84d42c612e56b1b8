import { describe, expect, it } from "vitest";
import { chair, ISO, lamp, seedOneOrder } from "../../test/fixtures";
import {
  api,
  countRoundTrips,
  etagOf,
  expectProblem,
  OTHER_TAG,
  STRONG_ETAG,
  snapshot,
  write,
} from "../../test/helpers";

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
      await seedOneOrder();
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
      const next = await api(path);
      expect(next.status).toBe(200);
      expect(next.headers.get("X-Cache")).toBe("MISS");
      expect(next.headers.get("ETag")).toBe(newTag);
      expect(next.body).toEqual(res.body);
      // The new ETag is itself a valid precondition for the next write.
      const again = await api(path, { method: "PUT", json: otherPut, headers: { "If-Match": newTag } });
      expect(again.status).toBe(200);
    });

    it("DELETE with the current ETag succeeds in one round trip", async () => {
      await seedOneOrder();
      const etag = await etagOf(path);
      const { result: res, roundTrips } = await countRoundTrips(() =>
        api(path, { method: "DELETE", headers: { "If-Match": etag } }),
      );
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: idOf(path), deleted: true });
      expect(roundTrips).toBe(1);
      expect((await api(path)).status).toBe(404);
    });

    it("PUT and DELETE with a stale ETag answer 412 in one round trip and change nothing", async () => {
      await seedOneOrder();
      const stale = await etagOf(path);
      const current = await api(path, { method: "PUT", json: otherPut });
      expect(current.status).toBe(200);
      const currentTag = current.headers.get("ETag") ?? "";
      expect(currentTag).not.toBe(stale);
      const cached = await api(path);
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
      const after = await api(path);
      expect(after.headers.get("X-Cache")).toBe("HIT");
      expect(after.headers.get("ETag")).toBe(currentTag);
      expect(after.body).toEqual(cached.body);
    });

    it("refuses a weak or unrelated tag with 412, and accepts a list holding the current tag", async () => {
      await seedOneOrder();
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
      await seedOneOrder();
      const put1 = await api(path, { method: "PUT", json: put, headers: { "If-Match": "*" } });
      expect(put1.status).toBe(200);
      expect(put1.headers.get("ETag")).toBe(await etagOf(path));
      const del = await api(path, { method: "DELETE", headers: { "If-Match": "*" } });
      expect(del.status).toBe(202);
      expect(del.body).toEqual({ id: idOf(path), deleted: true });
    });

    it("If-Match with a tag on a missing resource answers 404, and If-Match: * 412, in one round trip", async () => {
      await seedOneOrder();
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
    await seedOneOrder();
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
