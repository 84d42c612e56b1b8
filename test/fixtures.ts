import { expect } from "vitest";
import type { FieldError } from "../src/lib/problem";
import type { OrderLine } from "../src/schemas/order-lines";
import type { Order } from "../src/schemas/orders";
import type { Product } from "../src/schemas/products";
import type { Report } from "../src/schemas/reports";
import { api } from "./helpers";

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
