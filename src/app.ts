import { createApp } from "./create-app";
import orderLines from "./order-lines/router";
import orders from "./orders/router";
import products from "./products/router";
import reports from "./reports/router";
import docs from "./routes/docs/docs.index";
import root from "./routes/root/root.index";

// Chained, so the app's type carries every route for hono/client (`hc<AppType>`).
const app = createApp()
  .route("/", root)
  .route("/", products)
  .route("/", orders)
  .route("/", orderLines)
  .route("/", reports);

/** Every API route with its request and response types, for `hc<AppType>(url)`. */
export type AppType = typeof app;

const DESCRIPTION = `Products, orders, order lines and sales reports, served by a Cloudflare Worker.

**Auth.** Reads are public. Writes (POST, PUT, DELETE) need \`Authorization: Bearer <key>\`; in the docs page, use **Authorize**.

**Errors** are \`application/problem+json\` (RFC 9457) with \`type\`, \`title\`, \`status\`, \`detail\`, \`instance\` and \`request_id\` (also sent as \`X-Request-Id\`); a 422 lists each broken field in \`errors\`. A body sent with a DELETE of one resource is checked like any body (400, 413, 415); a read ignores any body. A method a path does not have answers 405 with \`Allow\`.

**Retries.** Every write accepts an \`Idempotency-Key\` (a fresh UUID per logical write): a retry with the same key and request gets the first answer again with \`Idempotent-Replayed: true\` and writes nothing.

**Conditional requests.** Reads send an \`ETag\`; \`If-None-Match\` answers 304, and \`If-Match\` on PUT and DELETE of one resource answers 412 when it changed since.

**Browsers (CORS).** Cross-origin calls are allowed for the origins in the \`CORS_ORIGINS\` setting. A named origin may read and write; \`*\` lets any origin read (GET, HEAD) but not write. Preflights allow \`Authorization\`, \`Content-Type\`, \`Idempotency-Key\`, \`If-Match\` and \`If-None-Match\` and are cached for two hours; answers expose \`ETag\`, \`Location\`, \`Link\`, \`X-Request-Id\`, \`X-Cache\`, \`RateLimit\`, \`RateLimit-Policy\`, \`Retry-After\`, \`Idempotent-Replayed\` and \`Server-Timing\` (readable by the same origins: \`Timing-Allow-Origin\`). Without \`CORS_ORIGINS\` the API sends no CORS headers.`;

app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
  type: "http",
  scheme: "bearer",
  description: "An API key from the API_KEYS setting, sent as `Authorization: Bearer <key>`",
});

// Generating the document takes ~15 ms of CPU: it is generated once per isolate, and only its
// `servers` (the origin that served it) is filled in per origin. The last origin's text is kept,
// as an isolate serves one or two.
let generated: ReturnType<typeof app.getOpenAPI31Document> | undefined;
let last: { origin: string; text: string } | undefined;

app.get("/openapi.json", (c) => {
  const origin = new URL(c.req.url).origin;
  if (last?.origin !== origin) {
    generated ??= app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: "Edge Orders API", version: "1.0.0", description: DESCRIPTION },
      servers: [],
      tags: [
        { name: "Meta", description: "Greeting and health" },
        { name: "Products", description: "The catalogue: names, prices, costs and stock" },
        { name: "Orders", description: "Orders and their lines, with prices captured when written" },
        { name: "Order lines", description: "Single lines of an order" },
        { name: "Reports", description: "Sales figures over a date range" },
      ],
    });
    // The origin that served the document, so "Try it out" and generated clients call this deployment.
    const servers = [{ url: origin, description: "This deployment" }];
    last = { origin, text: JSON.stringify({ ...generated, servers }) };
  }
  return c.body(last.text, 200, { "Content-Type": "application/json" });
});
app.route("/", docs);

export default app;
