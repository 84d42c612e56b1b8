CREATE TABLE "sales_by_product" (
	"product_id" bigint PRIMARY KEY NOT NULL,
	"order_lines" bigint NOT NULL,
	"units" bigint NOT NULL,
	"revenue" numeric NOT NULL,
	"cost" numeric NOT NULL
);
--> statement-breakpoint
-- rebuild_report_rollups() (0005) now rebuilds sales_by_product too, from sales_monthly once that
-- is rebuilt; then it is filled for the rows written so far.
CREATE OR REPLACE FUNCTION rebuild_report_rollups() RETURNS void
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
  DELETE FROM sales_by_product;
  INSERT INTO sales_by_product (product_id, order_lines, units, revenue, cost)
  SELECT product_id, sum(order_lines), sum(units), sum(revenue), sum(cost)
  FROM sales_monthly
  GROUP BY product_id;
$$;
--> statement-breakpoint
SELECT rebuild_report_rollups();
