import { describe, expect, it } from "vitest";
import { desk, yacht } from "../fixtures";
import { api, expectProblem, snapshot } from "../helpers";

describe("control characters in text", () => {
  it.each([
    ["NUL", "Desk\u0000"],
    ["BEL", "De\u0007sk"],
    ["DEL", "Desk\u007f"],
  ])("refuses %s in product_name with 422 naming the field, and writes nothing", async (_name, product_name) => {
    const before = await snapshot();
    const res = await api("/products", { method: "POST", json: { ...desk, product_name } });
    expectProblem(res, 422, "product_name: must not contain control characters", "/products");
    expect((res.body as { errors: unknown[] }).errors).toEqual([
      { path: "product_name", message: "must not contain control characters", code: "invalid_format" },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it("names the batch item whose name holds a NUL", async () => {
    const res = await api("/products-batch", { method: "POST", json: [desk, { ...desk, product_name: "a\u0000" }] });
    expectProblem(res, 422, "1.product_name: must not contain control characters", "/products-batch");
  });
});

describe("answers stay small", () => {
  it("lists the first 50 of 50,000 unknown fields and counts them all", async () => {
    const body: Record<string, unknown> = { ...desk };
    for (let i = 0; i < 50_000; i++) body[`k${i}`] = 1;
    const request = JSON.stringify(body);
    const res = await api<{ errors: { path: string }[]; errors_total: number; detail: string }>("/products", {
      method: "POST",
      body: request,
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(50);
    expect(res.body.errors[0]).toEqual({ path: "k0", message: "Unknown field", code: "unrecognized_keys" });
    expect(res.body.errors_total).toBe(50_000);
    expect(res.body.detail).toMatch(/^50000 problems with the body: k0: Unknown field; .*; and 49950 more$/);
    expect(res.text.length).toBeLessThan(10_000);
    expect(res.text.length).toBeLessThan(request.length);
  });
});

describe("money stays exact end to end", () => {
  it("totals the largest price times the largest amount to the cent, in orders and the report", async () => {
    expect((await api("/products", { method: "POST", json: yacht })).status).toBe(201);
    const created = await api("/orders", { method: "POST", json: { product_ids: [1], amounts: [2_147_483_647] } });
    expect(created.status).toBe(201);

    const exact = "21474836469978525163.53";
    const order = await api("/orders/1");
    expect(order.text).toContain(`"total":${exact}`);
    expect(order.text).toContain(`"line_total":${exact}`);
    const report = await api("/reports-all");
    expect(report.text).toContain(`"revenue":${exact}`);
    expect(report.text).toContain(`"cost":${exact}`);
    expect(report.text).toContain(`"profit":0`);
  });
});

describe("one URL per resource", () => {
  it.each([
    ["GET", "/products/", "/products"],
    ["GET", "/products/1/?x=1", "/products/1?x=1"],
    ["POST", "/orders/", "/orders"],
    ["DELETE", "/orders_products/7//", "/orders_products/7"],
  ])("%s %s is redirected with 308 to %s", async (method, path, location) => {
    const res = await api(path, { method, redirect: "manual" });
    expect(res.status).toBe(308);
    expect(res.headers.get("Location")).toBe(location);
  });
});
