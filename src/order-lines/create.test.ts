import { describe, expect, it } from "vitest";
import { arrangeDeskOrder, createLine, getOrder, ISO, type OrderLine, type Problem } from "../../test/fixtures";
import { ageOrders, api, countRoundTrips, expectProblem, LONG_AGO, snapshot } from "../../test/helpers";

describe("POST /orders_products", () => {
  it("adds a line capturing the product's price and cost, answering 201 with it and its Location", async () => {
    const { chairId, orderId } = await arrangeDeskOrder();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<OrderLine>("/orders_products", {
        method: "POST",
        json: { order_id: orderId, product_id: chairId, amount: 5 },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get("Location")).toBe("/orders_products/2");
    expect(res.body).toEqual({
      id: 2,
      order_id: orderId,
      product_id: chairId,
      amount: 5,
      unit_price: 25.5,
      unit_cost: 10.25,
      created_at: expect.stringMatching(ISO),
    });
    expect(roundTrips).toBe(1);
    expect(await api(`/orders_products/${res.body.id}`)).toMatchObject({ status: 200, body: res.body });
    const order = await getOrder(orderId);
    expect(order.products.map((l) => [l.id, l.product_id, l.amount, l.line_total])).toEqual([
      [1, 1, 1, 100],
      [2, chairId, 5, 127.5],
    ]);
    expect(order.total).toBe(227.5);
  });

  it("touches the order's updated_at", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    await ageOrders();
    expect((await getOrder(orderId)).updated_at).toBe(LONG_AGO);
    await createLine({ order_id: orderId, product_id: deskId, amount: 1 });
    const after = await getOrder(orderId);
    expect(after.updated_at).toMatch(ISO);
    expect(after.updated_at > LONG_AGO).toBe(true);
  });

  it("lets the same product appear on several lines of one order", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const second = await createLine({ order_id: orderId, product_id: deskId, amount: 2 });
    const third = await createLine({ order_id: orderId, product_id: deskId, amount: 3 });
    expect([second.id, third.id]).toEqual([2, 3]);
    const order = await getOrder(orderId);
    expect(order.products.map((l) => [l.id, l.product_id, l.amount])).toEqual([
      [1, deskId, 1],
      [2, deskId, 2],
      [3, deskId, 3],
    ]);
    expect(order.total).toBe(600);
  });

  it("accepts read-only fields from a GET and ignores them", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const res = await api<OrderLine>("/orders_products", {
      method: "POST",
      json: {
        id: 99,
        order_id: orderId,
        product_id: deskId,
        amount: 2,
        unit_price: 1,
        unit_cost: 1,
        created_at: LONG_AGO,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: 2,
      order_id: orderId,
      product_id: deskId,
      amount: 2,
      unit_price: 100,
      unit_cost: 50,
      created_at: expect.stringMatching(ISO),
    });
    expect(res.body.created_at).not.toBe(LONG_AGO);
  });

  it("refuses an unknown order with 422 naming it, in one round trip, writing nothing", async () => {
    const { deskId } = await arrangeDeskOrder();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products", { method: "POST", json: { order_id: 9, product_id: deskId, amount: 1 } }),
    );
    expectProblem(res, 422, "Unknown order ids: 9", "/orders_products");
    expect((res.body as Problem).errors).toEqual([
      { path: "order_id", message: "Unknown order ids: 9", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an unknown product with 422 naming it, in one round trip, writing nothing", async () => {
    const { orderId } = await arrangeDeskOrder();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products", { method: "POST", json: { order_id: orderId, product_id: 99, amount: 1 } }),
    );
    expectProblem(res, 422, "Unknown product ids: 99", "/orders_products");
    expect((res.body as Problem).errors).toEqual([
      { path: "product_id", message: "Unknown product ids: 99", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses invalid bodies with 422 and no round trip, and malformed JSON with 400", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const before = await snapshot();
    const { result: zero, roundTrips } = await countRoundTrips(() =>
      api("/orders_products", { method: "POST", json: { order_id: orderId, product_id: deskId, amount: 0 } }),
    );
    expectProblem(zero, 422, "amount: must be ≥ 1", "/orders_products");
    expect((zero.body as Problem).errors).toEqual([{ path: "amount", message: "must be ≥ 1", code: "too_small" }]);
    expect(roundTrips).toBe(0);

    const fraction = await api("/orders_products", {
      method: "POST",
      json: { order_id: orderId, product_id: deskId, amount: 1.5 },
    });
    expectProblem(fraction, 422, "amount: must be an integer", "/orders_products");
    const unknown = await api("/orders_products", {
      method: "POST",
      json: { order_id: orderId, product_id: deskId, amount: 1, colour: "red" },
    });
    expectProblem(unknown, 422, "colour: Unknown field", "/orders_products");
    const missing = await api("/orders_products", { method: "POST", json: { amount: 1 } });
    expectProblem(missing, 422, /^2 problems with the body: order_id: .*; product_id: /, "/orders_products");
    const { result: malformed, roundTrips: malformedTrips } = await countRoundTrips(() =>
      api("/orders_products", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{nope" }),
    );
    expectProblem(malformed, 400, "The body is not valid JSON", "/orders_products");
    expect(malformedTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});
