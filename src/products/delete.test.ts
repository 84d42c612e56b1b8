import { describe, expect, it } from "vitest";
import { createProduct } from "../../test/fixtures";
import { api, countRoundTrips, expectProblem, insertOrderWithLine, snapshot } from "../../test/helpers";

describe("DELETE /products/{id}", () => {
  it("deletes with 202 and a small body", async () => {
    const id = await createProduct();
    const { result: res, roundTrips } = await countRoundTrips(() => api(`/products/${id}`, { method: "DELETE" }));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id, deleted: true });
    expect(roundTrips).toBe(1);
    expectProblem(await api(`/products/${id}`), 404, `Product ${id} does not exist`, `/products/${id}`);
    expectProblem(
      await api(`/products/${id}`, { method: "DELETE" }),
      404,
      `Product ${id} does not exist`,
      `/products/${id}`,
    );
  });

  it("refuses with 409 while order lines reference the product, deleting nothing", async () => {
    const id = await createProduct();
    await insertOrderWithLine({ product_id: id, amount: 1, unit_price: 100, unit_cost: 50 });
    const before = await snapshot();
    const res = await api(`/products/${id}`, { method: "DELETE" });
    expectProblem(res, 409, `Product ${id} is still referenced by order lines`, `/products/${id}`);
    expect(await snapshot()).toEqual(before);
  });
});
