// `npm run smoke -- [URL]`: a black-box client of the old service, run against a live API
// (default http://127.0.0.1:8787, e.g. `npm run dev`). It uses only HTTP, sends no auth header,
// and checks the statuses and shapes the old service answered (the README's endpoint table).
// Names are unique per run, so it can run against a database that already has data.
export {};

const base = (process.argv[2] ?? process.env.API_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
const run = Date.now().toString(36);
let checks = 0;

function check(ok: boolean, what: string, got?: unknown): void {
  checks++;
  if (!ok) {
    console.error(`smoke: FAILED ${what}${got === undefined ? "" : `\n  got: ${JSON.stringify(got)}`}`);
    process.exit(1);
  }
}

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get("Content-Type") ?? "";
  return { status: res.status, headers: res.headers, type, body: type.includes("json") ? JSON.parse(text) : text };
}

const isIso = (v: unknown) => typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v);
const keys = (v: unknown) =>
  Object.keys(v as object)
    .sort()
    .join(",");

function expect(res: Awaited<ReturnType<typeof call>>, status: number, what: string) {
  check(res.status === status, `${what}: status ${status}`, { status: res.status, body: res.body });
}

const hello = await call("GET", "/");
expect(hello, 200, "GET /");
check(JSON.stringify(hello.body) === '{"message":"Hello, World!"}', "GET / body", hello.body);

const created = await call("POST", "/products", { product_name: `Desk ${run}`, price: 100.0, cost: 50.0, stock: 10 });
expect(created, 201, "POST /products");
const product = created.body as Record<string, unknown>;
check(keys(product) === "cost,created_at,id,price,product_name,stock,updated_at", "Product fields", product);
check(product.price === 100 && product.cost === 50 && product.stock === 10, "Product values", product);
check(isIso(product.created_at) && isIso(product.updated_at), "Product times", product);
check(created.headers.get("Location") === `/products/${product.id}`, "POST /products Location");
const productId = product.id as number;

const batch = await call("POST", "/products-batch", [
  { product_name: `Chair ${run}`, price: 25.5, cost: 10, stock: 4 },
  { product_name: `Lamp ${run}`, price: 12.25, cost: 5, stock: 7 },
]);
expect(batch, 201, "POST /products-batch");
const [chair, lamp] = batch.body as { id: number; product_name: string }[];
check(
  chair?.product_name === `Chair ${run}` && lamp?.product_name === `Lamp ${run}`,
  "batch in input order",
  batch.body,
);

const page = await call("GET", "/products?page=1&page_size=2");
expect(page, 200, "GET /products");
check(Array.isArray(page.body) && (page.body as unknown[]).length === 2, "a page of 2", page.body);
const count = await call("GET", "/products-count");
expect(count, 200, "GET /products-count");
check(Number.isInteger(count.body) && (count.body as number) >= 3, "bare integer count", count.body);

const replaced = await call("PUT", `/products/${productId}`, {
  product_name: `Desk ${run}`,
  price: 120,
  cost: 50,
  stock: 9,
});
expect(replaced, 200, "PUT /products/{id}");
check((replaced.body as { price: number }).price === 120, "PUT replaced the price", replaced.body);

const order = await call("POST", "/orders", { product_ids: [productId, chair?.id], amounts: [10, 1] });
expect(order, 201, "POST /orders");
check(Number.isInteger(order.body), "POST /orders answers a bare integer", order.body);
const orderId = order.body as number;
check(order.headers.get("Location") === `/orders/${orderId}`, "POST /orders Location");

const read = await call("GET", `/orders/${orderId}`);
expect(read, 200, "GET /orders/{id}");
const shown = read.body as { order_id: number; total: number; products: Record<string, unknown>[] };
check(keys(shown) === "created_at,order_id,products,total,updated_at", "Order fields", shown);
check(shown.order_id === orderId && shown.total === 1225.5, "Order total 10×120 + 1×25.5", shown);
check(keys(shown.products[0]) === "amount,id,line_total,product_id,product_name,unit_price", "Order line view", shown);

const list = await call("GET", "/orders-list?page=1&page_size=2");
expect(list, 200, "GET /orders-list");
expect(await call("GET", "/orders-count"), 200, "GET /orders-count");

const line = await call("POST", "/orders_products", { order_id: orderId, product_id: lamp?.id, amount: 5 });
expect(line, 201, "POST /orders_products");
const lineBody = line.body as Record<string, unknown>;
check(
  keys(lineBody) === "amount,created_at,id,order_id,product_id,unit_cost,unit_price",
  "Order line fields",
  lineBody,
);
check(lineBody.unit_price === 12.25 && lineBody.unit_cost === 5, "line captured the price", lineBody);
expect(await call("GET", `/orders_products/${lineBody.id}`), 200, "GET /orders_products/{id}");
const lineCount = await call("GET", "/orders_products-count");
check(lineCount.status === 200 && Number.isInteger(lineCount.body), "GET /orders_products-count", lineCount.body);
const lineReplaced = await call("PUT", `/orders_products/${lineBody.id}`, {
  order_id: orderId,
  product_id: lamp?.id,
  amount: 6,
});
expect(lineReplaced, 200, "PUT /orders_products/{id}");

const orderBatch = await call("POST", "/orders-batch", [{ product_ids: [productId], amounts: [1] }]);
expect(orderBatch, 201, "POST /orders-batch");
const lineBatch = await call("POST", "/orders_products-batch", [
  { order_id: orderId, product_id: productId, amount: 2 },
]);
expect(lineBatch, 201, "POST /orders_products-batch");

expect(await call("DELETE", `/orders_products/${lineBody.id}`), 202, "DELETE /orders_products/{id}");
const lineIds = (lineBatch.body as { id: number }[]).map((l) => l.id);
expect(await call("DELETE", "/orders_products-batch", lineIds), 202, "DELETE /orders_products-batch");

const report = await call("GET", "/reports-all?from=2000-01-01&to=2999-12-31");
expect(report, 200, "GET /reports-all");
check(keys(report.body) === "generated_at,products,range,totals", "Report fields", report.body);

const missing = await call("GET", "/products/999999999");
expect(missing, 404, "GET a missing product");
check(missing.type === "application/problem+json", "errors are problem+json", missing.type);
const unknown = await call("POST", "/orders", { product_ids: [999999999], amounts: [1] });
expect(unknown, 422, "POST /orders with an unknown product");

const [newOrder] = orderBatch.body as number[];
const updatedOrder = await call("PUT", `/orders/${orderId}`, { product_ids: [productId], amounts: [3] });
expect(updatedOrder, 200, "PUT /orders/{id}");
check((updatedOrder.body as { total: number }).total === 360, "PUT /orders/{id} replaced the lines", updatedOrder.body);

const removed = await call("DELETE", `/orders/${orderId}`);
expect(removed, 202, "DELETE /orders/{id}");
check(JSON.stringify(removed.body) === JSON.stringify({ id: orderId, deleted: true }), "DELETE body", removed.body);
const batchRemoved = await call("DELETE", "/orders-batch", [newOrder, 999999999]);
expect(batchRemoved, 202, "DELETE /orders-batch");
check(
  JSON.stringify(batchRemoved.body) === JSON.stringify({ deleted: 1, not_found: [999999999] }),
  "DELETE /orders-batch body",
  batchRemoved.body,
);
expect(await call("DELETE", `/products/${lamp?.id}`), 202, "DELETE /products/{id}");
const productsRemoved = await call("DELETE", "/products-batch", [productId, chair?.id]);
expect(productsRemoved, 202, "DELETE /products-batch");

const docs = await call("GET", "/docs");
check(docs.status === 200 && String(docs.body).includes("/openapi.json"), "GET /docs");
const spec = await call("GET", "/openapi.json");
check(spec.status === 200 && (spec.body as { openapi: string }).openapi === "3.1.0", "GET /openapi.json");

console.log(`smoke: ${checks} checks passed against ${base}`);
