import { neon, neonConfig } from "@neondatabase/serverless";

interface SeedSizes {
  products: number;
  orders: number;
  lines: number;
}

interface SeedOptions extends SeedSizes {
  /** The same seed and sizes always give the same rows, ids included. */
  seed: number;
}

export interface SeedProgress {
  table: "products" | "orders" | "orders_products";
  done: number;
  total: number;
}

/** The statements each carry this many rows at most: a few MB of JSON, well under Neon's limits. */
const CHUNK = { products: 20_000, orders: 100_000, orders_products: 100_000 } as const;
/** Statements in flight at once. */
const PARALLEL = 2;

// Orders are spread over 2026 (the README's report example covers it); products exist before.
const ORDERS_FROM = Date.UTC(2026, 0, 1) / 1000;
const ORDERS_SPAN = 365 * 24 * 3600;
const PRODUCTS_AT = "2025-12-01T00:00:00Z";

const ADJECTIVES = ["Compact", "Sturdy", "Classic", "Modern", "Folding", "Tall", "Low", "Wide", "Slim", "Rustic"];
const MATERIALS = ["Oak", "Walnut", "Steel", "Birch", "Bamboo", "Glass", "Ash", "Pine", "Maple", "Teak"];
const NOUNS = ["Desk", "Chair", "Lamp", "Shelf", "Stool", "Table", "Cabinet", "Bench", "Drawer", "Stand"];

/** mulberry32: a tiny seeded PRNG, so the data set is the same on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function validateSizes({ products, orders, lines }: SeedSizes): string | undefined {
  for (const [name, n] of Object.entries({ products, orders, lines })) {
    if (!Number.isSafeInteger(n) || n < 0) return `--${name} must be a whole number ≥ 0, got ${n}`;
  }
  if (lines > 0 && (products === 0 || orders === 0)) return "order lines need at least one product and one order";
  if (orders > lines) return `every order gets at least one line: --lines (${lines}) must be ≥ --orders (${orders})`;
  return undefined;
}

/** Rows as parallel arrays, one per column: what `unnest()` turns back into a set in one statement. */
function* productChunks(rand: () => number, total: number) {
  for (let start = 0; start < total; start += CHUNK.products) {
    const n = Math.min(CHUNK.products, total - start);
    const chunk = {
      id: [] as number[],
      name: [] as string[],
      price: [] as string[],
      cost: [] as string[],
      stock: [] as number[],
    };
    for (let i = 0; i < n; i++) {
      const id = start + i + 1;
      const pick = (list: string[]) => list[Math.floor(rand() * list.length)];
      const cents = 100 + Math.floor(rand() * 99_900);
      chunk.id.push(id);
      chunk.name.push(`${pick(ADJECTIVES)} ${pick(MATERIALS)} ${pick(NOUNS)} #${id}`);
      chunk.price.push((cents / 100).toFixed(2));
      chunk.cost.push((Math.floor(cents * (0.35 + rand() * 0.45)) / 100).toFixed(2));
      chunk.stock.push(Math.floor(rand() * 500));
    }
    yield chunk;
  }
}

function* orderChunks(rand: () => number, total: number) {
  for (let start = 0; start < total; start += CHUNK.orders) {
    const n = Math.min(CHUNK.orders, total - start);
    const chunk = { id: [] as number[], at: [] as number[] };
    for (let i = 0; i < n; i++) {
      const index = start + i;
      chunk.id.push(index + 1);
      // Ascending with the id, with jitter inside each order's slot.
      chunk.at.push(ORDERS_FROM + Math.floor(((index + rand()) * ORDERS_SPAN) / total));
    }
    yield chunk;
  }
}

function* lineChunks(rand: () => number, total: number, orders: number, products: number) {
  for (let start = 0; start < total; start += CHUNK.orders_products) {
    const n = Math.min(CHUNK.orders_products, total - start);
    const chunk = { id: [] as number[], order: [] as number[], product: [] as number[], amount: [] as number[] };
    for (let i = 0; i < n; i++) {
      const index = start + i;
      chunk.id.push(index + 1);
      // The first line of every order comes first, so no order is left empty.
      chunk.order.push(index < orders ? index + 1 : 1 + Math.floor(rand() * orders));
      // Squared: low ids sell far more often, which gives the report a long tail.
      chunk.product.push(1 + Math.floor(rand() ** 2 * products));
      chunk.amount.push(1 + Math.floor(rand() ** 2 * 10));
    }
    yield chunk;
  }
}

export class NotEmptyError extends Error {}

/** Errors of the connection, not of the SQL: the statement may not have reached the database. */
function transient(err: unknown): boolean {
  return err instanceof Error && /^(Error connecting to database|Server error \(HTTP status 5)/.test(err.message);
}

/**
 * A dropped connection or a 5xx loses one chunk, not the whole seed: the chunk is sent again (up
 * to three times). The statements skip ids that already exist, so a chunk that did commit before
 * its answer was lost is not written twice.
 */
async function retried<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (attempt >= 3 || !transient(err)) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

/**
 * Sends each chunk as it is generated, with up to `parallel` statements in flight: Postgres
 * checks foreign keys and updates indexes row by row, and two backends use two cores.
 */
async function pump<T>(chunks: Iterable<T>, send: (chunk: T) => Promise<unknown>, parallel: number): Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  for (const chunk of chunks) {
    const p: Promise<unknown> = retried(() => send(chunk)).finally(() => inFlight.delete(p));
    // A failure is reported once, through the race or the final wait, never as unhandled.
    p.catch(() => undefined);
    inFlight.add(p);
    if (inFlight.size >= parallel) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

/**
 * Fills an empty database with a deterministic data set through Neon's SQL-over-HTTP protocol,
 * in set-based statements of up to 100,000 rows (`insert … select … from unnest($1, $2, …)`).
 * Line prices and dates are copied from their product and order inside the statement, as the
 * API does when it writes a line; the report rollups are rebuilt at the end.
 */
export async function seedDatabase(
  databaseUrl: string,
  fetchEndpoint: string | undefined,
  options: SeedOptions,
  onProgress: (progress: SeedProgress) => void = () => undefined,
): Promise<void> {
  if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
  const sql = neon(databaseUrl);
  const [{ rows }] = (await sql.query(
    "select (select count(*) from products) + (select count(*) from orders) + (select count(*) from orders_products) as rows",
  )) as [{ rows: string }];
  if (Number(rows) > 0) {
    throw new NotEmptyError(
      `The database already has ${Number(rows).toLocaleString("en")} rows. The seed fills an empty database so that its ids are always the same: run \`npm run db:reset\` first.`,
    );
  }

  const rand = random(options.seed);
  const counter = (table: SeedProgress["table"], total: number) => {
    let done = 0;
    return (rows: number) => {
      done += rows;
      onProgress({ table, done, total });
    };
  };
  let progress = counter("products", options.products);
  await pump(
    productChunks(rand, options.products),
    async (c) => {
      await sql.query(
        `insert into products (id, product_name, price, cost, stock, created_at, updated_at) overriding system value
         select id, name, price, cost, stock, $6::timestamptz, $6::timestamptz
         from unnest($1::bigint[], $2::text[], $3::numeric[], $4::numeric[], $5::int[]) as t(id, name, price, cost, stock)
         on conflict (id) do nothing`,
        [c.id, c.name, c.price, c.cost, c.stock, PRODUCTS_AT],
      );
      progress(c.id.length);
    },
    PARALLEL,
  );
  progress = counter("orders", options.orders);
  await pump(
    orderChunks(rand, options.orders),
    async (c) => {
      await sql.query(
        `insert into orders (id, created_at, updated_at) overriding system value
         select id, to_timestamp(at), to_timestamp(at) from unnest($1::bigint[], $2::bigint[]) as t(id, at)
         on conflict (id) do nothing`,
        [c.id, c.at],
      );
      progress(c.id.length);
    },
    PARALLEL,
  );
  progress = counter("orders_products", options.lines);
  await pump(
    lineChunks(rand, options.lines, options.orders, options.products),
    async (c) => {
      await sql.query(
        `insert into orders_products (id, order_id, product_id, amount, unit_price, unit_cost, created_at) overriding system value
         select l.id, l.order_id, l.product_id, l.amount, p.price, p.cost, o.created_at
         from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[]) as l(id, order_id, product_id, amount)
         join products p on p.id = l.product_id
         join orders o on o.id = l.order_id
         on conflict (id) do nothing`,
        [c.id, c.order, c.product, c.amount],
      );
      progress(c.id.length);
    },
    PARALLEL,
  );
  // Explicit ids leave the identity sequences behind; the API's next insert must follow the seed.
  await sql.transaction([
    ...["products", "orders", "orders_products"].map((table) =>
      sql.query(
        `select setval(pg_get_serial_sequence('${table}', 'id'), coalesce((select max(id) from ${table}), 0) + 1, false)`,
      ),
    ),
  ]);
  // The rows went in behind the API's back: the report rollups (orders.line_count and the sales_*
  // tables) the API keeps with every write are rebuilt from them, as the migrations do.
  await sql.query("select rebuild_report_rollups()");
  await sql.query(
    "analyze products, orders, orders_products, sales_daily, sales_monthly, sales_by_product, sales_by_day, sales_running, sales_changes",
  );
}
