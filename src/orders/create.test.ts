import { describe, expect, it } from "vitest";
import { chair, createOrder, createProduct, desk, getOrder, ISO, type Problem, tenCentLamp } from "../../test/fixtures";
import { api, countRoundTrips, expectProblem, snapshot, storedLines } from "../../test/helpers";

describe("POST /orders", () => {
  it("creates an order, answers 201 with its bare id and Location, in one round trip", async () => {
    const deskId = await createProduct(desk);
    const chairId = await createProduct(chair);
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<number>("/orders", { method: "POST", json: { product_ids: [deskId, chairId], amounts: [10, 2] } }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toBe(1);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Location")).toBe("/orders/1");
    expect(roundTrips).toBe(1);

    const order = await getOrder(1);
    expect(order).toEqual({
      order_id: 1,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      total: 1051,
      products: [
        { id: 1, product_id: deskId, product_name: "Desk", amount: 10, unit_price: 100, line_total: 1000 },
        { id: 2, product_id: chairId, product_name: "Chair", amount: 2, unit_price: 25.5, line_total: 51 },
      ],
    });
    expect(order.updated_at).toBe(order.created_at);
    expect(await storedLines()).toEqual([
      { id: 1, order_id: 1, product_id: deskId, amount: 10, unit_price: "100.00", unit_cost: "50.00" },
      { id: 2, order_id: 1, product_id: chairId, amount: 2, unit_price: "25.50", unit_cost: "10.25" },
    ]);
  });

  it("keeps the price and cost of the moment, so a later price change leaves the order as it was", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [10]);
    const before = await getOrder(id);
    expect(before.total).toBe(1000);
    expect(before.products[0]?.unit_price).toBe(100);

    const put = await api(`/products/${deskId}`, { method: "PUT", json: { ...desk, price: 120, cost: 70 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: deskId, price: 120, cost: 70 });

    const after = await getOrder(id);
    expect(after).toEqual(before);
    expect(after.products[0]?.unit_price).toBe(100);
    expect(after.total).toBe(1000);
    expect(await storedLines()).toEqual([
      { id: 1, order_id: id, product_id: deskId, amount: 10, unit_price: "100.00", unit_cost: "50.00" },
    ]);

    // A new order of the same product takes the new price.
    const second = await getOrder(await createOrder([deskId], [1]));
    expect(second.products[0]?.unit_price).toBe(120);
    expect(second.total).toBe(120);
  });

  it("lets the same product appear on several lines and computes money exactly in Postgres", async () => {
    const lampId = await createProduct(tenCentLamp);
    const id = await createOrder([lampId, lampId], [3, 1]);
    const order = await getOrder(id);
    expect(order.products.map((l) => [l.product_id, l.amount, l.unit_price, l.line_total])).toEqual([
      [lampId, 3, 0.1, 0.3],
      [lampId, 1, 0.1, 0.1],
    ]);
    expect(order.total).toBe(0.4);
  });

  it("accepts read-only fields from a GET and ignores them", async () => {
    const deskId = await createProduct(desk);
    const res = await api<number>("/orders", {
      method: "POST",
      json: {
        order_id: 99,
        created_at: "2000-01-01T00:00:00.000Z",
        updated_at: "2000-01-01T00:00:00.000Z",
        total: 1,
        products: [],
        product_ids: [deskId],
        amounts: [2],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toBe(1);
    const order = await getOrder(1);
    expect(order.created_at).not.toBe("2000-01-01T00:00:00.000Z");
    expect(order.total).toBe(200);
    expect(order.products).toHaveLength(1);
  });

  it("refuses unknown products with 422 naming them, writing nothing, in one round trip", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [deskId, 99, 98, 99], amounts: [1, 2, 3, 4] } }),
    );
    expectProblem(res, 422, "Unknown product ids: 98, 99", "/orders");
    expect((res.body as Problem).errors).toEqual([
      { path: "product_ids", message: "Unknown product ids: 98, 99", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses arrays of different lengths", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [deskId, deskId], amounts: [1] } }),
    );
    expectProblem(res, 422, "amounts: product_ids and amounts must have the same length", "/orders");
    expect((res.body as Problem).errors).toEqual([
      { path: "amounts", message: "product_ids and amounts must have the same length", code: "custom" },
    ]);
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an order of 0 lines and one of 101 lines", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: empty, roundTrips: emptyTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [], amounts: [] } }),
    );
    expectProblem(
      empty,
      422,
      "2 problems with the body: product_ids: must have at least 1 line; amounts: must have at least 1 line",
      "/orders",
    );
    expect((empty.body as Problem).errors).toEqual([
      { path: "product_ids", message: "must have at least 1 line", code: "too_small" },
      { path: "amounts", message: "must have at least 1 line", code: "too_small" },
    ]);
    expect(emptyTrips).toBe(0);

    const { result: big, roundTrips: bigTrips } = await countRoundTrips(() =>
      api("/orders", {
        method: "POST",
        json: { product_ids: Array.from({ length: 101 }, () => deskId), amounts: Array.from({ length: 101 }, () => 1) },
      }),
    );
    expectProblem(
      big,
      422,
      "2 problems with the body: product_ids: must have at most 100 lines; amounts: must have at most 100 lines",
      "/orders",
    );
    expect(bigTrips).toBe(0);
    expect(await snapshot()).toEqual(before);

    // 100 lines is the limit, and it is accepted.
    const hundred = await api<number>("/orders", {
      method: "POST",
      json: { product_ids: Array.from({ length: 100 }, () => deskId), amounts: Array.from({ length: 100 }, () => 1) },
    });
    expect(hundred.status).toBe(201);
    expect((await getOrder(hundred.body)).products).toHaveLength(100);
  });

  it("refuses amounts that are not integers ≥ 1", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: zero, roundTrips: zeroTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [deskId], amounts: [0] } }),
    );
    expectProblem(zero, 422, "amounts.0: must be ≥ 1", "/orders");
    expect((zero.body as Problem).errors).toEqual([{ path: "amounts.0", message: "must be ≥ 1", code: "too_small" }]);
    expect(zeroTrips).toBe(0);

    const { result: fraction, roundTrips: fractionTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [deskId, deskId], amounts: [1, 1.5] } }),
    );
    expectProblem(fraction, 422, "amounts.1: must be an integer", "/orders");
    expect((fraction.body as Problem).errors).toEqual([
      { path: "amounts.1", message: "must be an integer", code: "invalid_type" },
    ]);
    expect(fractionTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses unknown fields, missing fields and bad ids", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: unknown, roundTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [deskId], amounts: [1], colour: "red" } }),
    );
    expectProblem(unknown, 422, "colour: Unknown field", "/orders");
    expect((unknown.body as Problem).errors).toEqual([
      { path: "colour", message: "Unknown field", code: "unrecognized_keys" },
    ]);
    expect(roundTrips).toBe(0);

    const missing = await api("/orders", { method: "POST", json: { product_ids: [deskId] } });
    expectProblem(missing, 422, /^amounts: /, "/orders");
    const badId = await api("/orders", { method: "POST", json: { product_ids: [0], amounts: [1] } });
    expectProblem(badId, 422, "product_ids.0: must be ≥ 1", "/orders");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses malformed JSON with 400 and a non-JSON body with 415", async () => {
    const before = await snapshot();
    const { result: malformed, roundTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{nope" }),
    );
    expectProblem(malformed, 400, "The body is not valid JSON", "/orders");
    expect(roundTrips).toBe(0);
    const text = await api("/orders", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "1" });
    expectProblem(text, 415, "The body must be JSON (Content-Type: application/json), not text/plain", "/orders");
    expect(await snapshot()).toEqual(before);
  });
});
