import { swaggerUI } from "@hono/swagger-ui";
import { createApp } from "./lib/create-app";
import orderLines from "./routes/order-lines/order-lines.index";
import orders from "./routes/orders/orders.index";
import products from "./routes/products/products.index";
import reports from "./routes/reports/reports.index";
import root from "./routes/root/root.index";

const app = createApp();

const routers = [root, products, orders, orderLines, reports] as const;
for (const router of routers) app.route("/", router);

app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
app.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "Edge Orders API",
    version: "1.0.0",
    description:
      "Products, orders, order lines and sales reports. Errors are application/problem+json (RFC 9457). Writes need `Authorization: Bearer <key>`.",
  },
});
app.get("/docs", swaggerUI({ url: "/openapi.json" }));

export default app;
