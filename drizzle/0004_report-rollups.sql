CREATE TABLE "sales_monthly" (
	"month" date NOT NULL,
	"product_id" bigint NOT NULL,
	"order_lines" bigint NOT NULL,
	"units" bigint NOT NULL,
	"revenue" numeric NOT NULL,
	"cost" numeric NOT NULL,
	CONSTRAINT "sales_monthly_month_product_id_pk" PRIMARY KEY("month","product_id")
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "line_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "orders_created_at_idx" ON "orders" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_line_count_range" CHECK ("orders"."line_count" >= 0);