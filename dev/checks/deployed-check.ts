// `npm run check:deployed -- <url>`: what a deploy must show before it stays live, read-only so
// it can run against production: GET /health answers 200 with the database and Redis both "ok",
// GET /openapi.json is the API's document, and GET /products and GET /orders answer a JSON list.
// A fresh deployment can take some seconds to answer everywhere, so the checks are retried for up
// to DEPLOYED_CHECK_SECONDS (default 60) before the check fails (exit 1), and the deploy
// workflow rolls the Worker back.
import { pathToFileURL } from "node:url";

type Fetch = (request: Request) => Promise<Response>;

async function json(fetcher: Fetch, url: string): Promise<{ status: number; type: string; body: unknown }> {
  const res = await fetcher(new Request(url, { headers: { Accept: "application/json" } }));
  const type = res.headers.get("Content-Type") ?? "";
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the check below says what came instead.
  }
  return { status: res.status, type, body };
}

const show = (value: unknown) => JSON.stringify(value)?.slice(0, 500);

/** The problems the deployment at `base` shows now; empty when every check passes. */
export async function deploymentProblems(base: string, fetcher: Fetch = (r) => fetch(r)): Promise<string[]> {
  const origin = new URL(base).origin;
  const problems: string[] = [];
  const attempt = async (what: string, check: () => Promise<string | undefined>) => {
    const problem = await check().catch((err: Error) => `${err.name}: ${err.message}`);
    if (problem) problems.push(`${what}: ${problem}`);
  };
  await attempt("GET /health", async () => {
    const res = await json(fetcher, `${origin}/health`);
    const expected = { status: "ok", checks: { database: "ok", cache: "ok" } };
    return res.status === 200 && show(res.body) === show(expected)
      ? undefined
      : `${res.status} ${show(res.body)}, expected 200 ${show(expected)}`;
  });
  await attempt("GET /openapi.json", async () => {
    const res = await json(fetcher, `${origin}/openapi.json`);
    const doc = res.body as { openapi?: unknown; paths?: Record<string, unknown> };
    return res.status === 200 && doc.openapi === "3.1.0" && doc.paths?.["/orders"] !== undefined
      ? undefined
      : `${res.status} ${res.type}, expected 200 with an OpenAPI 3.1.0 document listing /orders`;
  });
  for (const list of ["/products?page_size=1", "/orders?page_size=1"]) {
    await attempt(`GET ${list}`, async () => {
      const res = await json(fetcher, `${origin}${list}`);
      return res.status === 200 && Array.isArray(res.body)
        ? undefined
        : `${res.status} ${show(res.body)}, expected 200 [...]`;
    });
  }
  return problems;
}

async function main(): Promise<void> {
  const base = process.argv[2] ?? process.env.API_URL;
  if (!base) throw new Error("usage: npm run check:deployed -- <url of the deployment>");
  const deadline = Date.now() + Number(process.env.DEPLOYED_CHECK_SECONDS || 60) * 1000;
  for (;;) {
    const problems = await deploymentProblems(base);
    if (problems.length === 0) {
      console.log(`✓ ${base}: /health ok (database, Redis), /openapi.json, /products and /orders answer`);
      return;
    }
    if (Date.now() > deadline) {
      for (const problem of problems) console.error(`✗ ${problem}`);
      process.exit(1);
    }
    console.log(`not yet: ${problems.join("; ")}`);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
