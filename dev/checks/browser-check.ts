// `npm run check:browser [-- <api url>]`: the API as a browser sees it, in Debian's Chromium
// (apt-get install chromium) driven by playwright-core, against a running `npm run dev`:
//   1. /docs renders every operation of /openapi.json, loading nothing from another origin and
//      breaking no Content-Security-Policy rule; its favicon loads;
//   2. Authorize takes a bearer key; "Try it out" → Execute on GET /products, GET /orders and
//      POST /products answer 2xx, with no optional parameter (paging, Idempotency-Key) pre-filled;
//   3. a page served from another origin (a static server started here) creates a product with
//      an API key and an Idempotency-Key, replays it, reads it back and revalidates its ETag;
//      a page from an origin not in CORS_ORIGINS is blocked before its write is sent.
// The API must run with CORS_ORIGINS naming the page's origin:
//   CORS_ORIGINS=http://127.0.0.1:8789 npm run dev      # then: npm run check:browser
// Screenshots go to .artifacts/screenshots/ (git-ignored).
//   API_URL / argv[2]  the API (default http://127.0.0.1:8787)
//   PAGE_PORT          the other origin's port (default: the API's port + 2; + 1 is the edge role)
//   API_KEY            the bearer key to send (default browser-check-key; npm run dev accepts any)
//   CHROMIUM           the browser (default /usr/bin/chromium)
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Locator, type Page } from "playwright-core";

const api = new URL(process.argv[2] ?? process.env.API_URL ?? "http://127.0.0.1:8787").origin;
const pagePort = Number(process.env.PAGE_PORT || Number(new URL(api).port || 80) + 2);
const pageOrigin = `http://127.0.0.1:${pagePort}`;
// Same server, another origin: localhost is not 127.0.0.1 to a browser.
const strangerOrigin = `http://localhost:${pagePort}`;
const apiKey = process.env.API_KEY || "browser-check-key";
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const shots = fileURLToPath(new URL("../../.artifacts/screenshots/", import.meta.url));

const failures: string[] = [];
function check(ok: boolean, what: string, detail = ""): void {
  console.log(`${ok ? "✓" : "✗"} ${what}${detail ? ` — ${detail}` : ""}`);
  if (!ok) failures.push(what);
}

const CLIENT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another origin</title>
<style>body{font:14px system-ui;margin:2em}pre{background:#f4f4f4;padding:1em;white-space:pre-wrap}</style></head>
<body><h1>A client on ${pageOrigin}</h1><p>Calls ${api} with fetch.</p><pre id="log">…</pre></body></html>`;

function startPageServer(): Promise<{ close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.url === "/") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(CLIENT_PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(pagePort, "127.0.0.1", () => {
      console.log(`another origin: ${pageOrigin} (port ${(server.address() as AddressInfo).port})`);
      resolve({ close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

async function countOperations(): Promise<number> {
  const res = await fetch(`${api}/openapi.json`);
  if (!res.ok) throw new Error(`GET ${api}/openapi.json answered ${res.status}; is npm run dev running?`);
  const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
}

/** Expands an operation, presses Try it out, optionally edits, presses Execute; the shown status. */
async function tryItOut(page: Page, operationId: string, tag: string, before?: (op: Locator) => Promise<void>) {
  const op = page.locator(`#operations-${tag}-${operationId}`);
  await op.locator(".opblock-summary-control").click();
  await op.locator("button.try-out__btn").click();
  if (before) await before(op);
  await op.locator("button.execute").click();
  const status = op.locator(".live-responses-table .response .response-col_status").first();
  await status.waitFor({ timeout: 15_000 });
  await op.scrollIntoViewIfNeeded();
  await op.screenshot({ path: join(shots, `try-${operationId}.png`) });
  return Number((await status.textContent())?.trim());
}

async function docsPage(page: Page, operations: number): Promise<void> {
  await page.goto(`${api}/docs`);
  await page
    .locator(".opblock")
    .nth(operations - 1)
    .waitFor({ timeout: 30_000 });
  const rendered = await page.locator(".opblock").count();
  check(rendered === operations, "/docs renders every operation", `${rendered} of ${operations} in /openapi.json`);
  await page.screenshot({ path: join(shots, "docs.png"), fullPage: true });

  const href = new URL((await page.locator('link[rel="icon"]').getAttribute("href")) ?? "", api).href;
  const favicon = await page.evaluate(async (href) => {
    const res = await fetch(href);
    return { href, status: res.status, type: res.headers.get("Content-Type") };
  }, href);
  check(
    favicon.status === 200 && favicon.type === "image/png",
    "the favicon loads",
    `${favicon.href} ${favicon.status}`,
  );

  await page.locator(".auth-wrapper button.authorize").click();
  await page.locator(".modal-ux input").first().fill(apiKey);
  await page.locator(".modal-ux button.authorize").click();
  // Once authorized, the dialog offers Logout instead.
  const logout = page.locator(".modal-ux button", { hasText: "Logout" });
  await logout.waitFor({ timeout: 5_000 });
  await page.locator(".modal-ux .close-modal").click();
  check(await page.locator(".auth-wrapper button.authorize.locked").isVisible(), "Authorize takes a bearer key");

  // A list tried as it comes answers its first page: no optional field (page, page_size, after,
  // If-None-Match) is pre-filled.
  for (const [operationId, tag, path] of [
    ["listProducts", "Products", "/products"],
    ["getOrders", "Orders", "/orders"],
  ] as const) {
    let filled: string[] = ["(no fields found)"];
    const status = await tryItOut(page, operationId, tag, async (op) => {
      const rows = op.locator("tr[data-param-name]");
      filled = [];
      for (const row of await rows.all()) {
        const value = await row.locator("input").first().inputValue();
        if (value !== "") filled.push(`${await row.getAttribute("data-param-name")}=${value}`);
      }
      if ((await rows.count()) === 0) filled = ["(no fields found)"];
    });
    check(filled.length === 0, `GET ${path}: no parameter pre-filled`, filled.join(", "));
    check(status >= 200 && status < 300, `Try it out: GET ${path}`, `HTTP ${status}`);
  }

  const sent = page.waitForRequest((req) => req.method() === "POST" && new URL(req.url()).pathname === "/products");
  let keyField = "(missing)";
  const createStatus = await tryItOut(page, "createProduct", "Products", async (op) => {
    keyField = await op.locator('tr[data-param-name="Idempotency-Key"] input').inputValue();
  });
  const request = await sent;
  check(keyField === "", "Idempotency-Key is not pre-filled", JSON.stringify(keyField));
  check(
    request.headers().authorization === `Bearer ${apiKey}`,
    "Try it out sends the Authorize key",
    request.headers().authorization ?? "no Authorization",
  );
  check(createStatus >= 200 && createStatus < 300, "Try it out: POST /products", `HTTP ${createStatus}`);
}

interface CrossOriginResult {
  created: { status: number; id?: number; detail?: string; location: string | null; requestId: string | null };
  replayed?: { status: number; id?: number; replayed: string | null };
  read?: { status: number; name?: string; etag: string | null; cache: string | null };
  revalidated?: { status: number };
}

async function crossOrigin(page: Page): Promise<void> {
  await page.goto(`${pageOrigin}/`);
  // Plain data in, no helper functions inside: the callback is sent to the page as source.
  const write = {
    method: "POST",
    headers: {
      Authorization: `Bearer ${apiKey}`,
      "Content-Type": "application/json",
      "Idempotency-Key": crypto.randomUUID(),
    },
    body: JSON.stringify({ product_name: "Cross-origin lamp", price: 12.5, cost: 4, stock: 3 }),
  };
  const result: CrossOriginResult = await page.evaluate(
    async ({ api, write }) => {
      const first = await fetch(`${api}/products`, write);
      const firstBody = (await first.json()) as { id?: number; detail?: string };
      const location = first.headers.get("Location");
      const created = {
        status: first.status,
        id: firstBody.id,
        detail: firstBody.detail,
        location,
        requestId: first.headers.get("X-Request-Id"),
      };
      if (first.status !== 201) return { created };
      const again = await fetch(`${api}/products`, write);
      const againBody = (await again.json()) as { id?: number };
      const read = await fetch(`${api}${location}`);
      const readBody = (await read.json()) as { product_name?: string };
      const etag = read.headers.get("ETag");
      const revalidated = await fetch(`${api}${location}`, { headers: { "If-None-Match": etag ?? "" } });
      return {
        created,
        replayed: { status: again.status, id: againBody.id, replayed: again.headers.get("Idempotent-Replayed") },
        read: { status: read.status, name: readBody.product_name, etag, cache: read.headers.get("X-Cache") },
        revalidated: { status: revalidated.status },
      };
    },
    { api, write },
  );
  await page.locator("#log").evaluate(
    (log, text) => {
      log.textContent = text;
    },
    JSON.stringify(result, null, 2),
  );
  await page.screenshot({ path: join(shots, "cross-origin.png"), fullPage: true });

  const { created, replayed, read, revalidated } = result;
  check(
    created.status === 201 && created.location === `/products/${created.id}` && created.requestId !== null,
    `${pageOrigin} creates a product with a key and an Idempotency-Key (Location, X-Request-Id exposed)`,
    `HTTP ${created.status} ${created.location ?? created.detail ?? ""}`,
  );
  if (!replayed || !read || !revalidated) return;
  check(
    replayed.status === 201 && replayed.id === created.id && replayed.replayed === "true",
    "its retry is replayed (Idempotent-Replayed exposed)",
    `HTTP ${replayed.status} id ${replayed.id} Idempotent-Replayed: ${replayed.replayed}`,
  );
  check(
    read.status === 200 && read.name === "Cross-origin lamp" && read.etag !== null && read.cache !== null,
    "it reads the product back (ETag, X-Cache exposed)",
    `HTTP ${read.status} ETag ${read.etag}`,
  );
  check(revalidated.status === 304, "If-None-Match revalidates it across origins", `HTTP ${revalidated.status}`);
}

async function stranger(page: Page): Promise<void> {
  const before = await (await fetch(`${api}/products-count`)).json();
  await page.goto(`${strangerOrigin}/`);
  const outcome = await page.evaluate(async (api) => {
    try {
      const res = await fetch(`${api}/products`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ product_name: "Should not exist", price: 1, cost: 1, stock: 1 }),
      });
      return `answered ${res.status}`;
    } catch (err) {
      return `blocked (${err instanceof Error ? err.name : "error"})`;
    }
  }, api);
  const after = await (await fetch(`${api}/products-count`)).json();
  check(
    outcome.startsWith("blocked") && after === before,
    `${strangerOrigin}, not in CORS_ORIGINS, cannot write`,
    `${outcome}; products ${before} → ${after}`,
  );
}

const operations = await countOperations();
await mkdir(shots, { recursive: true });
const pages = await startPageServer();
const profile = await mkdtemp(join(tmpdir(), "browser-check-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
  viewport: { width: 1280, height: 900 },
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const foreign: string[] = [];
  const csp: string[] = [];
  const errors: string[] = [];
  page.on("request", (req) => {
    const origin = new URL(req.url()).origin;
    if (/^https?:/.test(req.url()) && ![api, pageOrigin, strangerOrigin].includes(origin)) foreign.push(req.url());
  });
  page.on("console", (msg) => {
    if (msg.text().includes("Content Security Policy")) csp.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(err.message));

  await docsPage(page, operations);
  check(foreign.length === 0, "/docs loads nothing from another origin", foreign.join(", "));
  check(csp.length === 0, "/docs breaks no Content-Security-Policy rule", csp.join(" | "));
  check(errors.length === 0, "/docs runs without script errors", errors.join(" | "));

  await crossOrigin(page);
  await stranger(page);
} catch (err) {
  check(false, "the browser check ran to the end", err instanceof Error ? err.message : String(err));
} finally {
  await context.close();
  await pages.close();
  await rm(profile, { recursive: true, force: true });
}

console.log(`\nscreenshots: ${shots}`);
if (failures.length > 0) {
  console.error(`\n${failures.length} browser check(s) failed`);
  process.exit(1);
}
console.log("all browser checks passed");
