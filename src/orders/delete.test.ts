import { describe, expect, it } from "vitest";
import { createOrder, createProduct, desk } from "../../test/fixtures";
import { api, countRoundTrips, expectProblem, snapshot, storedLines } from "../../test/helpers";

describe("DELETE /orders/{id}", () => {
  it("deletes the order and its lines with 202 and a small body, in one round trip", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId, deskId], [1, 2]);
    const other = await createOrder([deskId], [3]);
    const { result: res, roundTrips } = await countRoundTrips(() => api(`/orders/${id}`, { method: "DELETE" }));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id, deleted: true });
    expect(roundTrips).toBe(1);
    expectProblem(await api(`/orders/${id}`), 404, `Order ${id} does not exist`, `/orders/${id}`);
    const after = await snapshot();
    expect(after.orders.map((o) => Number(o.id))).toEqual([other]);
    expect((await storedLines()).map((l) => [l.id, l.order_id])).toEqual([[3, other]]);
    expect((await api("/orders_products-count")).body).toBe(1);
  });

  it("answers 404 for a missing order and 422 for a bad id, deleting nothing", async () => {
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: missing, roundTrips } = await countRoundTrips(() => api("/orders/42", { method: "DELETE" }));
    expectProblem(missing, 404, "Order 42 does not exist", "/orders/42");
    expect(roundTrips).toBe(1);
    const { result: bad, roundTrips: badTrips } = await countRoundTrips(() => api("/orders/x", { method: "DELETE" }));
    expectProblem(bad, 422, "id: must be a positive integer", "/orders/x");
    expect(badTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("frees the products for deletion once their orders are gone", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [1]);
    expect((await api(`/products/${deskId}`, { method: "DELETE" })).status).toBe(409);
    expect((await api(`/orders/${id}`, { method: "DELETE" })).status).toBe(202);
    expect((await api(`/products/${deskId}`, { method: "DELETE" })).status).toBe(202);
  });
});
