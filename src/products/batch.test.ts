import { describe, expect, it } from "vitest";
import { chairLowStock, createProduct, desk } from "../../test/fixtures";
import { api, countRoundTrips, expectProblem, insertOrderWithLine, snapshot } from "../../test/helpers";

describe("product batches", () => {
  it("creates every product in input order, in one round trip", async () => {
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<{ id: number; product_name: string }[]>("/products-batch", { method: "POST", json: [desk, chairLowStock] }),
    );
    expect(res.status).toBe(201);
    expect(res.body.map((p) => [p.id, p.product_name])).toEqual([
      [1, "Desk"],
      [2, "Chair"],
    ]);
    expect(roundTrips).toBe(1);
  });

  it("writes none when one item is invalid", async () => {
    const res = await api("/products-batch", { method: "POST", json: [desk, { ...chairLowStock, price: -1 }] });
    expectProblem(res, 422, "1.price: must be ≥ 0", "/products-batch");
    expect((await snapshot()).products).toEqual([]);
    const empty = await api("/products-batch", { method: "POST", json: [] });
    expectProblem(empty, 422, "body: must have at least 1 item", "/products-batch");
  });

  it("deletes a batch and reports the ids that did not exist", async () => {
    await createProduct();
    await createProduct(chairLowStock);
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/products-batch", { method: "DELETE", json: [1, 2, 5] }),
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deleted: 2, not_found: [5] });
    expect(roundTrips).toBe(1);
    expect((await snapshot()).products).toEqual([]);
  });

  it("deletes nothing when any product in the batch is referenced", async () => {
    await createProduct();
    const referenced = await createProduct(chairLowStock);
    await insertOrderWithLine({ product_id: referenced, amount: 1, unit_price: 1, unit_cost: 1 });
    const before = await snapshot();
    const res = await api("/products-batch", { method: "DELETE", json: [1, referenced] });
    expectProblem(res, 409, `Product ${referenced} is still referenced by order lines`, "/products-batch");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a batch delete body that is not a list of ids", async () => {
    const res = await api("/products-batch", { method: "DELETE", json: ["a"] });
    expectProblem(res, 422, /^0: /, "/products-batch");
  });
});
