import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { hc } from "hono/client";
import { describe, expect, expectTypeOf, it } from "vitest";
import { createClient } from "../../src/client";
import worker, { type AppType } from "../../src/index";
import { desk, ISO, type Order, type Product, type Report } from "../fixtures";
import { BASE } from "../helpers";

// hono/client typed by the app itself, sending through the Worker's fetch handler.
const client = hc<AppType>(BASE, {
  fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(input, init), env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  },
});

describe("hc<AppType>", () => {
  it("drives a whole flow with typed requests and answers: product, order, read back, report", async () => {
    const created = await client.products.$post({ json: desk });
    expect(created.status).toBe(201);
    if (created.status !== 201) throw new Error("unreachable");
    const product = await created.json();
    expectTypeOf(product).toEqualTypeOf<Product>();
    expect(product).toEqual({ id: 1, ...desk, created_at: expect.stringMatching(ISO), updated_at: product.created_at });
    expect(created.headers.get("Location")).toBe("/products/1");

    const ordered = await client.orders.$post({ json: { product_ids: [product.id], amounts: [3] } });
    expect(ordered.status).toBe(201);
    if (ordered.status !== 201) throw new Error("unreachable");
    const orderId = await ordered.json();
    expectTypeOf(orderId).toEqualTypeOf<number>();
    expect(orderId).toBe(1);

    const read = await client.orders[":id"].$get({ param: { id: String(orderId) } });
    expect(read.status).toBe(200);
    if (read.status !== 200) throw new Error("unreachable");
    const order = await read.json();
    expectTypeOf(order).toEqualTypeOf<Order>();
    expect(order).toEqual({
      order_id: 1,
      created_at: expect.stringMatching(ISO),
      updated_at: order.created_at,
      total: 300,
      products: [{ id: 1, product_id: 1, product_name: "Desk", amount: 3, unit_price: 100, line_total: 300 }],
    });

    const today = order.created_at.slice(0, 10);
    const reported = await client["reports-all"].$get({ query: { from: today, to: today } });
    expect(reported.status).toBe(200);
    if (reported.status !== 200) throw new Error("unreachable");
    const report = await reported.json();
    expectTypeOf(report).toEqualTypeOf<Report>();
    const figures = { orders: 1, units: 3, revenue: 300, cost: 150, profit: 150 };
    expect(report).toEqual({
      generated_at: expect.stringMatching(ISO),
      range: { from: today, to: today },
      totals: { ...figures, order_lines: 1 },
      products: [{ product_id: 1, product_name: "Desk", ...figures }],
    });
  });

  it("types every error answer as a problem, by status", async () => {
    const missing = await client.products[":id"].$get({ param: { id: "999" } });
    expect(missing.status).toBe(404);
    if (missing.status !== 404) throw new Error("unreachable");
    const problem = await missing.json();
    expectTypeOf(problem.detail).toEqualTypeOf<string>();
    expect(problem).toEqual({
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "Product 999 does not exist",
      instance: "/products/999",
      request_id: missing.headers.get("X-Request-Id"),
    });
  });

  it("makes a wrong field a type error, which the API refuses too", async () => {
    // @ts-expect-error price is a number
    const res = await client.products.$post({ json: { ...desk, price: "100" } });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      status: 422,
      errors: [{ path: "price", message: "must be a number", code: "invalid_type" }],
    });
    expectTypeOf(client.products[":id"]).not.toHaveProperty("$patch");
    expectTypeOf(client.products[":id"]).toHaveProperty("$put");
  });
});

describe("createClient, the package's ./client entry", () => {
  it("sends its API key as a bearer token and lists orders at GET /orders, typed like hc<AppType>", async () => {
    const seen: (string | null)[] = [];
    const keyed = createClient(BASE, {
      apiKey: "test-key-2",
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        seen.push(request.headers.get("Authorization"));
        const ctx = createExecutionContext();
        // Auth on, so a write without the right key would be refused.
        const res = await worker.fetch(request, { ...env, AUTH_DISABLED: "false" }, ctx);
        await waitOnExecutionContext(ctx);
        return res;
      },
    });
    expectTypeOf(keyed).toEqualTypeOf<ReturnType<typeof hc<AppType>>>();
    const created = await keyed.products.$post({ json: desk });
    expect(created.status).toBe(201);
    const ordered = await keyed.orders.$post({ json: { product_ids: [1], amounts: [2] } });
    expect(ordered.status).toBe(201);
    const listed = await keyed.orders.$get({ query: {} });
    expect(listed.status).toBe(200);
    if (listed.status !== 200) throw new Error("unreachable");
    expect((await listed.json()).map((order) => [order.order_id, order.total])).toEqual([[1, 200]]);
    expect(seen).toEqual(["Bearer test-key-2", "Bearer test-key-2", "Bearer test-key-2"]);
  });
});
