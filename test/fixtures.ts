import { expect } from "vitest";
import type { OrderLine } from "../src/order-lines/schema";
import type { Order } from "../src/orders/schema";
import type { FieldError } from "../src/problems/problem";
import type { Product } from "../src/products/schema";
import type { Report } from "../src/reports/schema";
import { api, db, write, writeBypassing } from "./helpers";

// The API's shapes, declared once with the OpenAPI document (src/schemas/).
export type { Order, OrderLine, Product, Report };
export type OrderLineSummary = Order["products"][number];
export type Figures = Omit<Report["totals"], "order_lines">;
export type { FieldError };
export interface Problem {
  errors?: FieldError[];
}

export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export const desk = { product_name: "Desk", price: 100, cost: 50, stock: 10 };
export const chair = { product_name: "Chair", price: 25.5, cost: 10.25, stock: 30 };
export const lamp = { product_name: "Lamp", price: 12.99, cost: 4.5, stock: 20 };
/** The chair with 3 in stock, as the product and idempotency tests create and read it back. */
export const chairLowStock = { ...chair, stock: 3 };
/** Priced so that sums of floats would drift (0.1 × 3 ≠ 0.3): money must be summed in Postgres. */
export const tenCentLamp = { product_name: "Lamp", price: 0.1, cost: 0.05, stock: 7 };
export const shelf = { product_name: "Shelf", price: 80, cost: 30, stock: 5 };
/** The most numeric(12,2) holds, for price and cost. */
export const yacht = { product_name: "Yacht", price: 9_999_999_999.99, cost: 9_999_999_999.99, stock: 1 };

export async function createProduct(body: object = desk): Promise<number> {
  const res = await api<{ id: number }>("/products", { method: "POST", json: body });
  expect(res.status).toBe(201);
  return res.body.id;
}

export async function createOrder(product_ids: number[], amounts: number[]): Promise<number> {
  const res = await api<number>("/orders", { method: "POST", json: { product_ids, amounts } });
  expect(res.status).toBe(201);
  return res.body;
}

/** Creates an order and moves its created_at, for reports over a date range. */
export async function createOrderAt(product_ids: number[], amounts: number[], createdAt: string): Promise<number> {
  const id = await createOrder(product_ids, amounts);
  // Backdating behind the API's back: the report rollups are rebuilt, as after any bulk load.
  await db().query("update orders set created_at = $1 where id = $2", [createdAt, id]);
  await db().query("select rebuild_report_rollups()");
  return id;
}

export async function getOrder(id: number): Promise<Order> {
  const res = await api<Order>(`/orders/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

export async function createLine(body: { order_id: number; product_id: number; amount: number }): Promise<OrderLine> {
  const res = await api<OrderLine>("/orders_products", { method: "POST", json: body });
  expect(res.status).toBe(201);
  return res.body;
}

/** A desk, a chair and one order (id 1) with one desk line (id 1). */
export async function arrangeDeskOrder() {
  const deskId = await createProduct(desk);
  const chairId = await createProduct(chair);
  const orderId = await createOrder([deskId], [1]);
  return { deskId, chairId, orderId };
}

/** Products 1 Desk, 2 Chair, 3 Lamp (unreferenced); order 1 with lines 1 (Desk × 2) and 2 (Chair × 4). */
export async function seedOneOrder() {
  for (const p of [desk, chair, lamp]) await write("/products", "POST", p, 201);
  expect(await write("/orders", "POST", { product_ids: [1, 2], amounts: [2, 4] }, 201)).toBe(1);
}

/**
 * Products 1 Desk (100 / 50), 2 Chair (25.50 / 10.25), 3 Lamp (12.99 / 4.50, never ordered);
 * order 1: line 1 Desk × 2, line 2 Chair × 4 (total 302); order 2: line 3 Desk × 1 (total 100).
 * Every write passes by the cache.
 */
export async function seedTwoOrders() {
  for (const p of [desk, chair, lamp]) await writeBypassing("/products", "POST", p, 201);
  expect(await writeBypassing("/orders", "POST", { product_ids: [1, 2], amounts: [2, 4] }, 201)).toBe(1);
  expect(await writeBypassing("/orders", "POST", { product_ids: [1], amounts: [1] }, 201)).toBe(2);
}

// What the API answers for the data of `seedTwoOrders`.

export const productBody = (id: number, fields: typeof desk) => ({
  id,
  ...fields,
  created_at: expect.stringMatching(ISO),
  updated_at: expect.stringMatching(ISO),
});

export const order1 = {
  order_id: 1,
  created_at: expect.stringMatching(ISO),
  updated_at: expect.stringMatching(ISO),
  total: 302,
  products: [
    { id: 1, product_id: 1, product_name: "Desk", amount: 2, unit_price: 100, line_total: 200 },
    { id: 2, product_id: 2, product_name: "Chair", amount: 4, unit_price: 25.5, line_total: 102 },
  ],
};

export const order2 = {
  order_id: 2,
  created_at: expect.stringMatching(ISO),
  updated_at: expect.stringMatching(ISO),
  total: 100,
  products: [{ id: 3, product_id: 1, product_name: "Desk", amount: 1, unit_price: 100, line_total: 100 }],
};

export const seededReport = {
  generated_at: expect.stringMatching(ISO),
  range: { from: null, to: null },
  // Desk 3 units: 300 / 150; Chair 4 units: 102 / 41.
  totals: { orders: 2, order_lines: 3, units: 7, revenue: 402, cost: 191, profit: 211 },
  products: [
    { product_id: 1, product_name: "Desk", orders: 2, units: 3, revenue: 300, cost: 150, profit: 150 },
    { product_id: 2, product_name: "Chair", orders: 1, units: 4, revenue: 102, cost: 41, profit: 61 },
  ],
};
