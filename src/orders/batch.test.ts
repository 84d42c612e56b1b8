import { describe, expect, it } from "vitest";
import { chair, createOrder, createProduct, desk, getOrder, type Problem } from "../../test/fixtures";
import { api, countRoundTrips, expectProblem, snapshot, storedLines } from "../../test/helpers";

describe("POST /orders-batch", () => {
  it("creates every order with its lines and answers their ids in input order, in one round trip", async () => {
    const deskId = await createProduct(desk);
    const chairId = await createProduct(chair);
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<number[]>("/orders-batch", {
        method: "POST",
        json: [
          { product_ids: [chairId], amounts: [1] },
          { product_ids: [deskId, chairId], amounts: [2, 3] },
          { product_ids: [deskId], amounts: [5] },
        ],
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual([1, 2, 3]);
    expect(roundTrips).toBe(1);
    const orders = await Promise.all(res.body.map(getOrder));
    expect(orders.map((o) => [o.order_id, o.total, o.products.map((l) => [l.id, l.product_id, l.amount])])).toEqual([
      [1, 25.5, [[1, chairId, 1]]],
      [
        2,
        276.5,
        [
          [2, deskId, 2],
          [3, chairId, 3],
        ],
      ],
      [3, 500, [[4, deskId, 5]]],
    ]);
  });

  it("writes nothing when one order names an unknown product, in one round trip", async () => {
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders-batch", {
        method: "POST",
        json: [
          { product_ids: [deskId], amounts: [1] },
          { product_ids: [deskId, 99], amounts: [1, 1] },
        ],
      }),
    );
    expectProblem(res, 422, "Unknown product ids: 99", "/orders-batch");
    expect((res.body as Problem).errors).toEqual([
      { path: "product_ids", message: "Unknown product ids: 99", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an invalid item or an empty batch with 422 and no round trip, writing nothing", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders-batch", {
        method: "POST",
        json: [
          { product_ids: [deskId], amounts: [1] },
          { product_ids: [deskId, deskId], amounts: [1] },
        ],
      }),
    );
    expectProblem(res, 422, "1.amounts: product_ids and amounts must have the same length", "/orders-batch");
    expect(roundTrips).toBe(0);
    const empty = await api("/orders-batch", { method: "POST", json: [] });
    expectProblem(empty, 422, "body: must have at least 1 item", "/orders-batch");
    const notArray = await api("/orders-batch", { method: "POST", json: { product_ids: [deskId], amounts: [1] } });
    expect(notArray.status).toBe(422);
    const malformed = await api("/orders-batch", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "[{",
    });
    expectProblem(malformed, 400, "The body is not valid JSON", "/orders-batch");
    expect(await snapshot()).toEqual(before);
  });

  it("takes at most 5000 lines in all: 50 orders of 100 lines are written, one line more is a 422 that writes nothing", async () => {
    const deskId = await createProduct(desk);
    const order = (lines: number) => ({
      product_ids: Array.from({ length: lines }, () => deskId),
      amounts: Array.from({ length: lines }, () => 1),
    });
    const full = Array.from({ length: 50 }, () => order(100));
    const fits = await api<number[]>("/orders-batch", { method: "POST", json: full });
    expect(fits.status).toBe(201);
    expect(fits.body).toHaveLength(50);
    expect(await storedLines()).toHaveLength(5000);

    const before = await snapshot();
    const { result: over, roundTrips } = await countRoundTrips(() =>
      api("/orders-batch", { method: "POST", json: [...full, order(1)] }),
    );
    expectProblem(over, 422, "body: must hold at most 5000 lines in all", "/orders-batch");
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});

describe("DELETE /orders-batch", () => {
  it("deletes the orders and their lines and reports the ids that did not exist, in one round trip", async () => {
    const deskId = await createProduct(desk);
    const first = await createOrder([deskId], [1]);
    const second = await createOrder([deskId, deskId], [1, 2]);
    const kept = await createOrder([deskId], [3]);
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders-batch", { method: "DELETE", json: [7, first, second, 5] }),
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deleted: 2, not_found: [7, 5] });
    expect(roundTrips).toBe(1);
    const after = await snapshot();
    expect(after.orders.map((o) => Number(o.id))).toEqual([kept]);
    expect((await storedLines()).map((l) => l.order_id)).toEqual([kept]);
  });

  it("reports every id as not found when none exist", async () => {
    const before = await snapshot();
    const res = await api("/orders-batch", { method: "DELETE", json: [1, 2] });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deleted: 0, not_found: [1, 2] });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a body that is not a list of ids with 422 and no round trip", async () => {
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders-batch", { method: "DELETE", json: ["a"] }),
    );
    expectProblem(res, 422, /^0: /, "/orders-batch");
    expect(roundTrips).toBe(0);
    const empty = await api("/orders-batch", { method: "DELETE", json: [] });
    expect(empty.status).toBe(422);
    expect(await snapshot()).toEqual(before);
  });
});
