-- Custom migration (drizzle-kit generate --custom): rebuilds the report rollups of 0004 from the
-- lines, now and whenever rows were written behind the API's back (bulk loads, seeds, repairs):
-- `select rebuild_report_rollups();`. The API's own writes keep them as they go.
CREATE FUNCTION rebuild_report_rollups() RETURNS void
LANGUAGE sql VOLATILE AS $$
  UPDATE orders o SET line_count = coalesce(l.n, 0)
  FROM orders x LEFT JOIN (SELECT order_id, count(*)::int AS n FROM orders_products GROUP BY order_id) l ON l.order_id = x.id
  WHERE o.id = x.id AND o.line_count IS DISTINCT FROM coalesce(l.n, 0);
  DELETE FROM sales_monthly;
  INSERT INTO sales_monthly (month, product_id, order_lines, units, revenue, cost)
  SELECT date_trunc('month', o.created_at AT TIME ZONE 'UTC')::date, l.product_id, count(*), sum(l.amount),
         sum(l.amount * l.unit_price), sum(l.amount * l.unit_cost)
  FROM orders_products l JOIN orders o ON o.id = l.order_id
  GROUP BY 1, 2;
$$;
--> statement-breakpoint
SELECT rebuild_report_rollups();
