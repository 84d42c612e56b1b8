import { describe, expect, it } from "vitest";
import { chairLowStock, createProduct, desk } from "../../test/fixtures";
import { api, countRoundTrips, expectProblem } from "../../test/helpers";

describe("GET /products", () => {
  it("pages by id with a Link to the next page while more follow", async () => {
    for (const name of ["A", "B", "C"]) await createProduct({ ...desk, product_name: name });
    const { result: first, roundTrips } = await countRoundTrips(() => api<{ id: number }[]>("/products"));
    expect(first.status).toBe(200);
    expect(first.body.map((p) => p.id)).toEqual([1, 2]);
    expect(first.headers.get("Link")).toBe('</products?page=2&page_size=2>; rel="next"');
    expect(roundTrips).toBe(1);
    const second = await api<{ id: number }[]>("/products?page=2&page_size=2");
    expect(second.body.map((p) => p.id)).toEqual([3]);
    expect(second.headers.get("Link")).toBeNull();
    const past = await api("/products?page=9");
    expect(past.status).toBe(200);
    expect(past.body).toEqual([]);
  });

  it("refuses bad paging with 422", async () => {
    const res = await api("/products?page=0&page_size=101");
    expectProblem(
      res,
      422,
      "2 problems with the query: page: must be an integer ≥ 1; page_size: must be an integer from 1 to 100",
      "/products",
    );
    const word = await api("/products?page=abc");
    expect(word.status).toBe(422);
  });
});

describe("GET /products/{id} and /products-count", () => {
  it("gets one product in one round trip", async () => {
    const id = await createProduct(chairLowStock);
    const { result: res, roundTrips } = await countRoundTrips(() => api<Record<string, unknown>>(`/products/${id}`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, ...chairLowStock });
    expect(roundTrips).toBe(1);
  });

  it("answers 404 for a missing product and 422 for a bad id", async () => {
    expectProblem(await api("/products/42"), 404, "Product 42 does not exist", "/products/42");
    const bad = await api("/products/abc");
    expectProblem(bad, 422, "id: must be a positive integer", "/products/abc");
    expect(await api("/products/0")).toMatchObject({ status: 422 });
  });

  it("counts products as a bare integer", async () => {
    await createProduct();
    await createProduct(chairLowStock);
    const { result: res, roundTrips } = await countRoundTrips(() => api("/products-count"));
    expect(res.status).toBe(200);
    expect(res.body).toBe(2);
    expect(roundTrips).toBe(1);
  });
});
