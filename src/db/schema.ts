import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

// Money is numeric(12,2): exact, and the range the API validates (0 … 9 999 999 999.99).
const money = (name: string) => numeric(name, { precision: 12, scale: 2, mode: "number" });
const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const products = pgTable(
  "products",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    productName: text("product_name").notNull(),
    price: money("price").notNull(),
    cost: money("cost").notNull(),
    stock: integer("stock").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The database refuses what the API refuses, so a bug in validation cannot store bad data.
    check("products_product_name_length", sql`char_length(${t.productName}) between 1 and 255`),
    check("products_price_range", sql`${t.price} >= 0`),
    check("products_cost_range", sql`${t.cost} >= 0`),
    check("products_stock_range", sql`${t.stock} >= 0`),
  ],
);

export const orders = pgTable(
  "orders",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // How many lines the order has, kept by every write of its lines (reports count orders with lines).
    lineCount: integer("line_count").notNull().default(0),
  },
  (t) => [
    // Reports filter orders by creation date.
    index("orders_created_at_idx").on(t.createdAt),
    check("orders_line_count_range", sql`${t.lineCount} >= 0`),
  ],
);

export const orderLines = pgTable(
  "orders_products",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint("order_id", { mode: "number" })
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    productId: bigint("product_id", { mode: "number" })
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    amount: integer("amount").notNull(),
    // Captured from the product when the line is written, so later price changes leave
    // past orders and reports as they were.
    unitPrice: money("unit_price").notNull(),
    unitCost: money("unit_cost").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("orders_products_order_id_idx").on(t.orderId),
    // Product first: foreign-key checks find a product's lines, and reports count a product's
    // distinct orders from this index alone.
    index("orders_products_product_id_order_id_idx").on(t.productId, t.orderId),
    check("orders_products_amount_positive", sql`${t.amount} > 0`),
    check("orders_products_unit_price_range", sql`${t.unitPrice} >= 0`),
    check("orders_products_unit_cost_range", sql`${t.unitCost} >= 0`),
  ],
);

/**
 * Idempotency-Key records. A write inserts its key as the first statement of its own batch and
 * stores its answer as the last, so the write and its key commit or roll back together: one key,
 * at most one committed write, whatever happens to the answer on its way back.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    principal: text("principal").notNull(),
    keyHash: text("key_hash").notNull(),
    // The request that made the write, for the logs; a client may repeat it on a retry.
    requestId: text("request_id").notNull(),
    // A token the Worker draws for each attempt: the claim that inserted the row is the one whose
    // token it holds, which a retry (whatever X-Request-Id it repeats) never does.
    attempt: text("attempt").notNull().default(""),
    fingerprint: text("fingerprint").notNull(),
    // Set by the batch's last statement; the claim that precedes it commits only together with it.
    status: integer("status"),
    body: text("body"),
    etag: text("etag"),
    location: text("location"),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.principal, t.keyHash] }), index("idempotency_keys_expires_at_idx").on(t.expiresAt)],
);

/**
 * Cache invalidations owed by committed writes: written in the write's batch, applied to Redis
 * right after the commit, and drained by the scheduled handler when that could not happen.
 */
export const cacheOutbox = pgTable("cache_outbox", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  tags: text("tags").array().notNull(),
  createdAt: createdAt(),
});

// Report rollups. Writes of order lines never touch them: each write appends its net change to
// `sales_changes`, in the same statement, and the scheduled compaction folds those rows into the
// rollups below; reports add the rows not yet folded. So concurrent orders of one product never
// wait on one another's rollup rows. `orders` counts distinct orders: an order belongs to one day,
// so these counts add up across days and months.
const salesFigures = () => ({
  orders: bigint("orders", { mode: "number" }).notNull(),
  orderLines: bigint("order_lines", { mode: "number" }).notNull(),
  units: bigint("units", { mode: "number" }).notNull(),
  revenue: numeric("revenue").notNull(),
  cost: numeric("cost").notNull(),
});

/**
 * Net changes of the lines' figures, appended by every write of lines, per UTC day of the order
 * and product. A row with no product carries only `orders`: the orders of that day that gained
 * their first line (1) or lost their last (-1). Unindexed, append-only and folded away every
 * minute, so it stays small.
 */
export const salesChanges = pgTable("sales_changes", {
  day: date("day", { mode: "string" }).notNull(),
  productId: bigint("product_id", { mode: "number" }),
  ...salesFigures(),
});

/** Sales per UTC day and product: the days of a range that do not make whole months. */
export const salesDaily = pgTable(
  "sales_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    productId: bigint("product_id", { mode: "number" }).notNull(),
    ...salesFigures(),
  },
  (t) => [primaryKey({ columns: [t.day, t.productId] })],
);

/** Sales per calendar month (UTC) and product: the whole months of a range. */
export const salesMonthly = pgTable(
  "sales_monthly",
  {
    month: date("month", { mode: "string" }).notNull(),
    productId: bigint("product_id", { mode: "number" }).notNull(),
    ...salesFigures(),
  },
  (t) => [primaryKey({ columns: [t.month, t.productId] })],
);

/** Sales per product over all time: a report with no range reads one row per product. */
export const salesByProduct = pgTable("sales_by_product", {
  productId: bigint("product_id", { mode: "number" }).primaryKey(),
  ...salesFigures(),
});

/** Sales per UTC day over all products, `orders` being the day's orders with lines: a report's totals. */
export const salesByDay = pgTable("sales_by_day", {
  day: date("day", { mode: "string" }).primaryKey(),
  ...salesFigures(),
});

/**
 * Running totals per product: each row holds the product's sales on every day before `at`, a
 * boundary on days 1, 5, 9, 13, 17, 21, 25 and 29 of each month (sales_boundary_after(), drizzle
 * 0012). A range is then the difference of two rows per product plus at most two days at each end
 * (from sales_daily), whatever its length. A product has a row at every boundary after its first
 * sale, up to the latest boundary (the horizon, past every folded day); no row before the horizon
 * means nothing sold before it, and a boundary past the horizon is the product's total
 * (sales_by_product). Written only by the compaction and rebuild_report_rollups().
 */
export const salesRunning = pgTable(
  "sales_running",
  {
    at: date("at", { mode: "string" }).notNull(),
    productId: bigint("product_id", { mode: "number" }).notNull(),
    ...salesFigures(),
  },
  (t) => [primaryKey({ columns: [t.at, t.productId] })],
);

/**
 * How many rows of a list (`products`, `orders`) have their id in each bucket of 1,000 ids
 * (`id / 1000`), so a page by number starts its walk at the bucket that holds its first row instead
 * of stepping over every id before it. Kept exact by statement triggers on those tables
 * (drizzle 0014): each statement appends its net count per bucket to `list_position_changes` (no
 * unique key, so writers never wait on one another), and the scheduled compaction folds those
 * rows into `list_positions`. A page reads both.
 */
export const listPositions = pgTable(
  "list_positions",
  {
    list: text("list").notNull(),
    bucket: bigint("bucket", { mode: "number" }).notNull(),
    rows: bigint("rows", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.list, t.bucket] })],
);

/** Net row counts per list and id bucket appended by writes, not yet folded into `list_positions`. */
export const listPositionChanges = pgTable("list_position_changes", {
  list: text("list").notNull(),
  bucket: bigint("bucket", { mode: "number" }).notNull(),
  rows: bigint("rows", { mode: "number" }).notNull(),
});
