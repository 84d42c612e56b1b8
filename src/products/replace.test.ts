import { describe, expect, it } from "vitest";
import { chairLowStock, createProduct } from "../../test/fixtures";
import { api, countRoundTrips, expectProblem, snapshot } from "../../test/helpers";

describe("PUT /products/{id}", () => {
  it("replaces the product and moves updated_at", async () => {
    const id = await createProduct();
    const before = await api<{ updated_at: string; created_at: string }>(`/products/${id}`);
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<Record<string, unknown>>(`/products/${id}`, {
        method: "PUT",
        json: { ...chairLowStock, id, created_at: "ignored" },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, ...chairLowStock, created_at: before.body.created_at });
    expect(res.body.updated_at).not.toBe(before.body.updated_at);
    expect(roundTrips).toBe(1);
  });

  it("refuses a body id that differs from the path id, and writes nothing", async () => {
    const id = await createProduct();
    const before = await snapshot();
    const res = await api(`/products/${id}`, { method: "PUT", json: { ...chairLowStock, id: id + 1 } });
    expectProblem(res, 422, `id in the body (${id + 1}) must equal the id in the path (${id})`, `/products/${id}`);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an incomplete body with 422 and a missing product with 404", async () => {
    const id = await createProduct();
    const before = await snapshot();
    const partial = await api(`/products/${id}`, { method: "PUT", json: { product_name: "Only a name" } });
    expectProblem(partial, 422, /^3 problems with the body: price: /, `/products/${id}`);
    const missing = await api("/products/77", { method: "PUT", json: chairLowStock });
    expectProblem(missing, 404, "Product 77 does not exist", "/products/77");
    expect(await snapshot()).toEqual(before);
  });
});
