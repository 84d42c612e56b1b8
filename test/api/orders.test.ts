import { describe, expect, it } from "vitest";
import { createOrder, createProduct, desk, ISO, type Order, type Problem } from "../fixtures";
import { api, countRoundTrips, db, expectProblem, snapshot } from "../helpers";

const chair = { product_name: "Chair", price: 25.5, cost: 10.25, stock: 3 };
const lamp = { product_name: "Lamp", price: 0.1, cost: 0.05, stock: 7 };

async function getOrder(id: number): Promise<Order> {
  const res = await api<Order>(`/orders/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** The stored lines, with bigint and numeric columns cast so they compare as plain values. */
async function storedLines() {
  return db().query(
    "select id::int, order_id::int, product_id::int, amount, unit_price::text, unit_cost::text from orders_products order by id",
  );
}

describe("POST /orders", () => {
  it("creates an order, answers 201 with its bare id and Location, in one round trip", async () => {
    const deskId = await createProduct(desk);
    const chairId = await createProduct(chair);
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<number>("/orders", { method: "POST", json: { product_ids: [deskId, chairId], amounts: [10, 2] } }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toBe(1);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Location")).toBe("/orders/1");
    expect(roundTrips).toBe(1);

    const order = await getOrder(1);
    expect(order).toEqual({
      order_id: 1,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      total: 1051,
      products: [
        { id: 1, product_id: deskId, product_name: "Desk", amount: 10, unit_price: 100, line_total: 1000 },
        { id: 2, product_id: chairId, product_name: "Chair", amount: 2, unit_price: 25.5, line_total: 51 },
      ],
    });
    expect(order.updated_at).toBe(order.created_at);
    expect(await storedLines()).toEqual([
      { id: 1, order_id: 1, product_id: deskId, amount: 10, unit_price: "100.00", unit_cost: "50.00" },
      { id: 2, order_id: 1, product_id: chairId, amount: 2, unit_price: "25.50", unit_cost: "10.25" },
    ]);
  });

  it("keeps the price and cost of the moment, so a later price change leaves the order as it was", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [10]);
    const before = await getOrder(id);
    expect(before.total).toBe(1000);
    expect(before.products[0]?.unit_price).toBe(100);

    const put = await api(`/products/${deskId}`, { method: "PUT", json: { ...desk, price: 120, cost: 70 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: deskId, price: 120, cost: 70 });

    const after = await getOrder(id);
    expect(after).toEqual(before);
    expect(after.products[0]?.unit_price).toBe(100);
    expect(after.total).toBe(1000);
    expect(await storedLines()).toEqual([
      { id: 1, order_id: id, product_id: deskId, amount: 10, unit_price: "100.00", unit_cost: "50.00" },
    ]);

    // A new order of the same product takes the new price.
    const second = await getOrder(await createOrder([deskId], [1]));
    expect(second.products[0]?.unit_price).toBe(120);
    expect(second.total).toBe(120);
  });

  it("lets the same product appear on several lines and computes money exactly in Postgres", async () => {
    const lampId = await createProduct(lamp);
    const id = await createOrder([lampId, lampId], [3, 1]);
    const order = await getOrder(id);
    expect(order.products.map((l) => [l.product_id, l.amount, l.unit_price, l.line_total])).toEqual([
      [lampId, 3, 0.1, 0.3],
      [lampId, 1, 0.1, 0.1],
    ]);
    expect(order.total).toBe(0.4);
  });

  it("accepts read-only fields from a GET and ignores them", async () => {
    const deskId = await createProduct(desk);
    const res = await api<number>("/orders", {
      method: "POST",
      json: {
        order_id: 99,
        created_at: "2000-01-01T00:00:00.000Z",
        updated_at: "2000-01-01T00:00:00.000Z",
        total: 1,
        products: [],
        product_ids: [deskId],
        amounts: [2],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toBe(1);
    const order = await getOrder(1);
    expect(order.created_at).not.toBe("2000-01-01T00:00:00.000Z");
    expect(order.total).toBe(200);
    expect(order.products).toHaveLength(1);
  });

  it("refuses unknown products with 422 naming them, writing nothing, in one round trip", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [deskId, 99, 98, 99], amounts: [1, 2, 3, 4] } }),
    );
    expectProblem(res, 422, "Unknown product ids: 98, 99", "/orders");
    expect((res.body as Problem).errors).toEqual([
      { path: "product_ids", message: "Unknown product ids: 98, 99", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses arrays of different lengths", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [deskId, deskId], amounts: [1] } }),
    );
    expectProblem(res, 422, "amounts: product_ids and amounts must have the same length", "/orders");
    expect((res.body as Problem).errors).toEqual([
      { path: "amounts", message: "product_ids and amounts must have the same length", code: "custom" },
    ]);
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an order of 0 lines and one of 101 lines", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: empty, roundTrips: emptyTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [], amounts: [] } }),
    );
    expectProblem(
      empty,
      422,
      "2 problems with the body: product_ids: must have at least 1 line; amounts: must have at least 1 line",
      "/orders",
    );
    expect((empty.body as Problem).errors).toEqual([
      { path: "product_ids", message: "must have at least 1 line", code: "too_small" },
      { path: "amounts", message: "must have at least 1 line", code: "too_small" },
    ]);
    expect(emptyTrips).toBe(0);

    const { result: big, roundTrips: bigTrips } = await countRoundTrips(() =>
      api("/orders", {
        method: "POST",
        json: { product_ids: Array.from({ length: 101 }, () => deskId), amounts: Array.from({ length: 101 }, () => 1) },
      }),
    );
    expectProblem(
      big,
      422,
      "2 problems with the body: product_ids: must have at most 100 lines; amounts: must have at most 100 lines",
      "/orders",
    );
    expect(bigTrips).toBe(0);
    expect(await snapshot()).toEqual(before);

    // 100 lines is the limit, and it is accepted.
    const hundred = await api<number>("/orders", {
      method: "POST",
      json: { product_ids: Array.from({ length: 100 }, () => deskId), amounts: Array.from({ length: 100 }, () => 1) },
    });
    expect(hundred.status).toBe(201);
    expect((await getOrder(hundred.body)).products).toHaveLength(100);
  });

  it("refuses amounts that are not integers ≥ 1", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: zero, roundTrips: zeroTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [deskId], amounts: [0] } }),
    );
    expectProblem(zero, 422, "amounts.0: must be ≥ 1", "/orders");
    expect((zero.body as Problem).errors).toEqual([{ path: "amounts.0", message: "must be ≥ 1", code: "too_small" }]);
    expect(zeroTrips).toBe(0);

    const { result: fraction, roundTrips: fractionTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [deskId, deskId], amounts: [1, 1.5] } }),
    );
    expectProblem(fraction, 422, "amounts.1: must be an integer", "/orders");
    expect((fraction.body as Problem).errors).toEqual([
      { path: "amounts.1", message: "must be an integer", code: "invalid_type" },
    ]);
    expect(fractionTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses unknown fields, missing fields and bad ids", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: unknown, roundTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", json: { product_ids: [deskId], amounts: [1], colour: "red" } }),
    );
    expectProblem(unknown, 422, "colour: Unknown field", "/orders");
    expect((unknown.body as Problem).errors).toEqual([
      { path: "colour", message: "Unknown field", code: "unrecognized_keys" },
    ]);
    expect(roundTrips).toBe(0);

    const missing = await api("/orders", { method: "POST", json: { product_ids: [deskId] } });
    expectProblem(missing, 422, /^amounts: /, "/orders");
    const badId = await api("/orders", { method: "POST", json: { product_ids: [0], amounts: [1] } });
    expectProblem(badId, 422, "product_ids.0: must be ≥ 1", "/orders");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses malformed JSON with 400 and a non-JSON body with 415", async () => {
    const before = await snapshot();
    const { result: malformed, roundTrips } = await countRoundTrips(() =>
      api("/orders", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{nope" }),
    );
    expectProblem(malformed, 400, "The body is not valid JSON", "/orders");
    expect(roundTrips).toBe(0);
    const text = await api("/orders", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "1" });
    expectProblem(text, 415, "The body must be JSON (Content-Type: application/json), not text/plain", "/orders");
    expect(await snapshot()).toEqual(before);
  });
});

describe("GET /orders/{id}", () => {
  it("gets one order with its lines and total in one round trip", async () => {
    const chairId = await createProduct(chair);
    const id = await createOrder([chairId], [4]);
    const { result: res, roundTrips } = await countRoundTrips(() => api<Order>(`/orders/${id}`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      order_id: id,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      total: 102,
      products: [{ id: 1, product_id: chairId, product_name: "Chair", amount: 4, unit_price: 25.5, line_total: 102 }],
    });
    expect(roundTrips).toBe(1);
  });

  it("answers 404 for a missing order in one round trip and 422 for a bad id in none", async () => {
    const { result: missing, roundTrips } = await countRoundTrips(() => api("/orders/42"));
    expectProblem(missing, 404, "Order 42 does not exist", "/orders/42");
    expect(roundTrips).toBe(1);
    const { result: bad, roundTrips: badTrips } = await countRoundTrips(() => api("/orders/abc"));
    expectProblem(bad, 422, "id: must be a positive integer", "/orders/abc");
    expect(badTrips).toBe(0);
    expectProblem(await api("/orders/0"), 422, "id: must be a positive integer", "/orders/0");
    expectProblem(await api("/orders/-1"), 422, "id: must be a positive integer", "/orders/-1");
  });
});

describe("GET /orders-list", () => {
  it("pages orders by id with a Link to the next page while more follow", async () => {
    const deskId = await createProduct(desk);
    for (const amount of [1, 2, 3]) await createOrder([deskId], [amount]);
    const { result: first, roundTrips } = await countRoundTrips(() => api<Order[]>("/orders-list"));
    expect(first.status).toBe(200);
    expect(first.body.map((o) => [o.order_id, o.total, o.products.length])).toEqual([
      [1, 100, 1],
      [2, 200, 1],
    ]);
    expect(first.body[0]).toEqual(await getOrder(1));
    expect(first.headers.get("Link")).toBe('</orders-list?page=2&page_size=2>; rel="next"');
    expect(roundTrips).toBe(1);

    const second = await api<Order[]>("/orders-list?page=2&page_size=2");
    expect(second.status).toBe(200);
    expect(second.body.map((o) => o.order_id)).toEqual([3]);
    expect(second.headers.get("Link")).toBeNull();

    const all = await api<Order[]>("/orders-list?page_size=3");
    expect(all.body.map((o) => o.order_id)).toEqual([1, 2, 3]);
    expect(all.headers.get("Link")).toBeNull();

    const { result: past, roundTrips: pastTrips } = await countRoundTrips(() => api("/orders-list?page=9"));
    expect(past.status).toBe(200);
    expect(past.body).toEqual([]);
    expect(past.headers.get("Link")).toBeNull();
    expect(pastTrips).toBe(1);
  });

  it("lists an empty page when there are no orders", async () => {
    const res = await api("/orders-list");
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it("refuses bad paging with 422 and no round trip", async () => {
    const { result: res, roundTrips } = await countRoundTrips(() => api("/orders-list?page=0&page_size=101"));
    expectProblem(
      res,
      422,
      "2 problems with the query: page: must be an integer ≥ 1; page_size: must be an integer from 1 to 100",
      "/orders-list",
    );
    expect(roundTrips).toBe(0);
    expectProblem(await api("/orders-list?page=abc"), 422, "page: must be an integer ≥ 1", "/orders-list");
  });
});

describe("GET /orders-count", () => {
  it("counts orders as a bare integer in one round trip", async () => {
    const empty = await api("/orders-count");
    expect(empty.status).toBe(200);
    expect(empty.body).toBe(0);
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    await createOrder([deskId, deskId], [1, 2]);
    const { result: res, roundTrips } = await countRoundTrips(() => api("/orders-count"));
    expect(res.status).toBe(200);
    expect(res.body).toBe(2);
    expect(roundTrips).toBe(1);
  });
});

describe("PUT /orders/{id}", () => {
  it("replaces the lines atomically: old line ids are gone, the new lines are there", async () => {
    const deskId = await createProduct(desk);
    const chairId = await createProduct(chair);
    const id = await createOrder([deskId, chairId], [1, 1]);
    await db().query("update orders set updated_at = '2000-01-01T00:00:00Z'");
    const before = await getOrder(id);
    expect(before.products.map((l) => l.id)).toEqual([1, 2]);

    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<Order>(`/orders/${id}`, {
        method: "PUT",
        json: { product_ids: [chairId, deskId, chairId], amounts: [2, 3, 4] },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      order_id: id,
      created_at: before.created_at,
      updated_at: expect.stringMatching(ISO),
      total: 453,
      products: [
        { id: 3, product_id: chairId, product_name: "Chair", amount: 2, unit_price: 25.5, line_total: 51 },
        { id: 4, product_id: deskId, product_name: "Desk", amount: 3, unit_price: 100, line_total: 300 },
        { id: 5, product_id: chairId, product_name: "Chair", amount: 4, unit_price: 25.5, line_total: 102 },
      ],
    });
    expect(res.body.updated_at).not.toBe("2000-01-01T00:00:00.000Z");
    expect(roundTrips).toBe(1);
    expect(await getOrder(id)).toEqual(res.body);
    expect((await storedLines()).map((l) => l.id)).toEqual([3, 4, 5]);
  });

  it("leaves other orders' lines alone", async () => {
    const deskId = await createProduct(desk);
    const first = await createOrder([deskId], [1]);
    const second = await createOrder([deskId], [2]);
    const untouched = await getOrder(second);
    const res = await api(`/orders/${first}`, { method: "PUT", json: { product_ids: [deskId], amounts: [5] } });
    expect(res.status).toBe(200);
    expect(await getOrder(second)).toEqual(untouched);
  });

  it("captures the current price for the new lines", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [1]);
    expect((await api(`/products/${deskId}`, { method: "PUT", json: { ...desk, price: 120, cost: 60 } })).status).toBe(
      200,
    );
    const res = await api<Order>(`/orders/${id}`, { method: "PUT", json: { product_ids: [deskId], amounts: [2] } });
    expect(res.status).toBe(200);
    expect(res.body.products).toEqual([
      { id: 2, product_id: deskId, product_name: "Desk", amount: 2, unit_price: 120, line_total: 240 },
    ]);
    expect(res.body.total).toBe(240);
    expect(await storedLines()).toEqual([
      { id: 2, order_id: id, product_id: deskId, amount: 2, unit_price: "120.00", unit_cost: "60.00" },
    ]);
  });

  it("accepts a body read with GET, ignoring its read-only fields", async () => {
    const deskId = await createProduct(desk);
    const chairId = await createProduct(chair);
    const id = await createOrder([deskId], [1]);
    const read = await getOrder(id);
    const res = await api<Order>(`/orders/${id}`, {
      method: "PUT",
      json: { ...read, total: 1, created_at: "2000-01-01T00:00:00.000Z", product_ids: [chairId], amounts: [2] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      order_id: id,
      created_at: read.created_at,
      updated_at: expect.stringMatching(ISO),
      total: 51,
      products: [{ id: 2, product_id: chairId, product_name: "Chair", amount: 2, unit_price: 25.5, line_total: 51 }],
    });
  });

  it("refuses an order_id in the body that differs from the path id, writing nothing", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api(`/orders/${id}`, { method: "PUT", json: { order_id: id + 1, product_ids: [deskId], amounts: [2] } }),
    );
    expectProblem(res, 422, `order_id in the body (${id + 1}) must equal the id in the path (${id})`, `/orders/${id}`);
    expect((res.body as Problem).errors).toEqual([
      { path: "order_id", message: "must equal the id in the path", code: "custom" },
    ]);
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("answers 404 for a missing order, writing nothing, in one round trip", async () => {
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders/77", { method: "PUT", json: { product_ids: [deskId], amounts: [2] } }),
    );
    expectProblem(res, 404, "Order 77 does not exist", "/orders/77");
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses unknown products with 422 naming them, keeping the old lines", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api(`/orders/${id}`, { method: "PUT", json: { product_ids: [99, deskId, 98], amounts: [1, 1, 1] } }),
    );
    expectProblem(res, 422, "Unknown product ids: 98, 99", `/orders/${id}`);
    expect((res.body as Problem).errors).toEqual([
      { path: "product_ids", message: "Unknown product ids: 98, 99", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("validates the body like POST, with no round trip", async () => {
    const deskId = await createProduct(desk);
    const id = await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: lengths, roundTrips } = await countRoundTrips(() =>
      api(`/orders/${id}`, { method: "PUT", json: { product_ids: [deskId], amounts: [1, 2] } }),
    );
    expectProblem(lengths, 422, "amounts: product_ids and amounts must have the same length", `/orders/${id}`);
    expect(roundTrips).toBe(0);
    const empty = await api(`/orders/${id}`, { method: "PUT", json: { product_ids: [], amounts: [] } });
    expectProblem(empty, 422, /^2 problems with the body: product_ids: must have at least 1 line/, `/orders/${id}`);
    const zero = await api(`/orders/${id}`, { method: "PUT", json: { product_ids: [deskId], amounts: [0] } });
    expectProblem(zero, 422, "amounts.0: must be ≥ 1", `/orders/${id}`);
    const unknown = await api(`/orders/${id}`, {
      method: "PUT",
      json: { product_ids: [deskId], amounts: [1], colour: "red" },
    });
    expectProblem(unknown, 422, "colour: Unknown field", `/orders/${id}`);
    const malformed = await api(`/orders/${id}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: "[1,",
    });
    expectProblem(malformed, 400, "The body is not valid JSON", `/orders/${id}`);
    const badId = await api("/orders/abc", { method: "PUT", json: { product_ids: [deskId], amounts: [1] } });
    expectProblem(badId, 422, "id: must be a positive integer", "/orders/abc");
    expect(await snapshot()).toEqual(before);
  });
});

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

describe("POST /orders-batch", () => {
  it("creates every order with its lines and answers their ids in input order, in one round trip", async () => {
    const deskId = await createProduct(desk);
    const chairId = await createProduct(chair);
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<number[]>("/orders-batch", {
        method: "POST",
        json: [
          { product_ids: [chairId], amounts: [1] },
          { product_ids: [deskId, chairId], amounts: [2, 3] },
          { product_ids: [deskId], amounts: [5] },
        ],
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual([1, 2, 3]);
    expect(roundTrips).toBe(1);
    const orders = await Promise.all(res.body.map(getOrder));
    expect(orders.map((o) => [o.order_id, o.total, o.products.map((l) => [l.id, l.product_id, l.amount])])).toEqual([
      [1, 25.5, [[1, chairId, 1]]],
      [
        2,
        276.5,
        [
          [2, deskId, 2],
          [3, chairId, 3],
        ],
      ],
      [3, 500, [[4, deskId, 5]]],
    ]);
  });

  it("writes nothing when one order names an unknown product, in one round trip", async () => {
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders-batch", {
        method: "POST",
        json: [
          { product_ids: [deskId], amounts: [1] },
          { product_ids: [deskId, 99], amounts: [1, 1] },
        ],
      }),
    );
    expectProblem(res, 422, "Unknown product ids: 99", "/orders-batch");
    expect((res.body as Problem).errors).toEqual([
      { path: "product_ids", message: "Unknown product ids: 99", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an invalid item or an empty batch with 422 and no round trip, writing nothing", async () => {
    const deskId = await createProduct(desk);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders-batch", {
        method: "POST",
        json: [
          { product_ids: [deskId], amounts: [1] },
          { product_ids: [deskId, deskId], amounts: [1] },
        ],
      }),
    );
    expectProblem(res, 422, "1.amounts: product_ids and amounts must have the same length", "/orders-batch");
    expect(roundTrips).toBe(0);
    const empty = await api("/orders-batch", { method: "POST", json: [] });
    expectProblem(empty, 422, "body: must have at least 1 item", "/orders-batch");
    const notArray = await api("/orders-batch", { method: "POST", json: { product_ids: [deskId], amounts: [1] } });
    expect(notArray.status).toBe(422);
    const malformed = await api("/orders-batch", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "[{",
    });
    expectProblem(malformed, 400, "The body is not valid JSON", "/orders-batch");
    expect(await snapshot()).toEqual(before);
  });
});

describe("DELETE /orders-batch", () => {
  it("deletes the orders and their lines and reports the ids that did not exist, in one round trip", async () => {
    const deskId = await createProduct(desk);
    const first = await createOrder([deskId], [1]);
    const second = await createOrder([deskId, deskId], [1, 2]);
    const kept = await createOrder([deskId], [3]);
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders-batch", { method: "DELETE", json: [7, first, second, 5] }),
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deleted: 2, not_found: [7, 5] });
    expect(roundTrips).toBe(1);
    const after = await snapshot();
    expect(after.orders.map((o) => Number(o.id))).toEqual([kept]);
    expect((await storedLines()).map((l) => l.order_id)).toEqual([kept]);
  });

  it("reports every id as not found when none exist", async () => {
    const before = await snapshot();
    const res = await api("/orders-batch", { method: "DELETE", json: [1, 2] });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deleted: 0, not_found: [1, 2] });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a body that is not a list of ids with 422 and no round trip", async () => {
    const deskId = await createProduct(desk);
    await createOrder([deskId], [1]);
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders-batch", { method: "DELETE", json: ["a"] }),
    );
    expectProblem(res, 422, /^0: /, "/orders-batch");
    expect(roundTrips).toBe(0);
    const empty = await api("/orders-batch", { method: "DELETE", json: [] });
    expect(empty.status).toBe(422);
    expect(await snapshot()).toEqual(before);
  });
});
