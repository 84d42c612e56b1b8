import { describe, expect, it } from "vitest";
import {
  arrangeDeskOrder,
  chair,
  createOrder,
  desk,
  getOrder,
  ISO,
  type OrderLine,
  type Problem,
} from "../../test/fixtures";
import { ageOrders, api, countRoundTrips, expectProblem, LONG_AGO, snapshot } from "../../test/helpers";

describe("PUT /orders_products/{id}", () => {
  it("changing only the amount keeps the captured price, even after the product's price changed", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const put = await api(`/products/${deskId}`, { method: "PUT", json: { ...desk, price: 120, cost: 70 } });
    expect(put.status).toBe(200);
    const read = await api<OrderLine>("/orders_products/1");
    await ageOrders();

    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<OrderLine>("/orders_products/1", { method: "PUT", json: { ...read.body, amount: 4 } }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...read.body, amount: 4, unit_price: 100, unit_cost: 50 });
    expect(roundTrips).toBe(1);
    expect(await api("/orders_products/1")).toMatchObject({ status: 200, body: res.body });
    const order = await getOrder(orderId);
    expect(order.total).toBe(400);
    expect(order.updated_at > LONG_AGO).toBe(true);
  });

  it("changing the product captures the new product's current price and cost", async () => {
    const { chairId, orderId } = await arrangeDeskOrder();
    const put = await api(`/products/${chairId}`, { method: "PUT", json: { ...chair, price: 30, cost: 12 } });
    expect(put.status).toBe(200);
    const res = await api<OrderLine>("/orders_products/1", {
      method: "PUT",
      json: { order_id: orderId, product_id: chairId, amount: 2 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 1,
      order_id: orderId,
      product_id: chairId,
      amount: 2,
      unit_price: 30,
      unit_cost: 12,
      created_at: expect.stringMatching(ISO),
    });
    expect((await getOrder(orderId)).total).toBe(60);
  });

  it("ignores read-only price fields in the body", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const res = await api<OrderLine>("/orders_products/1", {
      method: "PUT",
      json: { id: 1, order_id: orderId, product_id: deskId, amount: 3, unit_price: 1, unit_cost: 1, created_at: "x" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 1, amount: 3, unit_price: 100, unit_cost: 50 });
    expect(res.body.created_at).toMatch(ISO);
  });

  it("moves a line to another order and touches both orders", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const otherId = await createOrder([deskId], [7]);
    await ageOrders();
    const res = await api<OrderLine>("/orders_products/1", {
      method: "PUT",
      json: { order_id: otherId, product_id: deskId, amount: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body.order_id).toBe(otherId);
    const from = await getOrder(orderId);
    const to = await getOrder(otherId);
    expect(from.products).toEqual([]);
    expect(from.total).toBe(0);
    expect(to.products.map((l) => l.id)).toEqual([1, 2]);
    expect(from.updated_at > LONG_AGO).toBe(true);
    expect(to.updated_at > LONG_AGO).toBe(true);
  });

  it("refuses a body id that differs from the path id, with no round trip and nothing written", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products/1", { method: "PUT", json: { id: 2, order_id: orderId, product_id: deskId, amount: 2 } }),
    );
    expectProblem(res, 422, "id in the body (2) must equal the id in the path (1)", "/orders_products/1");
    expect((res.body as Problem).errors).toEqual([
      { path: "id", message: "must equal the id in the path", code: "custom" },
    ]);
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("answers 404 for a missing line in one round trip, writing nothing", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products/77", { method: "PUT", json: { order_id: orderId, product_id: deskId, amount: 2 } }),
    );
    expectProblem(res, 404, "Order line 77 does not exist", "/orders_products/77");
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an unknown order with 422 in one round trip, writing nothing", async () => {
    const { deskId } = await arrangeDeskOrder();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products/1", { method: "PUT", json: { order_id: 9, product_id: deskId, amount: 2 } }),
    );
    expectProblem(res, 422, "Unknown order ids: 9", "/orders_products/1");
    expect((res.body as Problem).errors).toEqual([
      { path: "order_id", message: "Unknown order ids: 9", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an unknown product with 422 in one round trip, writing nothing", async () => {
    const { orderId } = await arrangeDeskOrder();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products/1", { method: "PUT", json: { order_id: orderId, product_id: 99, amount: 2 } }),
    );
    expectProblem(res, 422, "Unknown product ids: 99", "/orders_products/1");
    expect((res.body as Problem).errors).toEqual([
      { path: "product_id", message: "Unknown product ids: 99", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses invalid bodies with 422 and no round trip", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products/1", { method: "PUT", json: { order_id: orderId, product_id: deskId, amount: 0 } }),
    );
    expectProblem(res, 422, "amount: must be ≥ 1", "/orders_products/1");
    expect(roundTrips).toBe(0);
    const partial = await api("/orders_products/1", { method: "PUT", json: { amount: 2 } });
    expectProblem(partial, 422, /^2 problems with the body: order_id: .*; product_id: /, "/orders_products/1");
    const badId = await api("/orders_products/abc", {
      method: "PUT",
      json: { order_id: orderId, product_id: deskId, amount: 2 },
    });
    expectProblem(badId, 422, "id: must be a positive integer", "/orders_products/abc");
    expect(await snapshot()).toEqual(before);
  });
});
