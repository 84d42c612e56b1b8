import { describe, expect, it } from "vitest";
import { desk, ISO } from "../fixtures";
import { api, countRoundTrips, db, expectProblem, snapshot } from "../helpers";

const chair = { product_name: "Chair", price: 25.5, cost: 10.25, stock: 3 };

async function createProduct(body: object = desk) {
  const res = await api<{ id: number }>("/products", { method: "POST", json: body });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe("POST /products", () => {
  it("creates a product and answers 201 with it and its Location", async () => {
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<Record<string, unknown>>("/products", { method: "POST", json: { ...desk, product_name: "  Desk  " } }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get("Location")).toBe("/products/1");
    expect(res.body).toEqual({
      id: 1,
      product_name: "Desk",
      price: 100,
      cost: 50,
      stock: 10,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    expect(roundTrips).toBe(1);
    const rows = await db().query("select product_name, price, cost, stock from products");
    expect(rows).toEqual([{ product_name: "Desk", price: "100.00", cost: "50.00", stock: 10 }]);
  });

  it("accepts read-only fields from a GET and ignores them", async () => {
    const res = await api<{ id: number; created_at: string }>("/products", {
      method: "POST",
      json: { ...desk, id: 99, created_at: "2000-01-01T00:00:00.000Z", updated_at: "x" },
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(1);
    expect(res.body.created_at).not.toBe("2000-01-01T00:00:00.000Z");
  });

  it("refuses invalid fields with 422 listing each one, and writes nothing", async () => {
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/products", {
        method: "POST",
        json: { product_name: "   ", price: 0.29 + 0.001, cost: -1, stock: 1.5, colour: "red" },
      }),
    );
    expectProblem(res, 422, /^5 problems with the body: /, "/products");
    expect((res.body as { errors: unknown }).errors).toEqual([
      { path: "product_name", message: "must not be empty", code: "too_small" },
      { path: "price", message: "must have at most 2 decimal places", code: "custom" },
      { path: "cost", message: "must be ≥ 0", code: "too_small" },
      { path: "stock", message: "must be an integer", code: "invalid_type" },
      { path: "colour", message: "Unknown field", code: "unrecognized_keys" },
    ]);
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("checks two decimals exactly, accepting values float modulo gets wrong", async () => {
    const res = await api<{ price: number; cost: number }>("/products", {
      method: "POST",
      json: { ...desk, price: 0.29, cost: 9_999_999_999.99 },
    });
    expect(res.status).toBe(201);
    expect(res.body.price).toBe(0.29);
    expect(res.body.cost).toBe(9_999_999_999.99);
  });

  it("refuses money above the numeric(12,2) range", async () => {
    const res = await api("/products", { method: "POST", json: { ...desk, price: 10_000_000_000 } });
    expectProblem(res, 422, "price: must be ≤ 9999999999.99", "/products");
  });

  it("refuses malformed JSON with 400, non-JSON with 415 and oversized bodies with 413", async () => {
    const before = await snapshot();
    const malformed = await api("/products", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{nope",
    });
    expectProblem(malformed, 400, "The body is not valid JSON", "/products");
    const form = await api("/products", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "product_name=Desk",
    });
    expectProblem(
      form,
      415,
      "The body must be JSON (Content-Type: application/json), not application/x-www-form-urlencoded",
      "/products",
    );
    const huge = await api("/products", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...desk, product_name: "x".repeat(1024 * 1024) }),
    });
    expectProblem(huge, 413, "The body is larger than 1048576 bytes", "/products");
    expect(await snapshot()).toEqual(before);
  });
});

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
    const id = await createProduct(chair);
    const { result: res, roundTrips } = await countRoundTrips(() => api<Record<string, unknown>>(`/products/${id}`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, ...chair });
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
    await createProduct(chair);
    const { result: res, roundTrips } = await countRoundTrips(() => api("/products-count"));
    expect(res.status).toBe(200);
    expect(res.body).toBe(2);
    expect(roundTrips).toBe(1);
  });
});

describe("PUT /products/{id}", () => {
  it("replaces the product and moves updated_at", async () => {
    const id = await createProduct();
    const before = await api<{ updated_at: string; created_at: string }>(`/products/${id}`);
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<Record<string, unknown>>(`/products/${id}`, { method: "PUT", json: { ...chair, id, created_at: "ignored" } }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, ...chair, created_at: before.body.created_at });
    expect(res.body.updated_at).not.toBe(before.body.updated_at);
    expect(roundTrips).toBe(1);
  });

  it("refuses a body id that differs from the path id, and writes nothing", async () => {
    const id = await createProduct();
    const before = await snapshot();
    const res = await api(`/products/${id}`, { method: "PUT", json: { ...chair, id: id + 1 } });
    expectProblem(res, 422, `id in the body (${id + 1}) must equal the id in the path (${id})`, `/products/${id}`);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an incomplete body with 422 and a missing product with 404", async () => {
    const id = await createProduct();
    const before = await snapshot();
    const partial = await api(`/products/${id}`, { method: "PUT", json: { product_name: "Only a name" } });
    expectProblem(partial, 422, /^3 problems with the body: price: /, `/products/${id}`);
    const missing = await api("/products/77", { method: "PUT", json: chair });
    expectProblem(missing, 404, "Product 77 does not exist", "/products/77");
    expect(await snapshot()).toEqual(before);
  });
});

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
    await db().query("insert into orders default values");
    await db().query(
      "insert into orders_products (order_id, product_id, amount, unit_price, unit_cost) values (1, $1, 1, 100, 50)",
      [id],
    );
    const before = await snapshot();
    const res = await api(`/products/${id}`, { method: "DELETE" });
    expectProblem(res, 409, `Product ${id} is still referenced by order lines`, `/products/${id}`);
    expect(await snapshot()).toEqual(before);
  });
});

describe("product batches", () => {
  it("creates every product in input order, in one round trip", async () => {
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<{ id: number; product_name: string }[]>("/products-batch", { method: "POST", json: [desk, chair] }),
    );
    expect(res.status).toBe(201);
    expect(res.body.map((p) => [p.id, p.product_name])).toEqual([
      [1, "Desk"],
      [2, "Chair"],
    ]);
    expect(roundTrips).toBe(1);
  });

  it("writes none when one item is invalid", async () => {
    const res = await api("/products-batch", { method: "POST", json: [desk, { ...chair, price: -1 }] });
    expectProblem(res, 422, "1.price: must be ≥ 0", "/products-batch");
    expect((await snapshot()).products).toEqual([]);
    const empty = await api("/products-batch", { method: "POST", json: [] });
    expectProblem(empty, 422, "body: must have at least 1 item", "/products-batch");
  });

  it("deletes a batch and reports the ids that did not exist", async () => {
    await createProduct();
    await createProduct(chair);
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
    const referenced = await createProduct(chair);
    await db().query("insert into orders default values");
    await db().query(
      "insert into orders_products (order_id, product_id, amount, unit_price, unit_cost) values (1, $1, 1, 1, 1)",
      [referenced],
    );
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
