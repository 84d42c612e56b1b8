CREATE TABLE "list_position_changes" (
	"list" text NOT NULL,
	"bucket" bigint NOT NULL,
	"rows" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "list_positions" (
	"list" text NOT NULL,
	"bucket" bigint NOT NULL,
	"rows" bigint NOT NULL,
	CONSTRAINT "list_positions_list_bucket_pk" PRIMARY KEY("list","bucket")
);
--> statement-breakpoint
-- Custom part. A page by number (`?page=N`) used to step over every id before its first row:
-- 2M ids for the last page of orders at 10M lines (~90 ms). list_positions counts a list's rows
-- per bucket of 1,000 ids, so the page finds the bucket that holds its first row from ~2,000
-- bucket counts and steps over fewer than 1,000 ids inside it. Lists show ids > 0 only, and only
-- those are counted.
CREATE FUNCTION list_bucket(id bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT id / 1000 $$;
--> statement-breakpoint
CREATE FUNCTION list_bucket_start(bucket bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT bucket * 1000 $$;
--> statement-breakpoint
-- Each statement that adds or removes rows of a list appends its net count per bucket,
-- in its own transaction, so the counts are exact in every snapshot. Appends only: no unique key,
-- so concurrent writers never wait on one another here. A TRUNCATE empties the list's counts.
CREATE FUNCTION count_list_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO list_position_changes (list, bucket, rows)
    SELECT TG_ARGV[0], list_bucket(id), count(*) FROM added WHERE id > 0 GROUP BY 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO list_position_changes (list, bucket, rows)
    SELECT TG_ARGV[0], list_bucket(id), -count(*) FROM removed WHERE id > 0 GROUP BY 2;
  ELSE
    -- The fold's lock (src/routes/crud/list-page.ts): a fold still open would otherwise add
    -- counts of rows this TRUNCATE removes after their bucket rows were deleted here.
    PERFORM pg_advisory_xact_lock(748201019);
    DELETE FROM list_positions WHERE list = TG_ARGV[0];
    DELETE FROM list_position_changes WHERE list = TG_ARGV[0];
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- An id never changes (the API never sets one; `SET id = DEFAULT` would renumber a row), so the
-- counts need no trigger on UPDATE, which every write of lines makes to its orders.
CREATE FUNCTION refuse_new_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the id of a row of % does not change', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER products_positions_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION count_list_rows('products');
--> statement-breakpoint
CREATE TRIGGER products_positions_delete AFTER DELETE ON products
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION count_list_rows('products');
--> statement-breakpoint
CREATE TRIGGER products_id_fixed BEFORE UPDATE OF id ON products
  FOR EACH ROW WHEN (new.id IS DISTINCT FROM old.id) EXECUTE FUNCTION refuse_new_id();
--> statement-breakpoint
CREATE TRIGGER products_positions_truncate AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION count_list_rows('products');
--> statement-breakpoint
CREATE TRIGGER orders_positions_insert AFTER INSERT ON orders
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION count_list_rows('orders');
--> statement-breakpoint
CREATE TRIGGER orders_positions_delete AFTER DELETE ON orders
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION count_list_rows('orders');
--> statement-breakpoint
CREATE TRIGGER orders_id_fixed BEFORE UPDATE OF id ON orders
  FOR EACH ROW WHEN (new.id IS DISTINCT FROM old.id) EXECUTE FUNCTION refuse_new_id();
--> statement-breakpoint
CREATE TRIGGER orders_positions_truncate AFTER TRUNCATE ON orders
  FOR EACH STATEMENT EXECUTE FUNCTION count_list_rows('orders');
--> statement-breakpoint
-- The rows already there. The migrator sends each statement on its own, so a write may have
-- landed since the triggers were made and appended its count: under the lock every count is
-- made again from the rows, whatever came before.
DO $$
BEGIN
  LOCK TABLE products, orders IN SHARE ROW EXCLUSIVE MODE;
  DELETE FROM list_position_changes;
  DELETE FROM list_positions;
  INSERT INTO list_positions (list, bucket, rows)
  SELECT 'products', list_bucket(id), count(*) FROM products WHERE id > 0 GROUP BY 2
  UNION ALL
  SELECT 'orders', list_bucket(id), count(*) FROM orders WHERE id > 0 GROUP BY 2;
END $$;
