import { describe, expect, it } from "vitest";
import { createOrder, createProduct, desk, ISO, type OrderLine, type Problem } from "../fixtures";
import { api, countRoundTrips, db, expectProblem, snapshot } from "../helpers";

const chair = { product_name: "Chair", price: 25.5, cost: 10.25, stock: 3 };

const LONG_AGO = "2000-01-01T00:00:00.000Z";

interface Order {
  order_id: number;
  created_at: string;
  updated_at: string;
  total: number;
  products: { id: number; product_id: number; amount: number; unit_price: number; line_total: number }[];
}

async function createLine(body: { order_id: number; product_id: number; amount: number }): Promise<OrderLine> {
  const res = await api<OrderLine>("/orders_products", { method: "POST", json: body });
  expect(res.status).toBe(201);
  return res.body;
}

async function getOrder(id: number): Promise<Order> {
  const res = await api<Order>(`/orders/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** Moves every order's updated_at far into the past, so a touch by the next write is visible. */
async function ageOrders() {
  await db().query("update orders set updated_at = $1", [LONG_AGO]);
}

/** A desk, a chair and one order (id 1) with one desk line (id 1). */
async function arrange() {
  const deskId = await createProduct(desk);
  const chairId = await createProduct(chair);
  const orderId = await createOrder([deskId], [1]);
  return { deskId, chairId, orderId };
}

describe("POST /orders_products", () => {
  it("adds a line capturing the product's price and cost, answering 201 with it and its Location", async () => {
    const { chairId, orderId } = await arrange();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<OrderLine>("/orders_products", {
        method: "POST",
        json: { order_id: orderId, product_id: chairId, amount: 5 },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get("Location")).toBe("/orders_products/2");
    expect(res.body).toEqual({
      id: 2,
      order_id: orderId,
      product_id: chairId,
      amount: 5,
      unit_price: 25.5,
      unit_cost: 10.25,
      created_at: expect.stringMatching(ISO),
    });
    expect(roundTrips).toBe(1);
    expect(await api(`/orders_products/${res.body.id}`)).toMatchObject({ status: 200, body: res.body });
    const order = await getOrder(orderId);
    expect(order.products.map((l) => [l.id, l.product_id, l.amount, l.line_total])).toEqual([
      [1, 1, 1, 100],
      [2, chairId, 5, 127.5],
    ]);
    expect(order.total).toBe(227.5);
  });

  it("touches the order's updated_at", async () => {
    const { deskId, orderId } = await arrange();
    await ageOrders();
    expect((await getOrder(orderId)).updated_at).toBe(LONG_AGO);
    await createLine({ order_id: orderId, product_id: deskId, amount: 1 });
    const after = await getOrder(orderId);
    expect(after.updated_at).toMatch(ISO);
    expect(after.updated_at > LONG_AGO).toBe(true);
  });

  it("lets the same product appear on several lines of one order", async () => {
    const { deskId, orderId } = await arrange();
    const second = await createLine({ order_id: orderId, product_id: deskId, amount: 2 });
    const third = await createLine({ order_id: orderId, product_id: deskId, amount: 3 });
    expect([second.id, third.id]).toEqual([2, 3]);
    const order = await getOrder(orderId);
    expect(order.products.map((l) => [l.id, l.product_id, l.amount])).toEqual([
      [1, deskId, 1],
      [2, deskId, 2],
      [3, deskId, 3],
    ]);
    expect(order.total).toBe(600);
  });

  it("accepts read-only fields from a GET and ignores them", async () => {
    const { deskId, orderId } = await arrange();
    const res = await api<OrderLine>("/orders_products", {
      method: "POST",
      json: {
        id: 99,
        order_id: orderId,
        product_id: deskId,
        amount: 2,
        unit_price: 1,
        unit_cost: 1,
        created_at: LONG_AGO,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: 2,
      order_id: orderId,
      product_id: deskId,
      amount: 2,
      unit_price: 100,
      unit_cost: 50,
      created_at: expect.stringMatching(ISO),
    });
    expect(res.body.created_at).not.toBe(LONG_AGO);
  });

  it("refuses an unknown order with 422 naming it, in one round trip, writing nothing", async () => {
    const { deskId } = await arrange();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products", { method: "POST", json: { order_id: 9, product_id: deskId, amount: 1 } }),
    );
    expectProblem(res, 422, "Unknown order ids: 9", "/orders_products");
    expect((res.body as Problem).errors).toEqual([
      { path: "order_id", message: "Unknown order ids: 9", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an unknown product with 422 naming it, in one round trip, writing nothing", async () => {
    const { orderId } = await arrange();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products", { method: "POST", json: { order_id: orderId, product_id: 99, amount: 1 } }),
    );
    expectProblem(res, 422, "Unknown product ids: 99", "/orders_products");
    expect((res.body as Problem).errors).toEqual([
      { path: "product_id", message: "Unknown product ids: 99", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses invalid bodies with 422 and no round trip, and malformed JSON with 400", async () => {
    const { deskId, orderId } = await arrange();
    const before = await snapshot();
    const { result: zero, roundTrips } = await countRoundTrips(() =>
      api("/orders_products", { method: "POST", json: { order_id: orderId, product_id: deskId, amount: 0 } }),
    );
    expectProblem(zero, 422, "amount: must be ≥ 1", "/orders_products");
    expect((zero.body as Problem).errors).toEqual([{ path: "amount", message: "must be ≥ 1", code: "too_small" }]);
    expect(roundTrips).toBe(0);

    const fraction = await api("/orders_products", {
      method: "POST",
      json: { order_id: orderId, product_id: deskId, amount: 1.5 },
    });
    expectProblem(fraction, 422, "amount: must be an integer", "/orders_products");
    const unknown = await api("/orders_products", {
      method: "POST",
      json: { order_id: orderId, product_id: deskId, amount: 1, colour: "red" },
    });
    expectProblem(unknown, 422, "colour: Unknown field", "/orders_products");
    const missing = await api("/orders_products", { method: "POST", json: { amount: 1 } });
    expectProblem(missing, 422, /^2 problems with the body: order_id: .*; product_id: /, "/orders_products");
    const { result: malformed, roundTrips: malformedTrips } = await countRoundTrips(() =>
      api("/orders_products", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{nope" }),
    );
    expectProblem(malformed, 400, "The body is not valid JSON", "/orders_products");
    expect(malformedTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});

describe("GET /orders_products/{id} and /orders_products-count", () => {
  it("gets one line in one round trip", async () => {
    const { deskId, orderId } = await arrange();
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
    const { deskId, chairId } = await arrange();
    await createOrder([deskId, chairId], [1, 1]);
    const { result: res, roundTrips } = await countRoundTrips(() => api("/orders_products-count"));
    expect(res.status).toBe(200);
    expect(res.body).toBe(3);
    expect(roundTrips).toBe(1);
  });
});

describe("PUT /orders_products/{id}", () => {
  it("changing only the amount keeps the captured price, even after the product's price changed", async () => {
    const { deskId, orderId } = await arrange();
    const put = await api(`/products/${deskId}`, { method: "PUT", json: { ...desk, price: 120, cost: 70 } });
    expect(put.status).toBe(200);
    const read = await api<OrderLine>("/orders_products/1");
    await ageOrders();

    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<OrderLine>("/orders_products/1", { method: "PUT", json: { ...read.body, amount: 4 } }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...read.body, amount: 4, unit_price: 100, unit_cost: 50 });
    expect(roundTrips).toBe(1);
    expect(await api("/orders_products/1")).toMatchObject({ status: 200, body: res.body });
    const order = await getOrder(orderId);
    expect(order.total).toBe(400);
    expect(order.updated_at > LONG_AGO).toBe(true);
  });

  it("changing the product captures the new product's current price and cost", async () => {
    const { chairId, orderId } = await arrange();
    const put = await api(`/products/${chairId}`, { method: "PUT", json: { ...chair, price: 30, cost: 12 } });
    expect(put.status).toBe(200);
    const res = await api<OrderLine>("/orders_products/1", {
      method: "PUT",
      json: { order_id: orderId, product_id: chairId, amount: 2 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 1,
      order_id: orderId,
      product_id: chairId,
      amount: 2,
      unit_price: 30,
      unit_cost: 12,
      created_at: expect.stringMatching(ISO),
    });
    expect((await getOrder(orderId)).total).toBe(60);
  });

  it("ignores read-only price fields in the body", async () => {
    const { deskId, orderId } = await arrange();
    const res = await api<OrderLine>("/orders_products/1", {
      method: "PUT",
      json: { id: 1, order_id: orderId, product_id: deskId, amount: 3, unit_price: 1, unit_cost: 1, created_at: "x" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 1, amount: 3, unit_price: 100, unit_cost: 50 });
    expect(res.body.created_at).toMatch(ISO);
  });

  it("moves a line to another order and touches both orders", async () => {
    const { deskId, orderId } = await arrange();
    const otherId = await createOrder([deskId], [7]);
    await ageOrders();
    const res = await api<OrderLine>("/orders_products/1", {
      method: "PUT",
      json: { order_id: otherId, product_id: deskId, amount: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body.order_id).toBe(otherId);
    const from = await getOrder(orderId);
    const to = await getOrder(otherId);
    expect(from.products).toEqual([]);
    expect(from.total).toBe(0);
    expect(to.products.map((l) => l.id)).toEqual([1, 2]);
    expect(from.updated_at > LONG_AGO).toBe(true);
    expect(to.updated_at > LONG_AGO).toBe(true);
  });

  it("refuses a body id that differs from the path id, with no round trip and nothing written", async () => {
    const { deskId, orderId } = await arrange();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products/1", { method: "PUT", json: { id: 2, order_id: orderId, product_id: deskId, amount: 2 } }),
    );
    expectProblem(res, 422, "id in the body (2) must equal the id in the path (1)", "/orders_products/1");
    expect((res.body as Problem).errors).toEqual([
      { path: "id", message: "must equal the id in the path", code: "custom" },
    ]);
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it("answers 404 for a missing line in one round trip, writing nothing", async () => {
    const { deskId, orderId } = await arrange();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products/77", { method: "PUT", json: { order_id: orderId, product_id: deskId, amount: 2 } }),
    );
    expectProblem(res, 404, "Order line 77 does not exist", "/orders_products/77");
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an unknown order with 422 in one round trip, writing nothing", async () => {
    const { deskId } = await arrange();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products/1", { method: "PUT", json: { order_id: 9, product_id: deskId, amount: 2 } }),
    );
    expectProblem(res, 422, "Unknown order ids: 9", "/orders_products/1");
    expect((res.body as Problem).errors).toEqual([
      { path: "order_id", message: "Unknown order ids: 9", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an unknown product with 422 in one round trip, writing nothing", async () => {
    const { orderId } = await arrange();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products/1", { method: "PUT", json: { order_id: orderId, product_id: 99, amount: 2 } }),
    );
    expectProblem(res, 422, "Unknown product ids: 99", "/orders_products/1");
    expect((res.body as Problem).errors).toEqual([
      { path: "product_id", message: "Unknown product ids: 99", code: "not_found" },
    ]);
    expect(roundTrips).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses invalid bodies with 422 and no round trip", async () => {
    const { deskId, orderId } = await arrange();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products/1", { method: "PUT", json: { order_id: orderId, product_id: deskId, amount: 0 } }),
    );
    expectProblem(res, 422, "amount: must be ≥ 1", "/orders_products/1");
    expect(roundTrips).toBe(0);
    const partial = await api("/orders_products/1", { method: "PUT", json: { amount: 2 } });
    expectProblem(partial, 422, /^2 problems with the body: order_id: .*; product_id: /, "/orders_products/1");
    const badId = await api("/orders_products/abc", {
      method: "PUT",
      json: { order_id: orderId, product_id: deskId, amount: 2 },
    });
    expectProblem(badId, 422, "id: must be a positive integer", "/orders_products/abc");
    expect(await snapshot()).toEqual(before);
  });
});

describe("DELETE /orders_products/{id}", () => {
  it("deletes a line with 202 and a small body in one round trip, touching its order", async () => {
    const { deskId, orderId } = await arrange();
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
    await arrange();
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

describe("POST /orders_products-batch", () => {
  it("creates every line and answers them in input order, in one round trip", async () => {
    const { deskId, chairId, orderId } = await arrange();
    const otherId = await createOrder([chairId], [1]);
    await ageOrders();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api<OrderLine[]>("/orders_products-batch", {
        method: "POST",
        json: [
          { order_id: otherId, product_id: deskId, amount: 3 },
          { order_id: orderId, product_id: chairId, amount: 1 },
          { order_id: otherId, product_id: chairId, amount: 2 },
        ],
      }),
    );
    expect(res.status).toBe(201);
    const created = expect.stringMatching(ISO);
    expect(res.body).toEqual([
      { id: 3, order_id: otherId, product_id: deskId, amount: 3, unit_price: 100, unit_cost: 50, created_at: created },
      {
        id: 4,
        order_id: orderId,
        product_id: chairId,
        amount: 1,
        unit_price: 25.5,
        unit_cost: 10.25,
        created_at: created,
      },
      {
        id: 5,
        order_id: otherId,
        product_id: chairId,
        amount: 2,
        unit_price: 25.5,
        unit_cost: 10.25,
        created_at: created,
      },
    ]);
    expect(roundTrips).toBe(1);
    expect((await api("/orders_products-count")).body).toBe(5);
    expect((await getOrder(orderId)).updated_at > LONG_AGO).toBe(true);
    expect((await getOrder(otherId)).updated_at > LONG_AGO).toBe(true);
  });

  it("writes nothing when any item names an unknown order or product, in one round trip", async () => {
    const { deskId, orderId } = await arrange();
    const before = await snapshot();
    const { result: product, roundTrips } = await countRoundTrips(() =>
      api("/orders_products-batch", {
        method: "POST",
        json: [
          { order_id: orderId, product_id: deskId, amount: 1 },
          { order_id: orderId, product_id: 99, amount: 1 },
        ],
      }),
    );
    expectProblem(product, 422, "Unknown product ids: 99", "/orders_products-batch");
    expect(roundTrips).toBe(1);
    const order = await api("/orders_products-batch", {
      method: "POST",
      json: [
        { order_id: 8, product_id: deskId, amount: 1 },
        { order_id: orderId, product_id: deskId, amount: 1 },
        { order_id: 9, product_id: deskId, amount: 1 },
      ],
    });
    expectProblem(order, 422, "Unknown order ids: 8, 9", "/orders_products-batch");
    expect((order.body as Problem).errors).toEqual([
      { path: "order_id", message: "Unknown order ids: 8, 9", code: "not_found" },
    ]);
    const onlyUnknown = await api("/orders_products-batch", {
      method: "POST",
      json: [{ order_id: orderId, product_id: 98, amount: 1 }],
    });
    expectProblem(onlyUnknown, 422, "Unknown product ids: 98", "/orders_products-batch");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an invalid item or an empty batch with 422 and no round trip", async () => {
    const { deskId, orderId } = await arrange();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products-batch", {
        method: "POST",
        json: [
          { order_id: orderId, product_id: deskId, amount: 1 },
          { order_id: orderId, product_id: deskId, amount: 0 },
        ],
      }),
    );
    expectProblem(res, 422, "1.amount: must be ≥ 1", "/orders_products-batch");
    expect(roundTrips).toBe(0);
    const empty = await api("/orders_products-batch", { method: "POST", json: [] });
    expectProblem(empty, 422, "body: must have at least 1 item", "/orders_products-batch");
    expect(await snapshot()).toEqual(before);
  });
});

describe("DELETE /orders_products-batch", () => {
  it("deletes the lines and reports the ids that did not exist, in one round trip", async () => {
    const { deskId, orderId } = await arrange();
    await createLine({ order_id: orderId, product_id: deskId, amount: 2 });
    await createLine({ order_id: orderId, product_id: deskId, amount: 3 });
    await ageOrders();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products-batch", { method: "DELETE", json: [9, 1, 3, 8] }),
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deleted: 2, not_found: [9, 8] });
    expect(roundTrips).toBe(1);
    const order = await getOrder(orderId);
    expect(order.products.map((l) => l.id)).toEqual([2]);
    expect(order.updated_at > LONG_AGO).toBe(true);
  });

  it("refuses a body that is not a list of ids with 422 and no round trip", async () => {
    await arrange();
    const before = await snapshot();
    const { result: res, roundTrips } = await countRoundTrips(() =>
      api("/orders_products-batch", { method: "DELETE", json: [0] }),
    );
    expectProblem(res, 422, /^0: /, "/orders_products-batch");
    expect(roundTrips).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});
