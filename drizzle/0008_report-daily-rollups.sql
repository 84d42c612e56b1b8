CREATE TABLE "sales_by_day" (
	"day" date PRIMARY KEY NOT NULL,
	"orders" bigint NOT NULL,
	"order_lines" bigint NOT NULL,
	"units" bigint NOT NULL,
	"revenue" numeric NOT NULL,
	"cost" numeric NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales_changes" (
	"day" date NOT NULL,
	"product_id" bigint,
	"orders" bigint NOT NULL,
	"order_lines" bigint NOT NULL,
	"units" bigint NOT NULL,
	"revenue" numeric NOT NULL,
	"cost" numeric NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales_daily" (
	"day" date NOT NULL,
	"product_id" bigint NOT NULL,
	"orders" bigint NOT NULL,
	"order_lines" bigint NOT NULL,
	"units" bigint NOT NULL,
	"revenue" numeric NOT NULL,
	"cost" numeric NOT NULL,
	CONSTRAINT "sales_daily_day_product_id_pk" PRIMARY KEY("day","product_id")
);
--> statement-breakpoint
-- Filled by rebuild_report_rollups() in the next migration; the default only lets existing rows take the column.
ALTER TABLE "sales_by_product" ADD COLUMN "orders" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sales_by_product" ALTER COLUMN "orders" DROP DEFAULT;--> statement-breakpoint
-- Filled by rebuild_report_rollups() in the next migration; the default only lets existing rows take the column.
ALTER TABLE "sales_monthly" ADD COLUMN "orders" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sales_monthly" ALTER COLUMN "orders" DROP DEFAULT;