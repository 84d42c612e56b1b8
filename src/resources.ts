/**
 * The API's resources, each named once: its table, what a message calls it, and the field a PUT
 * body may repeat its id in. Problems, guards and handlers take their names from here.
 */
export const RESOURCES = {
  product: { table: "products", name: "Product", plural: "products", idField: "id" },
  order: { table: "orders", name: "Order", plural: "orders", idField: "order_id" },
  order_line: { table: "orders_products", name: "Order line", plural: "order lines", idField: "id" },
} as const;

export type Resource = keyof typeof RESOURCES;

export const RESOURCE_NAMES = Object.keys(RESOURCES) as [Resource, ...Resource[]];
