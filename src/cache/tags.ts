import type { DataSet } from "../db/unit-of-work";
import type { Resource } from "../resources";

/**
 * What each cached read depends on and what each write changes, declared once. A tag is a table,
 * in the terms of the data a response shows: an order shows its lines and its products' names,
 * so it depends on all three; a count of orders only on orders. Handlers pass a read's tags to
 * the read pipeline, services pass a write's to `uow.changed()`, so the two cannot drift apart; the
 * cache suite checks that no read is stale after any write.
 */
export type Tag = DataSet;

const ORDER_VIEW: readonly Tag[] = ["orders", "order_lines", "products"];

export const CACHE_TAGS = {
  product: {
    list: ["products"],
    one: ["products"],
    count: ["products"],
    changes: ["products"],
  },
  order: {
    list: ORDER_VIEW,
    one: ORDER_VIEW,
    count: ["orders"],
    changes: ["orders", "order_lines"],
  },
  order_line: {
    one: ["order_lines"],
    count: ["order_lines"],
    // A line's write also moves its order's updated_at.
    changes: ["order_lines", "orders"],
  },
  report: {
    sales: ORDER_VIEW,
  },
} as const satisfies Record<Resource | "report", Record<string, readonly Tag[]>>;
