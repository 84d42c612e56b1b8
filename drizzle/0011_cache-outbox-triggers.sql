-- Custom migration (drizzle-kit generate --custom): writes made behind the API (db:seed, Drizzle
-- Studio, psql, a backfill) owe the read cache an invalidation, as the API's own writes do. A
-- statement trigger on each table that cached reads show records the table's cache tag in
-- cache_outbox, in the writing transaction, once per tag and transaction: it commits with the
-- rows it is about and is never lost. The scheduled drain applies it to Redis, or a later API
-- write that finds it older than 2 s, or the data tool itself (dev/cache-outbox.ts). The API's
-- batches record their own outbox row (src/cache/after-write.ts) and say so first
-- (edge.writer), so they get no second one; a statement trigger costs them one call that returns.
CREATE FUNCTION note_cache_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  noted text := coalesce(current_setting('edge.cache_noted', true), '');
BEGIN
  IF coalesce(current_setting('edge.writer', true), '') <> '' OR position(',' || TG_ARGV[0] || ',' IN noted) > 0 THEN
    RETURN NULL;
  END IF;
  INSERT INTO cache_outbox (tags) VALUES (ARRAY[TG_ARGV[0]]);
  PERFORM set_config('edge.cache_noted', noted || ',' || TG_ARGV[0] || ',', true);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER products_cache_outbox AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION note_cache_change('products');
--> statement-breakpoint
CREATE TRIGGER orders_cache_outbox AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON orders
  FOR EACH STATEMENT EXECUTE FUNCTION note_cache_change('orders');
--> statement-breakpoint
CREATE TRIGGER orders_products_cache_outbox AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON orders_products
  FOR EACH STATEMENT EXECUTE FUNCTION note_cache_change('order_lines');
--> statement-breakpoint
-- An outbox row's bump is marked applied in Redis under its id (outbox:<id>, for a day). A
-- database made again (db:reset, a new .data/pglite) would number its rows from 1 and find the
-- marks of the old one's rows: its bumps would be skipped as done. Ids therefore start at the
-- clock in milliseconds, like the generations, past any id an earlier database gave out unless it
-- wrote more than a thousand rows a second. (`alter sequence … restart`, as the tests do, goes
-- back to 1: their Redis is emptied with their tables.)
SELECT setval('cache_outbox_id_seq', greatest((SELECT last_value FROM cache_outbox_id_seq), (extract(epoch FROM clock_timestamp()) * 1000)::bigint));
