import { describe, expect, it } from "vitest";
import { arrangeDeskOrder, createOrder, ISO, type OrderLine } from "../../test/fixtures";
import { api, countRoundTrips, expectProblem } from "../../test/helpers";

describe("GET /orders_products/{id} and /orders_products-count", () => {
  it("gets one line in one round trip", async () => {
    const { deskId, orderId } = await arrangeDeskOrder();
    const { result: res, roundTrips } = await countRoundTrips(() => api<OrderLine>("/orders_products/1"));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 1,
      order_id: orderId,
      product_id: deskId,
      amount: 1,
      unit_price: 100,
      unit_cost: 50,
      created_at: expect.stringMatching(ISO),
    });
    expect(roundTrips).toBe(1);
  });

  it("answers 404 for a missing line in one round trip and 422 for a bad id in none", async () => {
    const { result: missing, roundTrips } = await countRoundTrips(() => api("/orders_products/42"));
    expectProblem(missing, 404, "Order line 42 does not exist", "/orders_products/42");
    expect(roundTrips).toBe(1);
    const { result: bad, roundTrips: badTrips } = await countRoundTrips(() => api("/orders_products/abc"));
    expectProblem(bad, 422, "id: must be a positive integer", "/orders_products/abc");
    expect(badTrips).toBe(0);
    expectProblem(await api("/orders_products/0"), 422, "id: must be a positive integer", "/orders_products/0");
  });

  it("counts lines as a bare integer in one round trip", async () => {
    expect((await api("/orders_products-count")).body).toBe(0);
    const { deskId, chairId } = await arrangeDeskOrder();
    await createOrder([deskId, chairId], [1, 1]);
    const { result: res, roundTrips } = await countRoundTrips(() => api("/orders_products-count"));
    expect(res.status).toBe(200);
    expect(res.body).toBe(3);
    expect(roundTrips).toBe(1);
  });
});
