import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { startCron } from "../../dev/stack/cron.ts";

describe("the local Cron Trigger (npm run dev, dev:stack)", () => {
  it("calls wrangler dev's scheduled endpoint with production's cron, once per period, until stopped", async () => {
    const calls: string[] = [];
    const server = createServer((req, res) => {
      calls.push(req.url ?? "");
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const outcomes: string[] = [];
    const cron = startCron(url, (o) => outcomes.push(o), 100);
    for (let waited = 0; outcomes.length < 2 && waited < 5000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    cron.stop();
    const seen = calls.length;
    await new Promise((r) => setTimeout(r, 250));
    server.close();
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(calls).toHaveLength(seen);
    expect(new Set(calls)).toEqual(new Set(["/cdn-cgi/local/scheduled?cron=*%20*%20*%20*%20*"]));
    expect(new Set(outcomes)).toEqual(new Set(["200"]));
  });

  it("goes on while no Worker answers yet", async () => {
    const outcomes: string[] = [];
    const cron = startCron("http://127.0.0.1:9", (o) => outcomes.push(o), 100);
    for (let waited = 0; outcomes.length < 2 && waited < 5000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    cron.stop();
    expect(outcomes.length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o.startsWith("not reachable"))).toBe(true);
  });
});
