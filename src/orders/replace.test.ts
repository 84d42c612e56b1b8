import { describe, expect, it } from "vitest";
import { chair, createOrder, createProduct, desk, getOrder, ISO, type Order, type Problem } from "../../test/fixtures";
import { ageOrders, api, countRoundTrips, expectProblem, snapshot, storedLines } from "../../test/helpers";

describe("PUT /orders/{id}", () => {
  it("replaces the lines atomically: old line ids are gone, the new lines are there", async () => {
    const deskId = await createProduct(desk);
    const chairId = await createProduct(chair);
    const id = await createOrder([deskId, chairId], [1, 1]);
    await ageOrders();
    const before = await getOrder(id);
    expect(before.products.map((l) => l.id)).toEqual([1, 2]);

    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<Order>(`/orders/${id}`, {
        method: "PUT",
        json: { product_ids: [chairId, deskId, chairId], amounts: [2, 3, 4] },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      order_id: id,
      created_at: before.created_at,
      updated_at: expect.stringMatching(ISO),
      total: 453,
      products: [
        { id: 3, product_id: chairId, product_name: "Chair", amount: 2, unit_price: 25.5, line_total: 51 },
        { id: 4, product_id: deskId, product_name: "Desk", amount: 3, unit_price: 100, line_total: 300 },
        { id: 5, product_id: chairId, product_name: "Chair", amount: 4, unit_price: 25.5, line_total: 102 },
      ],
    });
    expect(res.body.updated_at).not.toBe("2000-01-01T00:00:00.000Z");
    expect(roundTrips).toBe(1);
    expect(await getOrder(id)).toEqual(res.body);
    expect((await storedLines()).map((l) => l.id)).toEqual([3, 4, 5]);
  });

  it("leaves other orders' lines alone", async () => {
    const deskId = await createProduct(desk);
    const first = await createOrder([deskId], [1]);
    const second = await createOrder([deskId], [2]);
    const untouched = await getOrder(second);
    const res = await api(`/orders/${first}`, { method: "PUT", json: { product_ids: [deskId], amounts: [5] } });
    expect(res.status).toBe(200);
    expect(await getOrder(second)).toEqual(untouched);
  });

  it("captures the current price for the new lines", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [1]);
    expect((await api(`/products/${deskId}`, { method: "PUT", json: { ...desk, price: 120, cost: 60 } })).status).toBe(
      200,
    );
    const res = await api<Order>(`/orders/${id}`, { method: "PUT", json: { product_ids: [deskId], amounts: [2] } });
    expect(res.status).toBe(200);
    expect(res.body.products).toEqual([
      { id: 2, product_id: deskId, product_name: "Desk", amount: 2, unit_price: 120, line_total: 240 },
    ]);
    expect(res.body.total).toBe(240);
    expect(await storedLines()).toEqual([
      { id: 2, order_id: id, product_id: deskId, amount: 2, unit_price: "120.00", unit_cost: "60.00" },
    ]);
  });

  it("accepts a body read with GET, ignoring its read-only fields", async () => {
    const deskId = await createProduct(desk);
    const chairId = await createProduct(chair);
    const id = await createOrder([deskId], [1]);
    const read = await getOrder(id);
    const res = await api<Order>(`/orders/${id}`, {
      method: "PUT",
      json: { ...read, total: 1, created_at: "2000-01-01T00:00:00.000Z", product_ids: [chairId], amounts: [2] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      order_id: id,
      created_at: read.created_at,
      updated_at: expect.stringMatching(ISO),
      total: 51,
      products: [{ id: 2, product_id: chairId, product_name: "Chair", amount: 2, unit_price: 25.5, line_total: 51 }],
    });
  });

  it("refuses an order_id in the body that differs from the path id, writing nothing", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api(`/orders/${id}`, { method: "PUT", json: { order_id: id + 1, product_ids: [deskId], amounts: [2] } }),
    );
    expectProblem(res, 422, `order_id in the body (${id + 1}) must equal the id in the path (${id})`, `/orders/${id}`);
    expect((res.body as Problem).errors).toEqual([
      { path: "order_id", message: "must equal the id in the path", code: "custom" },
    ]);
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("answers 404 for a missing order, writing nothing, in one round trip", async () => {
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders/77", { method: "PUT", json: { product_ids: [deskId], amounts: [2] } }),
    );
    expectProblem(res, 404, "Order 77 does not exist", "/orders/77");
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses unknown products with 422 naming them, keeping the old lines", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api(`/orders/${id}`, { method: "PUT", json: { product_ids: [99, deskId, 98], amounts: [1, 1, 1] } }),
    );
    expectProblem(res, 422, "Unknown product ids: 98, 99", `/orders/${id}`);
    expect((res.body as Problem).errors).toEqual([
      { path: "product_ids", message: "Unknown product ids: 98, 99", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("validates the body like POST, with no round trip", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: lengths, roundTrips } = await countRoundTrips(() =>
      api(`/orders/${id}`, { method: "PUT", json: { product_ids: [deskId], amounts: [1, 2] } }),
    );
    expectProblem(lengths, 422, "amounts: product_ids and amounts must have the same length", `/orders/${id}`);
    expect(roundTrips).toBe(0);
    const empty = await api(`/orders/${id}`, { method: "PUT", json: { product_ids: [], amounts: [] } });
    expectProblem(empty, 422, /^2 problems with the body: product_ids: must have at least 1 line/, `/orders/${id}`);
    const zero = await api(`/orders/${id}`, { method: "PUT", json: { product_ids: [deskId], amounts: [0] } });
    expectProblem(zero, 422, "amounts.0: must be ≥ 1", `/orders/${id}`);
    const unknown = await api(`/orders/${id}`, {
      method: "PUT",
      json: { product_ids: [deskId], amounts: [1], colour: "red" },
    });
    expectProblem(unknown, 422, "colour: Unknown field", `/orders/${id}`);
    const malformed = await api(`/orders/${id}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: "[1,",
    });
    expectProblem(malformed, 400, "The body is not valid JSON", `/orders/${id}`);
    const badId = await api("/orders/abc", { method: "PUT", json: { product_ids: [deskId], amounts: [1] } });
    expectProblem(badId, 422, "id: must be a positive integer", "/orders/abc");
    expect(await snapshot()).toEqual(before);
  });
});
