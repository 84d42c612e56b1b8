import { describe, expect, it } from "vitest";
import { arrangeDeskOrder, createLine, getOrder } from "../../test/fixtures";
import { ageOrders, api, countRoundTrips, expectProblem, LONG_AGO, snapshot } from "../../test/helpers";

describe("DELETE /orders_products/{id}", () => {
  it("deletes a line with 202 and a small body in one round trip, touching its order", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    await createLine({ order_id: orderId, product_id: deskId, amount: 2 });
    await ageOrders();
    const { result: res, roundTrips } = await countRoundTrips(() => api("/orders_products/1", { method: "DELETE" }));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: 1, deleted: true });
    expect(roundTrips).toBe(1);
    expectProblem(await api("/orders_products/1"), 404, "Order line 1 does not exist", "/orders_products/1");
    const order = await getOrder(orderId);
    expect(order.products.map((l) => l.id)).toEqual([2]);
    expect(order.updated_at > LONG_AGO).toBe(true);
  });

  it("answers 404 for a missing line and 422 for a bad id, deleting nothing", async () => {
    await arrangeDeskOrder();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() => api("/orders_products/42", { method: "DELETE" }));
    expectProblem(res, 404, "Order line 42 does not exist", "/orders_products/42");
    expect(roundTrips).toBe(1);
    const { result: bad, roundTrips: badTrips } = await countRoundTrips(() =>
      api("/orders_products/x", { method: "DELETE" }),
    );
    expectProblem(bad, 422, "id: must be a positive integer", "/orders_products/x");
    expect(badTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});
