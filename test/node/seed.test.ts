import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { neon, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NotEmptyError, seedDatabase, validateSizes } from "../../dev/db/seed.ts";
import { resetDatabase } from "../../dev/stack/migrations.ts";
import { type Stack, startStack } from "../../dev/stack/stack.ts";

// db:seed and db:reset against PGlite behind the Neon proxy: the protocol they use everywhere.
let stack: Stack;
const sql = () => {
  neonConfig.fetchEndpoint = stack.neon.url;
  return neon(stack.postgres.url);
};
const seed = (sizes: { products: number; orders: number; lines: number }, seedValue = 7) =>
  seedDatabase(stack.postgres.url, stack.neon.url, { ...sizes, seed: seedValue });
const small = { products: 30, orders: 40, lines: 100 };

/** One digest per table over every column, so "the same data set" is checked exactly. */
async function digests() {
  const [row] = (await sql().query(`select
    (select md5(string_agg(p::text, ';' order by id)) from products p) as products,
    (select md5(string_agg(o::text, ';' order by id)) from orders o) as orders,
    (select md5(string_agg(l::text, ';' order by id)) from orders_products l) as lines`)) as [Record<string, string>];
  return row;
}

beforeAll(async () => {
  stack = await startStack({});
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  await resetDatabase(stack.postgres.url, stack.neon.url);
});

describe("db:seed", () => {
  it("writes exactly the sizes asked for, the same rows for the same seed, other rows for another", async () => {
    await seed(small);
    const counts = await sql().query(
      "select (select count(*)::int from products) as products, (select count(*)::int from orders) as orders, (select count(*)::int from orders_products) as lines",
    );
    expect(counts).toEqual([small]);
    const first = await digests();

    await resetDatabase(stack.postgres.url, stack.neon.url);
    await seed(small);
    expect(await digests()).toEqual(first);

    await resetDatabase(stack.postgres.url, stack.neon.url);
    await seed(small, 8);
    const other = await digests();
    expect(other.products).not.toBe(first.products);
    expect(other.lines).not.toBe(first.lines);
  });

  it("gives every order a line, copies prices and dates as the API does, and leaves ids to continue after it", async () => {
    await seed(small);
    const checks = await sql().query(`select
      (select count(*)::int from orders o where not exists (select 1 from orders_products l where l.order_id = o.id)) as empty_orders,
      (select count(*)::int from orders_products l join products p on p.id = l.product_id join orders o on o.id = l.order_id
        where l.unit_price <> p.price or l.unit_cost <> p.cost or l.created_at <> o.created_at) as mismatched_lines,
      (select min(created_at) >= '2026-01-01' and max(created_at) < '2027-01-01' from orders) as orders_in_2026`);
    expect(checks).toEqual([{ empty_orders: 0, mismatched_lines: 0, orders_in_2026: true }]);

    const [next] = await sql().query(
      "insert into products (product_name, price, cost, stock) values ('After the seed', 1, 1, 1) returning id",
    );
    expect(next).toEqual({ id: "31" });
  });

  it("leaves the report rollups as the API's writes would have: line counts and monthly sales", async () => {
    await seed(small);
    const checks = await sql().query(`select
      (select count(*)::int from orders o
        where o.line_count <> (select count(*) from orders_products l where l.order_id = o.id)) as wrong_line_counts,
      (select count(*)::int from (
        select date_trunc('month', o.created_at at time zone 'UTC')::date as month, l.product_id,
               count(*)::bigint as order_lines, sum(l.amount)::bigint as units,
               sum(l.amount * l.unit_price) as revenue, sum(l.amount * l.unit_cost) as cost
        from orders_products l join orders o on o.id = l.order_id group by 1, 2
      ) expected full join sales_monthly s using (month, product_id)
        where s is null or expected is null or (s.order_lines, s.units, s.revenue, s.cost)
          is distinct from (expected.order_lines, expected.units, expected.revenue, expected.cost)) as wrong_months,
      (select count(*)::int from (
        select l.product_id, count(*)::bigint as order_lines, sum(l.amount)::bigint as units,
               sum(l.amount * l.unit_price) as revenue, sum(l.amount * l.unit_cost) as cost
        from orders_products l group by 1
      ) expected full join (select * from sales_by_product where order_lines <> 0) s using (product_id)
        where s is null or expected is null or (s.order_lines, s.units, s.revenue, s.cost)
          is distinct from (expected.order_lines, expected.units, expected.revenue, expected.cost)) as wrong_products,
      (select count(distinct month)::int from sales_monthly) as months`);
    expect(checks).toEqual([{ wrong_line_counts: 0, wrong_months: 0, wrong_products: 0, months: 12 }]);
  });

  it("sends a chunk again when its connection drops, without writing it twice", async () => {
    await seed(small);
    const expected = await digests();
    await resetDatabase(stack.postgres.url, stack.neon.url);

    // In front of the Neon proxy: the first order-lines statement is executed, then its
    // connection is cut before the answer, so the seed cannot know that it committed.
    let cut = 0;
    const flaky = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !["host", "content-length", "connection"].includes(k)),
      ) as Record<string, string>;
      const upstream = await fetch(stack.neon.url, { method: "POST", headers, body });
      const text = await upstream.text();
      if (cut === 0 && body.toString().includes("insert into orders_products")) {
        cut++;
        req.socket.destroy();
        return;
      }
      res.writeHead(upstream.status, { "Content-Type": "application/json" });
      res.end(text);
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = flaky.address() as AddressInfo;
      await seedDatabase(stack.postgres.url, `http://127.0.0.1:${port}/sql`, { ...small, seed: 7 });
    } finally {
      flaky.closeAllConnections();
      await new Promise((resolve) => flaky.close(resolve));
    }
    expect(cut).toBe(1);
    expect(await digests()).toEqual(expected);
  });

  it("refuses a database that already has rows, and writes nothing", async () => {
    await sql().query("insert into products (product_name, price, cost, stock) values ('Mine', 1, 1, 1)");
    await expect(seed(small)).rejects.toThrow(NotEmptyError);
    await expect(seed(small)).rejects.toThrow(
      "The database already has 1 rows. The seed fills an empty database so that its ids are always the same: run `npm run db:reset` first.",
    );
    expect(await sql().query("select count(*)::int as n from products")).toEqual([{ n: 1 }]);
  });

  it("checks its sizes", () => {
    expect(validateSizes(small)).toBeUndefined();
    expect(validateSizes({ products: 0, orders: 0, lines: 0 })).toBeUndefined();
    expect(validateSizes({ products: -1, orders: 0, lines: 0 })).toBe("--products must be a whole number ≥ 0, got -1");
    expect(validateSizes({ products: 0, orders: 1, lines: 1 })).toBe(
      "order lines need at least one product and one order",
    );
    expect(validateSizes({ products: 1, orders: 5, lines: 4 })).toBe(
      "every order gets at least one line: --lines (4) must be ≥ --orders (5)",
    );
  });
});

describe("db:reset", () => {
  it("empties a database through the Neon protocol and leaves it migrated", async () => {
    await seed(small);
    await resetDatabase(stack.postgres.url, stack.neon.url);
    const tables = await sql().query(
      "select (select count(*)::int from products) + (select count(*)::int from orders) + (select count(*)::int from orders_products) as rows",
    );
    expect(tables).toEqual([{ rows: 0 }]);
    const [migrations] = await sql().query("select count(*)::int as n from drizzle.__drizzle_migrations");
    expect(migrations?.n).toBeGreaterThan(0);
    const [first] = await sql().query(
      "insert into products (product_name, price, cost, stock) values ('Fresh', 1, 1, 1) returning id",
    );
    expect(first).toEqual({ id: "1" });
  });
});
