DROP INDEX "orders_products_product_id_idx";--> statement-breakpoint
CREATE INDEX "orders_products_product_id_order_id_idx" ON "orders_products" USING btree ("product_id","order_id");