import { describe, expect, it } from "vitest";
import {
  arrangeDeskOrder,
  createLine,
  createOrder,
  getOrder,
  ISO,
  type OrderLine,
  type Problem,
} from "../../test/fixtures";
import { ageOrders, api, countRoundTrips, expectProblem, LONG_AGO, snapshot } from "../../test/helpers";

describe("POST /orders_products-batch", () => {
  it("creates every line and answers them in input order, in one round trip", async () => {
    const { deskId, chairId, orderId } = await arrangeDeskOrder();
    const otherId = await createOrder([chairId], [1]);
    await ageOrders();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<OrderLine[]>("/orders_products-batch", {
        method: "POST",
        json: [
          { order_id: otherId, product_id: deskId, amount: 3 },
          { order_id: orderId, product_id: chairId, amount: 1 },
          { order_id: otherId, product_id: chairId, amount: 2 },
        ],
      }),
    );
    expect(res.status).toBe(201);
    const created = expect.stringMatching(ISO);
    expect(res.body).toEqual([
      { id: 3, order_id: otherId, product_id: deskId, amount: 3, unit_price: 100, unit_cost: 50, created_at: created },
      {
        id: 4,
        order_id: orderId,
        product_id: chairId,
        amount: 1,
        unit_price: 25.5,
        unit_cost: 10.25,
        created_at: created,
      },
      {
        id: 5,
        order_id: otherId,
        product_id: chairId,
        amount: 2,
        unit_price: 25.5,
        unit_cost: 10.25,
        created_at: created,
      },
    ]);
    expect(roundTrips).toBe(1);
    expect((await api("/orders_products-count")).body).toBe(5);
    expect((await getOrder(orderId)).updated_at > LONG_AGO).toBe(true);
    expect((await getOrder(otherId)).updated_at > LONG_AGO).toBe(true);
  });

  it("writes nothing when any item names an unknown order or product, in one round trip", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const before = await snapshot();
    const { result: product, roundTrips } = await countRoundTrips(() =>
      api("/orders_products-batch", {
        method: "POST",
        json: [
          { order_id: orderId, product_id: deskId, amount: 1 },
          { order_id: orderId, product_id: 99, amount: 1 },
        ],
      }),
    );
    expectProblem(product, 422, "Unknown product ids: 99", "/orders_products-batch");
    expect(roundTrips).toBe(1);
    const order = await api("/orders_products-batch", {
      method: "POST",
      json: [
        { order_id: 8, product_id: deskId, amount: 1 },
        { order_id: orderId, product_id: deskId, amount: 1 },
        { order_id: 9, product_id: deskId, amount: 1 },
      ],
    });
    expectProblem(order, 422, "Unknown order ids: 8, 9", "/orders_products-batch");
    expect((order.body as Problem).errors).toEqual([
      { path: "order_id", message: "Unknown order ids: 8, 9", code: "not_found" },
    ]);
    const onlyUnknown = await api("/orders_products-batch", {
      method: "POST",
      json: [{ order_id: orderId, product_id: 98, amount: 1 }],
    });
    expectProblem(onlyUnknown, 422, "Unknown product ids: 98", "/orders_products-batch");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an invalid item or an empty batch with 422 and no round trip", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products-batch", {
        method: "POST",
        json: [
          { order_id: orderId, product_id: deskId, amount: 1 },
          { order_id: orderId, product_id: deskId, amount: 0 },
        ],
      }),
    );
    expectProblem(res, 422, "1.amount: must be ≥ 1", "/orders_products-batch");
    expect(roundTrips).toBe(0);
    const empty = await api("/orders_products-batch", { method: "POST", json: [] });
    expectProblem(empty, 422, "body: must have at least 1 item", "/orders_products-batch");
    expect(await snapshot()).toEqual(before);
  });
});

describe("DELETE /orders_products-batch", () => {
  it("deletes the lines and reports the ids that did not exist, in one round trip", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    await createLine({ order_id: orderId, product_id: deskId, amount: 2 });
    await createLine({ order_id: orderId, product_id: deskId, amount: 3 });
    await ageOrders();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products-batch", { method: "DELETE", json: [9, 1, 3, 8] }),
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deleted: 2, not_found: [9, 8] });
    expect(roundTrips).toBe(1);
    const order = await getOrder(orderId);
    expect(order.products.map((l) => l.id)).toEqual([2]);
    expect(order.updated_at > LONG_AGO).toBe(true);
  });

  it("refuses a body that is not a list of ids with 422 and no round trip", async () => {
    await arrangeDeskOrder();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products-batch", { method: "DELETE", json: [0] }),
    );
    expectProblem(res, 422, /^0: /, "/orders_products-batch");
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});
