// `npm run bench:scale`: the API at scale. A scratch database on a PostgreSQL server is filled by
// the project's own `npm run db:seed` (10,000 products, 200,000 orders, 1,000,000 order lines over
// 2026, report rollups rebuilt), then every scenario is timed through the Worker (`wrangler dev`,
// no Redis: every request reaches the database) and, for the floor, the very SQL the Worker sent,
// replayed straight to Postgres with `pg` and under EXPLAIN ANALYZE. Then the write side of the
// rollups: POST /orders with and without the rollup, and concurrent orders of one product against
// orders of different products. Not run in CI: it takes minutes and its figures are the machine's.
//
//   npm run bench:scale -- [--database-url postgres://postgres@127.0.0.1:5432/postgres]
//     [--use URL] [--keep] [--runs 7] [--seconds 8] [--clients 8,32] [--port P] [--inspector-port P]
//     [--lines 1000000] [--products LINES/100] [--orders LINES/5] [--only report,count]
//
// --database-url names the server (a scratch database is created on it and dropped at the end;
// --keep keeps it and prints its URL, which --use takes to skip seeding next time). --only runs
// the reads whose names contain one of the words, and the writes only when one is "writes".
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import { COMPACT_ROWS, compactionStatement } from "../../src/reports/compaction.ts";
import { startNeonProxy } from "../proxies/neon-proxy/server.ts";
import { applyMigrations } from "../stack/migrations.ts";
import { createScratchDatabase, type Postgres, redact, useServer } from "../stack/postgres.ts";
import { freePort } from "../stack/redis.ts";
import { spawnWranglerDev, waitForApi } from "../stack/wrangler.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const outDir = `${root}.artifacts/bench-scale`;

const { values: opts } = parseArgs({
  options: {
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    use: { type: "string" },
    keep: { type: "boolean", default: false },
    runs: { type: "string", default: "7" },
    seconds: { type: "string", default: "8" },
    clients: { type: "string", default: "8,32" },
    port: { type: "string" },
    "inspector-port": { type: "string" },
    products: { type: "string" },
    orders: { type: "string" },
    lines: { type: "string", default: "1000000" },
    only: { type: "string" },
  },
});
const whole = (name: string, text: string | undefined): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, got ${text}`);
  return n;
};
const runs = whole("runs", opts.runs);
const seconds = whole("seconds", opts.seconds);
const clientCounts = (opts.clients ?? "").split(",").map((c) => whole("clients", c));
// The shape of the default data set at any size: 100 lines per product, 5 per order.
const lines = whole("lines", opts.lines);
const sizes = {
  products: opts.products ? whole("products", opts.products) : Math.max(1, Math.floor(lines / 100)),
  orders: opts.orders ? whole("orders", opts.orders) : Math.max(1, Math.floor(lines / 5)),
  lines,
};

// ---------------------------------------------------------------- numbers

const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sortNum(xs);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const p95 = (xs: number[]) => {
  const s = sortNum(xs);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? Number.NaN;
};
const ms = (n: number) => (Number.isNaN(n) ? "–" : n >= 100 ? n.toFixed(0) : n.toFixed(1));
const bytes = (n: number) =>
  n >= 1_000_000 ? `${(n / 1_000_000).toFixed(2)} MB` : n >= 1000 ? `${(n / 1000).toFixed(1)} kB` : `${n} B`;
const fmt = (n: number) => n.toLocaleString("en");

function table(head: string[], rows: string[][]): string {
  return [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

// ---------------------------------------------------------------- the database

/** Neon's JSON params as the text Postgres gets (the Neon proxy does the same). */
type Param = string | null;
function toParam(value: unknown): Param {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `{${value.map((v) => (v === null ? "NULL" : JSON.stringify(String(v)))).join(",")}}`;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
interface Statement {
  query: string;
  params: Param[];
  /** Statements the Worker sent before it in the same batch (`select set_config(…, true)`), replayed with it. */
  settings?: Statement[];
}

/** Runs `work` on one connection inside a transaction that first applies `s`'s settings, then rolls back. */
async function withSettings<T>(s: Statement, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    for (const setting of s.settings ?? []) await client.query(setting.query, setting.params);
    return await work(client);
  } finally {
    await client.query("rollback").catch(() => undefined);
    client.release();
  }
}
/** One HTTP request of the Worker's Neon driver: a query, or a batch run as one transaction. */
interface Captured {
  statements: Statement[];
  batch: boolean;
  isolation: string | undefined;
  /** From the request reaching the Neon proxy to its answer: Postgres plus the proxy's work. */
  proxyMs: number;
}

async function startDatabase(): Promise<Postgres> {
  if (opts.use) return useServer(opts.use);
  return createScratchDatabase(opts["database-url"] ?? "", "edge_api_scale");
}

const say = (message: string) => console.error(`[bench:scale] ${message}`);

const db = await startDatabase();
const neonProxy = await startNeonProxy({ databaseUrl: db.url, poolSize: 10 });
const pool = new pg.Pool({ connectionString: db.url, max: Math.max(...clientCounts) + 2 });
// Values as text, as the Neon proxy hands them over: the floor pays no parsing the Worker skips.
const rawText = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;
let worker: ChildProcess | undefined;
let tap: Server | undefined;

async function cleanUp(): Promise<void> {
  if (worker && worker.exitCode === null) worker.kill("SIGTERM");
  tap?.closeAllConnections();
  tap?.close();
  await pool.end().catch(() => undefined);
  await neonProxy.close().catch(() => undefined);
  if (opts.keep || opts.use) {
    if (!opts.use) say(`kept the database: npm run bench:scale -- --use ${db.url}`);
  } else {
    await db.close().catch((err) => say(`could not drop the scratch database: ${err}`));
  }
}

async function sqlOne<T extends pg.QueryResultRow>(text: string, params: Param[] = []): Promise<T[]> {
  return (await pool.query<T>(text, params)).rows;
}

/** How long `npm run db:seed` took, rollups rebuilt included; undefined with --use. */
let seededSeconds: number | undefined;

async function seed(): Promise<void> {
  await applyMigrations(db.url, neonProxy.url);
  if (opts.use) {
    const [have] = await sqlOne<{ products: string; orders: string; lines: string }>(
      "select (select count(*) from products) as products, (select count(*) from orders) as orders, (select count(*) from orders_products) as lines",
    );
    if (!have) throw new Error("no counts");
    say(
      `using ${redact(db.url)}: ${fmt(+have.products)} products, ${fmt(+have.orders)} orders, ${fmt(+have.lines)} lines`,
    );
    sizes.products = +have.products;
    sizes.orders = +have.orders;
    sizes.lines = +have.lines;
    return;
  }
  say(`seeding ${redact(db.url)} with npm run db:seed`);
  const started = performance.now();
  const child = spawn(
    "npm",
    [
      "run",
      "--silent",
      "db:seed",
      "--",
      "--products",
      `${sizes.products}`,
      "--orders",
      `${sizes.orders}`,
      "--lines",
      `${sizes.lines}`,
    ],
    {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      // No Redis is in front of the scratch database: a developer's Upstash settings stay out.
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        NEON_FETCH_ENDPOINT: neonProxy.url,
        UPSTASH_REDIS_REST_URL: "",
        UPSTASH_REDIS_REST_TOKEN: "",
      },
    },
  );
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`npm run db:seed exited with ${code}`);
  seededSeconds = (performance.now() - started) / 1000;
  say(`seeded in ${seededSeconds.toFixed(1)} s`);
}

/**
 * The rollups against the lines, row by row: every day's and product's figures (distinct orders
 * included), the changes not yet compacted added, must equal the lines summed; so must the
 * months, all time per product, each day's totals, and the running totals at every boundary (the
 * lines before it, the changes not yet compacted taken out; no row where that is zero), none of
 * the lines folded on or past the horizon.
 */
async function rollupsConsistent(): Promise<boolean> {
  const [row] = await sqlOne<Record<string, string>>(`
    with per_order as (
      select (o.created_at at time zone 'UTC')::date as day, l.order_id, l.product_id, count(*) as n, sum(l.amount) as units,
             sum(l.amount * l.unit_price) as revenue, sum(l.amount * l.unit_cost) as cost
      from orders_products l join orders o on o.id = l.order_id group by l.order_id, l.product_id, o.created_at
    ),
    lines as materialized (
      select day, product_id, count(*) as orders, sum(n) as order_lines, sum(units) as units, sum(revenue) as revenue, sum(cost) as cost
      from per_order group by 1, 2
    ),
    pending as materialized (select * from sales_changes),
    daily as (
      select day, product_id, sum(orders) as orders, sum(order_lines) as order_lines, sum(units) as units,
             sum(revenue) as revenue, sum(cost) as cost
      from (select day, product_id, orders, order_lines, units, revenue, cost from sales_daily
            union all select day, product_id, orders, order_lines, units, revenue, cost from pending where product_id is not null) x
      group by 1, 2 having sum(order_lines) <> 0
    ),
    kept as (
      select month, product_id, sum(orders) as orders, sum(order_lines) as order_lines, sum(units) as units,
             sum(revenue) as revenue, sum(cost) as cost
      from (select month, product_id, orders, order_lines, units, revenue, cost from sales_monthly
            union all select date_trunc('month', day)::date, product_id, orders, order_lines, units, revenue, cost
            from pending where product_id is not null) x
      group by 1, 2
    ),
    months as (
      select date_trunc('month', day)::date as month, product_id, sum(orders) as orders, sum(order_lines) as order_lines,
             sum(units) as units, sum(revenue) as revenue, sum(cost) as cost
      from lines group by 1, 2
    ),
    products as (
      select product_id, sum(orders) as orders, sum(order_lines) as order_lines, sum(units) as units, sum(revenue) as revenue, sum(cost) as cost
      from lines group by 1
    ),
    kept_products as (
      select product_id, sum(orders) as orders, sum(order_lines) as order_lines, sum(units) as units, sum(revenue) as revenue, sum(cost) as cost
      from (select product_id, orders, order_lines, units, revenue, cost from sales_by_product
            union all select product_id, orders, order_lines, units, revenue, cost from pending where product_id is not null) x
      group by 1 having sum(order_lines) <> 0
    ),
    days as (
      select d.day, o.orders, d.order_lines, d.units, d.revenue, d.cost
      from (select day, sum(order_lines) as order_lines, sum(units) as units, sum(revenue) as revenue, sum(cost) as cost from lines group by 1) d
      join (select (created_at at time zone 'UTC')::date as day, count(*) as orders from orders where line_count > 0 group by 1) o using (day)
    ),
    kept_days as (
      select day, sum(orders) as orders, sum(order_lines) as order_lines, sum(units) as units, sum(revenue) as revenue, sum(cost) as cost
      from (select day, orders, order_lines, units, revenue, cost from sales_by_day
            union all select day, case when product_id is null then orders else 0 end, order_lines, units, revenue, cost
            from pending) x
      group by 1 having sum(order_lines) <> 0
    ),
    folded as (
      select day, product_id, sum(orders) as orders, sum(order_lines) as order_lines, sum(units) as units,
             sum(revenue) as revenue, sum(cost) as cost
      from (select day, product_id, orders, order_lines, units, revenue, cost from lines
            union all select day, product_id, -orders, -order_lines, -units, -revenue, -cost
            from pending where product_id is not null) x
      group by 1, 2
    ),
    buckets as (
      select product_id, sales_boundary_after(day) as at, sum(orders) as orders, sum(order_lines) as order_lines,
             sum(units) as units, sum(revenue) as revenue, sum(cost) as cost
      from folded group by 1, 2
    ),
    running as (
      select b.at, p.product_id, sum(coalesce(k.orders, 0)) over w as orders, sum(coalesce(k.order_lines, 0)) over w as order_lines,
             sum(coalesce(k.units, 0)) over w as units, sum(coalesce(k.revenue, 0)) over w as revenue,
             sum(coalesce(k.cost, 0)) over w as cost
      from sales_boundaries((select least((select min(at) from buckets), (select min(at) from sales_running))),
                            (select max(at) from sales_running)) b(at)
      cross join (select distinct product_id from buckets) p
      left join buckets k on k.product_id = p.product_id and k.at = b.at
      window w as (partition by p.product_id order by b.at)
    )
    select
      (select count(*) from folded where order_lines <> 0 and day >= (select max(at) from sales_running)) as past_horizon,
      (select count(*) from running e full join sales_running s using (at, product_id)
         where (s is null and (e.orders, e.order_lines, e.units, e.revenue, e.cost) <> (0, 0, 0, 0, 0))
            or (e is null and (s.orders, s.order_lines, s.units, s.revenue, s.cost) <> (0, 0, 0, 0, 0))
            or (s is not null and e is not null
                and (s.orders, s.order_lines, s.units, s.revenue, s.cost) <> (e.orders, e.order_lines, e.units, e.revenue, e.cost))) as running,
      (select count(*) from orders o where o.line_count <> (select count(*) from orders_products l where l.order_id = o.id)) as line_counts,
      (select count(*) from lines e full join daily s using (day, product_id)
         where s is null or e is null
            or (s.orders, s.order_lines, s.units, s.revenue, s.cost) is distinct from (e.orders, e.order_lines, e.units, e.revenue, e.cost)) as days,
      (select count(*) from months e full join (select * from kept where order_lines <> 0) s using (month, product_id)
         where s is null or e is null
            or (s.orders, s.order_lines, s.units, s.revenue, s.cost) is distinct from (e.orders, e.order_lines, e.units, e.revenue, e.cost)) as months,
      (select count(*) from products e full join kept_products s using (product_id)
         where s is null or e is null
            or (s.orders, s.order_lines, s.units, s.revenue, s.cost) is distinct from (e.orders, e.order_lines, e.units, e.revenue, e.cost)) as products,
      (select count(*) from days e full join kept_days s using (day)
         where s is null or e is null
            or (s.orders, s.order_lines, s.units, s.revenue, s.cost) is distinct from (e.orders, e.order_lines, e.units, e.revenue, e.cost))
      as totals`);
  const wrong = Object.entries(row ?? {}).filter(([, n]) => n !== "0");
  if (wrong.length) say(`rows of the rollups that differ from the lines: ${JSON.stringify(Object.fromEntries(wrong))}`);
  return row !== undefined && wrong.length === 0;
}

/**
 * The report summed from the lines and their orders alone, by its definition, as the API shapes
 * it (money as exact decimal text here, compared as numbers): what every report answer is checked
 * against.
 */
async function reportFromLines(path: string): Promise<unknown> {
  const q = new URL(path, "http://x").searchParams;
  const [row] = await sqlOne<{ report: { totals: Record<string, string>; products: Record<string, string>[] } }>(
    `with l as (
       select l.* from orders_products l join orders o on o.id = l.order_id
       where ($1::date is null or o.created_at >= $1::date::timestamp at time zone 'UTC')
         and ($2::date is null or o.created_at < ($2::date + 1)::timestamp at time zone 'UTC')
     ),
     per_product as (
       select l.product_id, count(distinct l.order_id) as orders, sum(l.amount) as units,
              sum(l.amount * l.unit_price) as revenue, sum(l.amount * l.unit_cost) as cost
       from l group by 1
     )
     select json_build_object(
       'totals', (select json_build_object('orders', count(distinct order_id), 'order_lines', count(*),
          'units', coalesce(sum(amount), 0), 'revenue', coalesce(sum(amount * unit_price), 0)::text,
          'cost', coalesce(sum(amount * unit_cost), 0)::text,
          'profit', coalesce(sum(amount * unit_price) - sum(amount * unit_cost), 0)::text) from l),
       'products', (select coalesce(json_agg(json_build_object('product_id', x.product_id, 'product_name', p.product_name,
          'orders', x.orders, 'units', x.units, 'revenue', x.revenue::text, 'cost', x.cost::text,
          'profit', (x.revenue - x.cost)::text) order by x.revenue desc, x.product_id), '[]')
        from (select * from per_product order by revenue desc, product_id limit $3) x join products p on p.id = x.product_id)
     ) as report`,
    [q.get("from"), q.get("to"), q.get("limit") ?? "100"],
  );
  const numbers = (o: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k === "product_name" ? v : Number(v)]));
  return {
    range: { from: q.get("from"), to: q.get("to") },
    totals: numbers(row?.report.totals ?? {}),
    products: (row?.report.products ?? []).map(numbers),
  };
}

/** A page of orders as SQL over the lines makes it: ids, line counts and totals. */
async function ordersFromLines(ids: number[]): Promise<unknown> {
  const rows = await sqlOne<{ id: string; lines: string; total: string }>(
    `select o.id, count(l.id) as lines, coalesce(sum(l.amount * l.unit_price), 0)::text as total
     from orders o left join orders_products l on l.order_id = o.id where o.id = any($1::bigint[]) group by o.id order by o.id`,
    [`{${ids.join(",")}}`],
  );
  return rows.map((r) => ({ id: Number(r.id), lines: Number(r.lines), total: Number(r.total) }));
}

/** Every answer checked against SQL over the tables: a fast wrong answer is no answer. */
async function checkAnswer(path: string, text: string): Promise<void> {
  const body = JSON.parse(text);
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new Error(`${path}: ${what} differs from SQL over the lines:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);
    }
  };
  if (path.startsWith("/reports-all")) {
    const { generated_at: _g, ...rest } = body as Record<string, unknown>;
    same("the report", rest, await reportFromLines(path));
  } else if (path.startsWith("/orders-list")) {
    const orders = body as { order_id: number; total: number; products: unknown[] }[];
    same(
      "the page's orders",
      orders.map((o) => ({ id: o.order_id, lines: o.products.length, total: o.total })),
      await ordersFromLines(orders.map((o) => o.order_id)),
    );
  }
}

// ---------------------------------------------------------------- the Worker, and what it sends

/** In front of the Neon proxy: records each request's statements and how long the proxy took. */
let captured: Captured[] = [];
async function startTap(): Promise<string> {
  const readAll = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  tap = createServer(async (req, res) => {
    const body = await readAll(req);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !["host", "content-length", "connection"].includes(k)),
    ) as Record<string, string>;
    const t0 = performance.now();
    const upstream = await fetch(neonProxy.url, { method: "POST", headers, body });
    const answer = Buffer.from(await upstream.arrayBuffer());
    const proxyMs = performance.now() - t0;
    const parsed = JSON.parse(body.toString("utf8")) as
      | { query: string; params?: unknown[] }
      | { queries: { query: string; params?: unknown[] }[] };
    const list = "queries" in parsed ? parsed.queries : [parsed];
    captured.push({
      statements: list.map((q) => ({ query: q.query, params: (q.params ?? []).map(toParam) })),
      batch: "queries" in parsed,
      isolation: headers["neon-batch-isolation-level"],
      proxyMs,
    });
    res.writeHead(upstream.status, { "Content-Type": upstream.headers.get("content-type") ?? "application/json" });
    res.end(answer);
  });
  await new Promise<void>((resolve) => tap?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(tap.address() as AddressInfo).port}/sql`;
}

async function startWorker(neonEndpoint: string): Promise<string> {
  const port = opts.port ? whole("port", opts.port) : await freePort();
  const inspector = opts["inspector-port"] ? whole("inspector-port", opts["inspector-port"]) : await freePort();
  // No Upstash bindings: the cache is off, every request goes to the database (X-Cache: BYPASS).
  worker = spawnWranglerDev(
    port,
    { DATABASE_URL: db.url, NEON_FETCH_ENDPOINT: neonEndpoint, AUTH_DISABLED: "true" },
    "ignore",
    "ignore",
    ["--inspector-port", String(inspector)],
  );
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitForApi(url, worker))) throw new Error("wrangler dev did not start");
  return url;
}

// ---------------------------------------------------------------- reads

interface ReadResult {
  name: string;
  path: string;
  status: number;
  bodyBytes: number;
  apiMs: number;
  proxyMs: number;
  pgMs: number;
  explainMs: number;
  planMs: number;
  statement: Statement;
}

/** Runs the statement straight on Postgres, as text, the way the Neon proxy does. */
async function direct(s: Statement): Promise<number> {
  return withSettings(s, async (client) => {
    const t0 = performance.now();
    await client.query({ text: s.query, values: s.params, rowMode: "array", types: rawText });
    return performance.now() - t0;
  });
}

/**
 * EXPLAIN ANALYZE's execution time, taken without per-node timing (whose clock reads inflate a
 * scan of many rows), and the plan with per-node timing, for the record.
 */
async function explain(s: Statement): Promise<{ exec: number; plan: number; text: string }> {
  const [json] = await withSettings(
    s,
    async (c) =>
      (
        await c.query<{ "QUERY PLAN": [{ "Execution Time": number; "Planning Time": number }] }>(
          `explain (analyze, timing off, format json) ${s.query}`,
          s.params,
        )
      ).rows,
  );
  const rows = await withSettings(
    s,
    async (c) => (await c.query<{ "QUERY PLAN": string }>(`explain (analyze, buffers) ${s.query}`, s.params)).rows,
  );
  const first = json?.["QUERY PLAN"][0];
  return {
    exec: first?.["Execution Time"] ?? Number.NaN,
    plan: first?.["Planning Time"] ?? Number.NaN,
    text: rows.map((r) => r["QUERY PLAN"]).join("\n"),
  };
}

const slug = (s: string) =>
  s
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();

async function timeRead(api: string, name: string, path: string): Promise<ReadResult> {
  // One unmeasured call warms the isolate, the plan cache and the pages it reads.
  await (await fetch(`${api}${path}`)).arrayBuffer();
  const apiTimes: number[] = [];
  const proxyTimes: number[] = [];
  const pgTimes: number[] = [];
  let status = 0;
  let bodyBytes = 0;
  let statement: Statement | undefined;
  // Interleaved (API, then the same SQL directly), so a change of load on the machine hits both.
  for (let i = 0; i < runs; i++) {
    captured = [];
    const t0 = performance.now();
    const res = await fetch(`${api}${path}`);
    const body = await res.arrayBuffer();
    apiTimes.push(performance.now() - t0);
    status = res.status;
    bodyBytes = body.byteLength;
    if (i === 0) await checkAnswer(path, Buffer.from(body).toString("utf8"));
    if (res.headers.get("X-Cache") !== "BYPASS") throw new Error(`${path}: X-Cache ${res.headers.get("X-Cache")}`);
    const [trip, ...more] = captured;
    // One request: one statement, after at most the settings for it (a report's batch).
    const settings = trip?.statements.slice(0, -1) ?? [];
    const main = trip?.statements.at(-1);
    if (!trip || !main || more.length > 0 || !settings.every((s) => s.query.trim().startsWith("select set_config("))) {
      throw new Error(
        `${path} (${res.status}): expected one database request with one statement, saw ${captured.map((c) => c.statements.map((s) => s.query.slice(0, 60)).join(" / ")).join(" | ")}`,
      );
    }
    proxyTimes.push(trip.proxyMs);
    statement = { ...main, settings };
    if (statement) pgTimes.push(await direct(statement));
  }
  if (!statement) throw new Error(`${path}: no statement`);
  const plans = [await explain(statement), await explain(statement), await explain(statement)];
  const last = plans[plans.length - 1];
  writeFileSync(
    `${outDir}/plans/${slug(name)}.txt`,
    `${path}\n\n${(statement.settings ?? []).map((x) => `${x.query};\n`).join("")}${statement.query}\n\nparams: ${JSON.stringify(statement.params)}\n\n${last?.text ?? ""}\n`,
  );
  return {
    name,
    path,
    status,
    bodyBytes,
    apiMs: median(apiTimes),
    proxyMs: median(proxyTimes),
    pgMs: median(pgTimes),
    explainMs: median(plans.map((p) => p.exec)),
    planMs: median(plans.map((p) => p.plan)),
    statement,
  };
}

// ---------------------------------------------------------------- writes

async function post(api: string, path: string, body: unknown): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${api}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

/** The rollup's CTE in an order write (src/reports/rollups.ts), cut out to price the write without it. */
const ROLLUP_CTE =
  /,\s*change_pairs as \([\s\S]*?rolled as \(\s*insert into sales_changes[\s\S]*?where d\.orders <> 0\s*group by 1\s*\)/;

function withoutRollup(statements: Statement[]): Statement[] {
  let cut = 0;
  const out = statements.map((s) => {
    if (!ROLLUP_CTE.test(s.query)) return s;
    cut++;
    return { ...s, query: s.query.replace(ROLLUP_CTE, "") };
  });
  if (cut !== 1) throw new Error(`expected the rollup CTE in one statement of the order write, found it in ${cut}`);
  return out;
}

const ISOLATION: Record<string, string> = {
  ReadCommitted: "read committed",
  RepeatableRead: "repeatable read",
  Serializable: "serializable",
};

/**
 * A captured write batch replayed as the Neon proxy runs it: one transaction. Orders written
 * without the rollup are noted in `unrolled`, to be deleted once measured: the rollups never
 * counted them, so the data stays consistent for the check at the end.
 */
const unrolled: string[] = [];
async function replay(
  client: pg.PoolClient,
  batch: Statement[],
  isolation: string | undefined,
  rollup = true,
): Promise<number> {
  const t0 = performance.now();
  await client.query(isolation ? `begin isolation level ${ISOLATION[isolation] ?? "read committed"}` : "begin");
  const answers: pg.QueryArrayResult[] = [];
  try {
    for (const s of batch) {
      answers.push(await client.query({ text: s.query, values: s.params, rowMode: "array", types: rawText }));
    }
    await client.query("commit");
  } catch (err) {
    await client.query("rollback");
    throw err;
  }
  const ms = performance.now() - t0;
  if (!rollup) {
    const answer = answers.find((a) => a.fields[0]?.name === "body");
    const id = answer?.rows[0]?.[0];
    if (typeof id !== "string") throw new Error("the order write answered no id");
    unrolled.push(id);
  }
  return ms;
}

/** The order write's batch with its lines changed to `products` (one line each, amount 1). */
function withProducts(batch: Statement[], products: number[]): Statement[] {
  let found = 0;
  const out = batch.map((s) => ({
    ...s,
    params: s.params.map((p) => {
      if (p === null || !p.startsWith("[{")) return p;
      const lines = JSON.parse(p) as { o: number; p: number; a: number }[];
      if (!lines.every((l) => "p" in l)) return p;
      found++;
      return JSON.stringify(products.map((id) => ({ o: 1, p: id, a: 1 })));
    }),
  }));
  if (found !== 1) throw new Error(`expected one lines parameter in the order write, found ${found}`);
  return out;
}

interface LoadResult {
  orders: number;
  perSecond: number;
  p50: number;
  p95: number;
  errors: number;
}

async function load(clients: number, once: (client: number) => Promise<number>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, k) => {
      while (performance.now() < until) {
        try {
          latencies.push(await once(k));
        } catch (err) {
          errors++;
          if (errors === 1) say(`a write failed: ${err instanceof Error ? err.message : err}`);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    orders: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: median(latencies),
    p95: p95(latencies),
    errors,
  };
}

// ---------------------------------------------------------------- writes, measured

interface WriteResults {
  n: number;
  api: number[];
  proxy: number[];
  replayed: number[];
  withoutRollup: number[];
  contention: { clients: number; same: boolean; api: LoadResult; db: LoadResult; dbBare: LoadResult }[];
}

async function measureWrites(api: string): Promise<WriteResults> {
  // POST /orders with 3 lines, one at a time: end to end, then the captured batch replayed with
  // and without the rollup's CTE, interleaved.
  const n = Math.max(30, runs * 5);
  const threeLines = { product_ids: [11, 12, 13], amounts: [1, 2, 3] };
  await post(api, "/orders", threeLines);
  const apiTimes: number[] = [];
  const proxyTimes: number[] = [];
  let batch: Statement[] = [];
  let isolation: string | undefined;
  for (let i = 0; i < n; i++) {
    captured = [];
    const r = await post(api, "/orders", threeLines);
    if (r.status !== 201) throw new Error(`POST /orders answered ${r.status}`);
    apiTimes.push(r.ms);
    const [trip] = captured;
    if (!trip || captured.length !== 1) throw new Error(`POST /orders: ${captured.length} database requests`);
    proxyTimes.push(trip.proxyMs);
    batch = trip.statements;
    isolation = trip.isolation;
  }
  writeFileSync(
    `${outDir}/plans/post-orders-batch.txt`,
    batch.map((s) => `${s.query}\n\nparams: ${JSON.stringify(s.params)}`).join("\n\n-- next statement\n\n"),
  );
  const bare = withoutRollup(batch);
  const replayed: number[] = [];
  const withoutRollupTimes: number[] = [];
  const client = await pool.connect();
  try {
    for (let i = 0; i < n; i++) {
      replayed.push(await replay(client, batch, isolation));
      withoutRollupTimes.push(await replay(client, bare, isolation, false));
    }
  } finally {
    client.release();
  }

  // Hot rows: every client orders the same product (one sales_monthly row for all), or each its
  // own product; through the API, then the batch straight on Postgres (no Worker in the way).
  const hot = 21;
  const own = (k: number) => 5001 + k;
  const contention: WriteResults["contention"] = [];
  for (const clients of clientCounts) {
    for (const same of [true, false]) {
      const product = (k: number) => (same ? hot : own(k));
      const apiRun = await load(clients, async (k) => {
        const p = product(k);
        const r = await post(api, "/orders", { product_ids: [p, p, p], amounts: [1, 1, 1] });
        if (r.status !== 201) throw new Error(`POST /orders answered ${r.status}`);
        return r.ms;
      });
      const onDb = (statements: Statement[], rollup: boolean) =>
        load(clients, async (k) => {
          const c = await pool.connect();
          try {
            const p = product(k);
            return await replay(c, withProducts(statements, [p, p, p]), isolation, rollup);
          } finally {
            c.release();
          }
        });
      const db = await onDb(batch, true);
      const dbBare = await onDb(bare, false);
      contention.push({ clients, same, api: apiRun, db, dbBare });
      say(
        `${clients} clients, ${same ? "one product" : "own products"}: API ${apiRun.perSecond.toFixed(0)}/s p95 ${ms(apiRun.p95)} ms; DB ${db.perSecond.toFixed(0)}/s p95 ${ms(db.p95)} ms; DB without rollup ${dbBare.perSecond.toFixed(0)}/s p95 ${ms(dbBare.p95)} ms`,
      );
    }
  }
  await sqlOne("delete from orders where id = any($1::bigint[])", [`{${unrolled.join(",")}}`]);
  return { n, api: apiTimes, proxy: proxyTimes, replayed, withoutRollup: withoutRollupTimes, contention };
}

function writeTables(w: WriteResults): string {
  const latency = table(
    ["`POST /orders`, 3 lines, one at a time", "p50 ms", "p95 ms"],
    [
      ["through the API (end to end)", ms(median(w.api)), ms(p95(w.api))],
      ["its batch at the Neon proxy", ms(median(w.proxy)), ms(p95(w.proxy))],
      ["its batch replayed via pg, one transaction", ms(median(w.replayed)), ms(p95(w.replayed))],
      ["the same batch without the rollup CTE", ms(median(w.withoutRollup)), ms(p95(w.withoutRollup))],
    ],
  );
  const cell = (r: LoadResult) =>
    `${r.perSecond.toFixed(0)}/s, p50 ${ms(r.p50)}, p95 ${ms(r.p95)}${r.errors ? `, ${r.errors} errors` : ""}`;
  const contention = table(
    ["clients", "each order: 3 lines of", "through the API", "its batch via pg", "its batch via pg, no rollup"],
    w.contention.map((c) => [
      String(c.clients),
      c.same ? "the same product for all (one rollup row)" : "a product of its client's own",
      cell(c.api),
      cell(c.db),
      cell(c.dbBare),
    ]),
  );
  return `${latency}\n\n${contention}`;
}

// ---------------------------------------------------------------- floors: SQL without the API

/** What the lists and the report cannot beat: ids alone, and one scan of every line. */
async function floors(): Promise<[string, number][]> {
  const deep = Math.floor(sizes.orders / 2);
  const last = Math.max(0, Math.ceil(sizes.orders / 100) * 100 - 100);
  const statements: [string, string][] = [
    [`order ids only, offset ${fmt(deep)}`, `select id from orders order by id limit 101 offset ${deep}`],
    [`order ids only, offset ${fmt(last)}`, `select id from orders order by id limit 101 offset ${last}`],
    [`order ids only, after ${fmt(last)}`, `select id from orders where id > ${last} order by id limit 101`],
    [
      "sales_monthly summed per product, every month",
      "select product_id, sum(order_lines), sum(units), sum(revenue), sum(cost) from sales_monthly group by product_id",
    ],
    [
      "every line summed per product (one scan)",
      "select product_id, count(*), sum(amount), sum(amount * unit_price), sum(amount * unit_cost) from orders_products group by product_id",
    ],
  ];
  const out: [string, number][] = [];
  for (const [name, query] of statements) {
    await direct({ query, params: [] });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await direct({ query, params: [] }));
    out.push([name, median(times)]);
  }
  return out;
}

// ---------------------------------------------------------------- the run

try {
  mkdirSync(`${outDir}/plans`, { recursive: true });
  await seed();
  // The seed's rollup rebuild updates every order: vacuum as autovacuum would have by now, so the
  // figures are those of a settled table (index-only scans without heap visits).
  await sqlOne("vacuum analyze");
  const consistent = await rollupsConsistent();
  say(`report rollups consistent with the lines: ${consistent ? "yes" : "NO"}`);
  if (!consistent) throw new Error("the report rollups do not match the lines");
  const [range] = await sqlOne<{ first: string; last: string; months: string }>(
    "select (select min(created_at)::date::text from orders) as first, (select max(created_at)::date::text from orders) as last, (select count(distinct month) from sales_monthly) as months",
  );

  const loadAtStart = loadavg();
  const api = await startWorker(await startTap());
  say(`Worker on ${api} (wrangler dev, no Redis)`);

  const { orders: nOrders, products: nProducts } = sizes;
  const deepOrders = Math.max(1, Math.floor(nOrders / 100 / 2));
  const lastOrders = Math.ceil(nOrders / 100);
  const deepProducts = Math.max(1, Math.floor(nProducts / 100 / 2));
  const lastProducts = Math.ceil(nProducts / 100);
  const reads: [string, string][] = [
    ["orders, page 1", "/orders-list?page=1&page_size=100"],
    [`orders, page ${deepOrders}`, `/orders-list?page=${deepOrders}&page_size=100`],
    [`orders, page ${lastOrders} (last)`, `/orders-list?page=${lastOrders}&page_size=100`],
    [`orders, page ${lastOrders + 1000} (past the end)`, `/orders-list?page=${lastOrders + 1000}&page_size=100`],
    [`orders, after=${(deepOrders - 1) * 100}`, `/orders-list?after=${(deepOrders - 1) * 100}&page_size=100`],
    [`orders, after=${(lastOrders - 1) * 100} (last)`, `/orders-list?after=${(lastOrders - 1) * 100}&page_size=100`],
    [`orders, after=${nOrders} (past the end)`, `/orders-list?after=${nOrders}&page_size=100`],
    ["products, page 1", "/products?page=1&page_size=100"],
    [`products, page ${deepProducts}`, `/products?page=${deepProducts}&page_size=100`],
    [`products, page ${lastProducts} (last)`, `/products?page=${lastProducts}&page_size=100`],
    [`products, page ${lastProducts + 1000} (past the end)`, `/products?page=${lastProducts + 1000}&page_size=100`],
    [`products, after=${(deepProducts - 1) * 100}`, `/products?after=${(deepProducts - 1) * 100}&page_size=100`],
    [`products, after=${(lastProducts - 1) * 100} (last)`, `/products?after=${(lastProducts - 1) * 100}&page_size=100`],
    ["orders-count", "/orders-count"],
    ["products-count", "/products-count"],
    ["orders_products-count", "/orders_products-count"],
    ["report, full range", "/reports-all"],
    ["report, full range, limit=1000", "/reports-all?limit=1000"],
    ["report, one month (2026-06)", "/reports-all?from=2026-06-01&to=2026-06-30"],
    ["report, 2026-03-15 … 2026-09-14", "/reports-all?from=2026-03-15&to=2026-09-14"],
    ["report, one day (2026-06-15)", "/reports-all?from=2026-06-15&to=2026-06-15"],
    ["report, 2026-01-31 … 2026-12-30", "/reports-all?from=2026-01-31&to=2026-12-30"],
    ["report, 2026-02-10 … 2026-02-20", "/reports-all?from=2026-02-10&to=2026-02-20"],
    ["report, 2026-06-10 … 2026-06-11 (2 days)", "/reports-all?from=2026-06-10&to=2026-06-11"],
    ["report, 2026-06-10 … 2026-06-12 (3 days)", "/reports-all?from=2026-06-10&to=2026-06-12"],
    ["report, 2026-06-10 … 2026-06-17 (8 days)", "/reports-all?from=2026-06-10&to=2026-06-17"],
    ["report, 2026-02-04 … 2026-02-15", "/reports-all?from=2026-02-04&to=2026-02-15"],
    ["report, 2026-03-15 … 2026-09-14, limit=1000", "/reports-all?from=2026-03-15&to=2026-09-14&limit=1000"],
    ["report, from=2026-07-16", "/reports-all?from=2026-07-16"],
    ["report, to=2026-04-14", "/reports-all?to=2026-04-14"],
  ];
  const only = opts.only?.split(",").filter(Boolean);
  const picked = (name: string) => !only || only.some((word) => name.includes(word));
  const readResults: ReadResult[] = [];
  for (const [name, path] of reads.filter(([name]) => picked(name))) {
    const r = await timeRead(api, name, path);
    say(`${name}: API ${ms(r.apiMs)} ms, SQL ${ms(r.pgMs)} ms, EXPLAIN ${ms(r.explainMs)} ms`);
    readResults.push(r);
  }
  const floorResults = picked("floors") ? await floors() : [];
  const writes = picked("writes") ? await measureWrites(api) : undefined;
  if (writes) {
    // The writes left their changes uncompacted (no Cron Trigger runs here): reports fold them.
    const [pending] = await sqlOne<{ n: string }>("select count(*) as n from sales_changes");
    const again = ["report, full range", "report, from=2026-07-16", "report, 2026-03-15 … 2026-09-14"];
    for (const [name, path] of reads.filter(([name]) => again.includes(name) && picked(name))) {
      const r = await timeRead(api, `${name}, ${fmt(Number(pending?.n))} changes not yet compacted`, path);
      say(`${r.name}: API ${ms(r.apiMs)} ms, SQL ${ms(r.pgMs)} ms, EXPLAIN ${ms(r.explainMs)} ms`);
      readResults.push(r);
    }
  }
  let compaction: string | undefined;
  if (writes) {
    // The scheduled compaction's statement, run until nothing is left: its cost per change folded
    // (the running totals included), and the rollups it leaves are checked against the lines.
    const pendingConsistent = await rollupsConsistent();
    say(`report rollups consistent with the lines, changes pending: ${pendingConsistent ? "yes" : "NO"}`);
    if (!pendingConsistent) throw new Error("the report rollups do not match the lines");
    const started = performance.now();
    let folded = 0;
    let statements = 0;
    for (;;) {
      const query = new PgDialect().sqlToQuery(compactionStatement(COMPACT_ROWS));
      const [done] = await sqlOne<{ moved: number }>(query.sql, query.params as Param[]);
      statements++;
      folded += Number(done?.moved ?? 0);
      if (Number(done?.moved ?? 0) < COMPACT_ROWS) break;
    }
    compaction = `Compaction of the writes' changes: ${fmt(folded)} rows folded in ${statements} statement(s), ${ms(performance.now() - started)} ms.`;
    say(compaction);
  }
  const stillConsistent = await rollupsConsistent();

  const readTable = table(
    ["request", "status, body", "API ms", "Neon proxy ms", "same SQL via pg ms", "EXPLAIN ANALYZE ms (planning)"],
    readResults.map((r) => [
      `\`${r.name}\``,
      `${r.status}, ${bytes(r.bodyBytes)}`,
      ms(r.apiMs),
      ms(r.proxyMs),
      ms(r.pgMs),
      `${ms(r.explainMs)} (${ms(r.planMs)})`,
    ]),
  );
  const floorTable = table(
    ["floor: SQL alone", "via pg ms"],
    floorResults.map(([name, t]) => [name, ms(t)]),
  );
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(" ");
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}; load average ${load(loadAtStart)} at the start, ${load(loadavg())} at the end`;
  const heading = `${machine}\n\n${fmt(sizes.products)} products, ${fmt(sizes.orders)} orders, ${fmt(sizes.lines)} order lines${seededSeconds === undefined ? "" : ` (seeded in ${seededSeconds.toFixed(0)} s)`}; orders ${range?.first} … ${range?.last} (${range?.months} months in sales_monthly); ${runs} runs per read (median)${writes ? `; writes: ${writes.n} one at a time, then ${seconds} s per concurrency run` : ""}`;
  const report = [
    heading,
    readResults.length ? readTable : "",
    floorResults.length ? floorTable : "",
    writes ? writeTables(writes) : "",
    compaction ?? "",
    `Report rollups consistent with the lines after the run: ${stillConsistent ? "yes" : "NO"}.`,
  ]
    .filter(Boolean)
    .join("\n\n");
  writeFileSync(`${outDir}/results.md`, `${report}\n`);
  writeFileSync(
    `${outDir}/results.json`,
    JSON.stringify(
      { sizes, range, reads: readResults.map(({ statement: _s, ...r }) => r), floors: floorResults, writes },
      null,
      2,
    ),
  );
  console.log(report);
  say(`plans and results in ${outDir}`);
  if (!stillConsistent) process.exitCode = 1;
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
process.exit();
