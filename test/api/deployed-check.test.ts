import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deploymentProblems } from "../../dev/checks/deployed-check";
import worker from "../../src/index";
import { BASE } from "../helpers";

// The deploy workflow's check, run against the Worker itself instead of a deployed URL.
function through(bindings: Record<string, string> = {}) {
  return async (request: Request) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(request, { ...env, ...bindings }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

describe("npm run check:deployed", () => {
  it("passes a deployment whose database and Redis are up, and refuses one whose Redis is down", async () => {
    const problems = await deploymentProblems(BASE, through());
    if (env.STACK_REDIS_DOWN) {
      expect(problems).toEqual([
        'GET /health: 200 {"status":"degraded","checks":{"database":"ok","cache":"unreachable"}}, expected 200 {"status":"ok","checks":{"database":"ok","cache":"ok"}}',
      ]);
    } else {
      expect(problems).toEqual([]);
    }
  });

  it("refuses a deployment whose database is down, naming each failed read", async () => {
    const down = through({ NEON_FETCH_ENDPOINT: `${env.STACK_UNAVAILABLE_ORIGIN}/sql` });
    const problems = await deploymentProblems(BASE, down);
    const cache = env.STACK_REDIS_DOWN ? "unreachable" : "ok";
    const unavailable = (list: string, instance: string) =>
      `GET ${list}: 503 {"type":"about:blank","title":"Service Unavailable","status":503,"detail":"The database cannot be reached; retry shortly","instance":"${instance}","request_id":"REQUEST_ID"}, expected 200 [...]`;
    expect(problems.map((p) => p.replace(/"request_id":"[0-9a-f-]{36}"/, '"request_id":"REQUEST_ID"'))).toEqual([
      `GET /health: 503 {"status":"down","checks":{"database":"unreachable","cache":"${cache}"}}, expected 200 {"status":"ok","checks":{"database":"ok","cache":"ok"}}`,
      unavailable("/products?page_size=1", "/products"),
      unavailable("/orders?page_size=1", "/orders"),
    ]);
  });
});
