import { describe, expect, it } from "vitest";
import { desk, ISO } from "../../test/fixtures";
import { api, countRoundTrips, db, expectProblem, snapshot } from "../../test/helpers";

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
