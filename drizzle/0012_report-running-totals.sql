CREATE TABLE "sales_running" (
	"at" date NOT NULL,
	"product_id" bigint NOT NULL,
	"orders" bigint NOT NULL,
	"order_lines" bigint NOT NULL,
	"units" bigint NOT NULL,
	"revenue" numeric NOT NULL,
	"cost" numeric NOT NULL,
	CONSTRAINT "sales_running_at_product_id_pk" PRIMARY KEY("at","product_id")
);
--> statement-breakpoint
-- The first boundary of sales_running after a day: the next of days 1, 5, 9, ..., 29 of its month,
-- or the first of the next month. Boundaries every 4 days put any day within 2 days of one.
CREATE FUNCTION sales_boundary_after(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN extract(day FROM d) >= 29 THEN (date_trunc('month', d) + interval '1 month')::date
              ELSE date_trunc('month', d)::date + ((extract(day FROM d)::int - 1) / 4 + 1) * 4 END
$$;
--> statement-breakpoint
-- The boundaries in [a, b].
CREATE FUNCTION sales_boundaries(a date, b date) RETURNS SETOF date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT g::date FROM generate_series(a, b, interval '1 day') g
  WHERE extract(day FROM g) <= 29 AND (extract(day FROM g)::int - 1) % 4 = 0
$$;
--> statement-breakpoint
-- sales_running from sales_daily: per product, every boundary from the first after its first sale
-- up to the horizon (the first boundary after the last day sold), each the running sum of the days
-- before it. Callers hold the locks of rebuild_report_rollups().
CREATE FUNCTION rebuild_sales_running() RETURNS void
LANGUAGE sql VOLATILE
SET work_mem = '256MB'
AS $$
  TRUNCATE sales_running;
  INSERT INTO sales_running (at, product_id, orders, order_lines, units, revenue, cost)
  SELECT b.at, f.product_id,
         sum(coalesce(s.orders, 0)) OVER w, sum(coalesce(s.order_lines, 0)) OVER w, sum(coalesce(s.units, 0)) OVER w,
         sum(coalesce(s.revenue, 0)) OVER w, sum(coalesce(s.cost, 0)) OVER w
  FROM (SELECT product_id, sales_boundary_after(min(day)) AS first FROM sales_daily GROUP BY product_id) f
  JOIN (SELECT sales_boundaries(sales_boundary_after(min(day)), sales_boundary_after(max(day))) AS at FROM sales_daily) b
    ON b.at >= f.first
  LEFT JOIN (SELECT product_id, sales_boundary_after(day) AS at, sum(orders) AS orders, sum(order_lines) AS order_lines,
                    sum(units) AS units, sum(revenue) AS revenue, sum(cost) AS cost
             FROM sales_daily GROUP BY 1, 2) s ON s.product_id = f.product_id AND s.at = b.at
  WINDOW w AS (PARTITION BY f.product_id ORDER BY b.at)
  ORDER BY b.at, f.product_id;
$$;
--> statement-breakpoint
-- rebuild_report_rollups() (0009) now fills sales_running too.
CREATE OR REPLACE FUNCTION rebuild_report_rollups() RETURNS void
LANGUAGE sql VOLATILE
SET work_mem = '256MB'
AS $$
  LOCK TABLE orders, orders_products, sales_changes IN SHARE ROW EXCLUSIVE MODE;
  UPDATE orders o SET line_count = coalesce(l.n, 0)
  FROM orders x LEFT JOIN (SELECT order_id, count(*)::int AS n FROM orders_products GROUP BY order_id) l ON l.order_id = x.id
  WHERE o.id = x.id AND o.line_count IS DISTINCT FROM coalesce(l.n, 0);
  TRUNCATE sales_changes, sales_daily, sales_monthly, sales_by_product, sales_by_day, sales_running;
  INSERT INTO sales_daily (day, product_id, orders, order_lines, units, revenue, cost)
  SELECT day, product_id, count(*), sum(n), sum(units), sum(revenue), sum(cost)
  FROM (
    SELECT (o.created_at AT TIME ZONE 'UTC')::date AS day, l.order_id, l.product_id, count(*) AS n,
           sum(l.amount) AS units, sum(l.amount * l.unit_price) AS revenue, sum(l.amount * l.unit_cost) AS cost
    FROM orders_products l JOIN orders o ON o.id = l.order_id
    GROUP BY l.order_id, l.product_id, o.created_at
  ) per_order
  GROUP BY day, product_id;
  INSERT INTO sales_monthly (month, product_id, orders, order_lines, units, revenue, cost)
  SELECT date_trunc('month', day)::date, product_id, sum(orders), sum(order_lines), sum(units), sum(revenue), sum(cost)
  FROM sales_daily
  GROUP BY 1, 2;
  INSERT INTO sales_by_product (product_id, orders, order_lines, units, revenue, cost)
  SELECT product_id, sum(orders), sum(order_lines), sum(units), sum(revenue), sum(cost)
  FROM sales_monthly
  GROUP BY product_id;
  INSERT INTO sales_by_day (day, orders, order_lines, units, revenue, cost)
  SELECT d.day, coalesce(o.orders, 0), d.order_lines, d.units, d.revenue, d.cost
  FROM (SELECT day, sum(order_lines) AS order_lines, sum(units) AS units, sum(revenue) AS revenue, sum(cost) AS cost
        FROM sales_daily GROUP BY day) d
  LEFT JOIN (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS orders
             FROM orders WHERE line_count > 0 GROUP BY 1) o USING (day);
  SELECT rebuild_sales_running();
$$;
--> statement-breakpoint
-- Only the new rollup is filled here: a whole rebuild would touch every order, and a write to
-- orders owes the read cache an invalidation (0011's trigger) that a migration has no cause for.
-- The lock holds writes and the compaction back until the rows are in, as the rebuild's does.
DO $$
BEGIN
  LOCK TABLE sales_changes, sales_daily IN SHARE ROW EXCLUSIVE MODE;
  PERFORM rebuild_sales_running();
END $$;
