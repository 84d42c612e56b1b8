// The tables the tests write, children before the tables they reference.
const TABLES = [
  "orders_products",
  "orders",
  "products",
  "cache_outbox",
  "idempotency_keys",
  "sales_changes",
  "sales_daily",
  "sales_monthly",
  "sales_by_product",
  "sales_by_day",
  "sales_running",
  // After products and orders: deleting them appends counts here.
  "list_position_changes",
  "list_positions",
];

/**
 * Empties every table and restarts every id sequence (ids from 1 again) in one statement. DELETE,
 * not TRUNCATE: on these near-empty tables TRUNCATE, which swaps every table's files, took
 * ~23 ms on PGlite and ~94 ms on PostgreSQL 15 per test, against 2-4 ms (measured 2026-12-05,
 * 2-core sandbox; docs/testing.md). A table added by a migration and missing above fails every
 * test with its name, rather than leaking rows between tests.
 */
export const RESET_DATABASE = `do $$
declare
  missing text;
  seq record;
begin
  select string_agg(tablename, ', ') into missing from pg_tables
    where schemaname = 'public' and tablename <> all (array['${TABLES.join("','")}']);
  if missing is not null then
    raise exception 'test/reset-database.ts does not empty %: add it to TABLES', missing;
  end if;
  -- Redis is emptied with the tables: the deletes owe the cache nothing (drizzle/0011's trigger).
  perform set_config('edge.writer', 'tests', true);
  ${TABLES.map((table) => `delete from ${table};`).join("\n  ")}
  for seq in select schemaname, sequencename from pg_sequences where schemaname = 'public' loop
    execute format('alter sequence %I.%I restart', seq.schemaname, seq.sequencename);
  end loop;
end $$`;
