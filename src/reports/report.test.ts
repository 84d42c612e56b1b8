import { describe, expect, it } from "vitest";
import { chair, createOrderAt, createProduct, desk, ISO, lamp, type Report, shelf } from "../../test/fixtures";
import { api, countRoundTrips, expectProblem } from "../../test/helpers";

/**
 * Products 1 Desk (100 / 50), 2 Chair (25.50 / 10.25), 3 Lamp (12.99 / 4.50), 4 Shelf (never ordered).
 *
 * O1 2026-03-01T00:00:00Z      Desk ×2 @100/50, Chair ×4 @25.50/10.25
 *    — then Desk is repriced to 120 / 60 —
 * O2 2026-03-31T23:59:59Z      Desk ×1 @120/60, Lamp ×3 @12.99/4.50
 * O3 2026-04-01T00:00:00Z      Chair ×10 @25.50/10.25
 * O4 2026-02-28T23:59:59.999Z  Lamp ×1, Lamp ×2 (one product on two lines of one order)
 *
 * Line figures (revenue / cost):
 *   O1 Desk  2×100 = 200     / 2×50 = 100
 *   O1 Chair 4×25.50 = 102   / 4×10.25 = 41
 *   O2 Desk  1×120 = 120     / 1×60 = 60
 *   O2 Lamp  3×12.99 = 38.97 / 3×4.50 = 13.50
 *   O3 Chair 10×25.50 = 255  / 10×10.25 = 102.50
 *   O4 Lamp  1×12.99 = 12.99 / 4.50 and 2×12.99 = 25.98 / 9.00
 */
async function arrange() {
  const deskId = await createProduct(desk);
  const chairId = await createProduct(chair);
  const lampId = await createProduct(lamp);
  await createProduct(shelf);
  expect([deskId, chairId, lampId]).toEqual([1, 2, 3]);

  await createOrderAt([1, 2], [2, 4], "2026-03-01T00:00:00Z");
  const repriced = await api("/products/1", { method: "PUT", json: { ...desk, price: 120, cost: 60 } });
  expect(repriced.status).toBe(200);
  await createOrderAt([1, 3], [1, 3], "2026-03-31T23:59:59Z");
  await createOrderAt([2], [10], "2026-04-01T00:00:00Z");
  await createOrderAt([3, 3], [1, 2], "2026-02-28T23:59:59.999Z");
}

async function report(query = ""): Promise<{ report: Report; roundTrips: number }> {
  const startedAt = Date.now();
  const { result: res, roundTrips } = await countRoundTrips(() => api<Report>(`/reports-all${query}`));
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/json");
  expect(res.body.generated_at).toMatch(ISO);
  const generatedAt = Date.parse(res.body.generated_at);
  expect(generatedAt).toBeGreaterThanOrEqual(startedAt - 1000);
  expect(generatedAt).toBeLessThanOrEqual(Date.now() + 1000);
  return { report: res.body, roundTrips };
}

describe("GET /reports-all", () => {
  it("reports every order over the captured prices, by revenue, leaving out products never ordered", async () => {
    await arrange();
    const { report: body, roundTrips } = await report();
    expect(roundTrips).toBe(1);
    expect(body).toEqual({
      generated_at: body.generated_at,
      range: { from: null, to: null },
      totals: {
        orders: 4,
        // 2 + 2 + 1 + 2
        order_lines: 7,
        // 2 + 4 + 1 + 3 + 10 + 1 + 2
        units: 23,
        // 200 + 102 + 120 + 38.97 + 255 + 12.99 + 25.98
        revenue: 754.94,
        // 100 + 41 + 60 + 13.50 + 102.50 + 4.50 + 9.00
        cost: 330.5,
        // 754.94 − 330.50
        profit: 424.44,
      },
      products: [
        // Chair: O1, O3; 4 + 10 units; 102 + 255 = 357; 41 + 102.50 = 143.50
        { product_id: 2, product_name: "Chair", orders: 2, units: 14, revenue: 357, cost: 143.5, profit: 213.5 },
        // Desk: O1 at the old price, O2 at the new: 200 + 120 = 320; 100 + 60 = 160 (not 3×120 = 360)
        { product_id: 1, product_name: "Desk", orders: 2, units: 3, revenue: 320, cost: 160, profit: 160 },
        // Lamp: O2, O4; 3 + 1 + 2 units; 38.97 + 12.99 + 25.98 = 77.94; 13.50 + 4.50 + 9.00 = 27
        { product_id: 3, product_name: "Lamp", orders: 2, units: 6, revenue: 77.94, cost: 27, profit: 50.94 },
      ],
    });
  });

  it("keeps the captured prices after the product's price changes", async () => {
    await createProduct(desk);
    await createOrderAt([1], [3], "2026-05-01T12:00:00Z");
    const repriced = await api("/products/1", { method: "PUT", json: { ...desk, price: 999.99, cost: 1 } });
    expect(repriced.status).toBe(200);
    const { report: body } = await report();
    // 3 × 100 = 300 revenue, 3 × 50 = 150 cost, as captured; not 3 × 999.99 / 3 × 1
    expect(body.totals).toEqual({ orders: 1, order_lines: 1, units: 3, revenue: 300, cost: 150, profit: 150 });
    expect(body.products).toEqual([
      { product_id: 1, product_name: "Desk", orders: 1, units: 3, revenue: 300, cost: 150, profit: 150 },
    ]);
  });

  it("includes both days of an inclusive from/to range, to the second", async () => {
    await arrange();
    // O4 at 2026-02-28T23:59:59.999Z is before from; O1 at 2026-03-01T00:00:00Z is inside;
    // O2 at 2026-03-31T23:59:59Z is inside; O3 at 2026-04-01T00:00:00Z is after to.
    const { report: body, roundTrips } = await report("?from=2026-03-01&to=2026-03-31");
    expect(roundTrips).toBe(1);
    expect(body).toEqual({
      generated_at: body.generated_at,
      range: { from: "2026-03-01", to: "2026-03-31" },
      totals: {
        // O1, O2
        orders: 2,
        order_lines: 4,
        // 2 + 4 + 1 + 3
        units: 10,
        // 200 + 102 + 120 + 38.97
        revenue: 460.97,
        // 100 + 41 + 60 + 13.50
        cost: 214.5,
        // 460.97 − 214.50
        profit: 246.47,
      },
      products: [
        // 200 + 120 = 320; 100 + 60 = 160
        { product_id: 1, product_name: "Desk", orders: 2, units: 3, revenue: 320, cost: 160, profit: 160 },
        // O1 only: 102; 41
        { product_id: 2, product_name: "Chair", orders: 1, units: 4, revenue: 102, cost: 41, profit: 61 },
        // O2 only: 38.97; 13.50
        { product_id: 3, product_name: "Lamp", orders: 1, units: 3, revenue: 38.97, cost: 13.5, profit: 25.47 },
      ],
    });
  });

  it("takes a one-day range, counting an order once however many lines it has", async () => {
    await arrange();
    // Only O4: Lamp ×1 and Lamp ×2 on two lines of one order
    const { report: body } = await report("?from=2026-02-28&to=2026-02-28");
    expect(body.range).toEqual({ from: "2026-02-28", to: "2026-02-28" });
    // 12.99 + 25.98 = 38.97; 4.50 + 9.00 = 13.50; profit 25.47
    expect(body.totals).toEqual({ orders: 1, order_lines: 2, units: 3, revenue: 38.97, cost: 13.5, profit: 25.47 });
    expect(body.products).toEqual([
      { product_id: 3, product_name: "Lamp", orders: 1, units: 3, revenue: 38.97, cost: 13.5, profit: 25.47 },
    ]);
  });

  it("takes only from: the day's first instant is inside, the previous day's last is not", async () => {
    await arrange();
    // O3 at 2026-04-01T00:00:00Z is inside; O2 at 2026-03-31T23:59:59Z is not.
    const { report: body, roundTrips } = await report("?from=2026-04-01");
    expect(roundTrips).toBe(1);
    expect(body).toEqual({
      generated_at: body.generated_at,
      range: { from: "2026-04-01", to: null },
      // Chair ×10: 10 × 25.50 = 255; 10 × 10.25 = 102.50; 255 − 102.50 = 152.50
      totals: { orders: 1, order_lines: 1, units: 10, revenue: 255, cost: 102.5, profit: 152.5 },
      products: [
        { product_id: 2, product_name: "Chair", orders: 1, units: 10, revenue: 255, cost: 102.5, profit: 152.5 },
      ],
    });
  });

  it("takes only to: the day's last second is inside, the next day's first instant is not", async () => {
    await arrange();
    // O4, O1 and O2 (2026-03-31T23:59:59Z) are inside; O3 (2026-04-01T00:00:00Z) is not.
    const { report: body, roundTrips } = await report("?to=2026-03-31");
    expect(roundTrips).toBe(1);
    expect(body).toEqual({
      generated_at: body.generated_at,
      range: { from: null, to: "2026-03-31" },
      totals: {
        orders: 3,
        // 2 + 2 + 2
        order_lines: 6,
        // 2 + 4 + 1 + 3 + 1 + 2
        units: 13,
        // 200 + 102 + 120 + 38.97 + 12.99 + 25.98
        revenue: 499.94,
        // 100 + 41 + 60 + 13.50 + 4.50 + 9.00
        cost: 228,
        // 499.94 − 228
        profit: 271.94,
      },
      products: [
        { product_id: 1, product_name: "Desk", orders: 2, units: 3, revenue: 320, cost: 160, profit: 160 },
        { product_id: 2, product_name: "Chair", orders: 1, units: 4, revenue: 102, cost: 41, profit: 61 },
        // O2, O4: 38.97 + 12.99 + 25.98 = 77.94; 13.50 + 4.50 + 9.00 = 27
        { product_id: 3, product_name: "Lamp", orders: 2, units: 6, revenue: 77.94, cost: 27, profit: 50.94 },
      ],
    });
  });

  it("answers zeros and no products for an empty database, in one round trip", async () => {
    const { report: body, roundTrips } = await report();
    expect(roundTrips).toBe(1);
    expect(body).toEqual({
      generated_at: body.generated_at,
      range: { from: null, to: null },
      totals: { orders: 0, order_lines: 0, units: 0, revenue: 0, cost: 0, profit: 0 },
      products: [],
    });
  });

  it("answers zeros when no order falls in the range, though products and orders exist", async () => {
    await arrange();
    const { report: body } = await report("?from=2027-01-01&to=2027-12-31");
    expect(body).toEqual({
      generated_at: body.generated_at,
      range: { from: "2027-01-01", to: "2027-12-31" },
      totals: { orders: 0, order_lines: 0, units: 0, revenue: 0, cost: 0, profit: 0 },
      products: [],
    });
  });

  it("refuses bad dates with 422 and no round trip", async () => {
    const { result: month, roundTrips } = await countRoundTrips(() => api("/reports-all?from=2026-13-01"));
    expect(roundTrips).toBe(0);
    expectProblem(month, 422, "from: must be a date (YYYY-MM-DD)", "/reports-all");
    expect((month.body as { errors: unknown }).errors).toEqual([
      { path: "from", message: "must be a date (YYYY-MM-DD)", code: "invalid_format" },
    ]);

    const word = await api("/reports-all?from=abc");
    expectProblem(word, 422, "from: must be a date (YYYY-MM-DD)", "/reports-all");

    const day = await api("/reports-all?to=2026-02-30");
    expectProblem(day, 422, "to: must be a date (YYYY-MM-DD)", "/reports-all");

    const timestamp = await api("/reports-all?to=2026-03-31T00:00:00Z");
    expectProblem(timestamp, 422, "to: must be a date (YYYY-MM-DD)", "/reports-all");
  });

  it("refuses from after to with 422 on the path to", async () => {
    const { result: res, roundTrips } = await countRoundTrips(() => api("/reports-all?from=2026-04-01&to=2026-03-31"));
    expect(roundTrips).toBe(0);
    expectProblem(res, 422, "to: must not be before from", "/reports-all");
    expect((res.body as { errors: unknown }).errors).toEqual([
      { path: "to", message: "must not be before from", code: "custom" },
    ]);
  });
});
