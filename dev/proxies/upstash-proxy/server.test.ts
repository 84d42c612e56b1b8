import { createHash } from "node:crypto";
import { createServer } from "node:net";
import { Redis } from "@upstash/redis";
import { Redis as CloudflareRedis } from "@upstash/redis/cloudflare";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { startUpstashProxy, type UpstashProxy } from "./server.ts";

// From test/node-setup.ts: a database index of this suite's own, so flushing it touches nothing else.
const REDIS_URL = inject("redisUrl");
const TOKEN = "test-token";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

let proxy: UpstashProxy;
let direct: IORedis;
let redis: Redis;

beforeAll(async () => {
  proxy = await startUpstashProxy({ redisUrl: REDIS_URL, token: TOKEN });
  direct = new IORedis(REDIS_URL);
  redis = new Redis({ url: proxy.url, token: TOKEN, enableTelemetry: false });
});

afterAll(async () => {
  await proxy.close();
  direct.disconnect();
});

beforeEach(async () => {
  await direct.flushdb();
  proxy.resetStats();
});

/** Raw POST; fetch sends a string body as text/plain, which the proxy must accept. */
async function post(
  path: string,
  body: string,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${proxy.url}${path}`, { method: "POST", headers, body });
  expect(res.headers.get("content-type")).toBe("application/json");
  return { status: res.status, body: await res.json() };
}

const base64Headers = { authorization: `Bearer ${TOKEN}`, "upstash-encoding": "base64" };

describe("upstash proxy with @upstash/redis", () => {
  it("round-trips strings, including emoji and values that are valid base64", async () => {
    await redis.set("emoji", "héllo 🚀 ✓");
    await redis.set("b64", "abcd");
    expect(await redis.get("emoji")).toBe("héllo 🚀 ✓");
    expect(await redis.get("b64")).toBe("abcd");
    expect(await direct.get("b64")).toBe("abcd");
  });

  it("returns numbers, deserializing numeric strings", async () => {
    await redis.set("n", 42);
    await redis.set("s", "42");
    expect(await redis.get("n")).toBe(42);
    expect(await redis.get("s")).toBe(42);
    expect(await redis.incr("n")).toBe(43);
    expect(await redis.incrbyfloat("f", 1.5)).toBe(1.5);
    expect(await direct.get("n")).toBe("43");
  });

  it("returns null for missing values at the top level and inside arrays", async () => {
    await redis.set("a", "x");
    expect(await redis.get("missing")).toBe(null);
    expect(await redis.hget("nohash", "f")).toBe(null);
    expect(await redis.mget("a", "missing")).toEqual(["x", null]);
  });

  it("returns hgetall as an object", async () => {
    await redis.hset("h", { name: "Ada", n: 7, ok: true });
    expect(await redis.hgetall("h")).toEqual({ name: "Ada", n: 7, ok: true });
    expect(await redis.hgetall("nohash")).toBe(null);
  });

  it("returns zrange withScores and zscore", async () => {
    await redis.zadd("z", { score: 1.5, member: "m1" }, { score: 2, member: "m2" });
    expect(await redis.zrange("z", 0, -1, { withScores: true })).toEqual(["m1", 1.5, "m2", 2]);
    expect(await redis.zscore("z", "m1")).toBe(1.5);
  });

  it("keeps integers and strings apart in nested EVAL replies", async () => {
    expect(await redis.eval("return {1,'two',{3,'four'}}", [], [])).toEqual([1, "two", [3, "four"]]);
  });

  it("runs scripts carrying Upstash's allow-key-locking flag, by EVAL and by the original's EVALSHA", async () => {
    const script = "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])";
    expect(await redis.eval(script, ["locked"], [])).toBe(1);
    const digest = createHash("sha1").update(script).digest("hex");
    expect(await redis.evalsha(digest, ["locked"], [])).toBe(2);
    expect(await redis.eval("#!lua flags=no-writes,allow-key-locking\nreturn 7", [], [])).toBe(7);
  });

  it("supports set/get/incr/expire/ttl", async () => {
    expect(await redis.set("k", "v", { ex: 100 })).toBe("OK");
    expect(await redis.ttl("k")).toBe(100);
    expect(await redis.incr("counter")).toBe(1);
    expect(await redis.expire("counter", 50)).toBe(1);
    expect(await redis.ttl("counter")).toBe(50);
    expect(await redis.ttl("missing")).toBe(-2);
    expect(await redis.del("k", "counter")).toBe(2);
  });

  it("reports a per-command pipeline error and still runs the rest", async () => {
    const failing = redis.pipeline().set("a", "1").lpush("a", "x").incr("a");
    await expect(failing.exec()).rejects.toThrow(`Command 2 [ lpush ] failed: ${WRONGTYPE}`);
    expect(await direct.get("a")).toBe("2");

    const kept = await redis.pipeline().set("b", "1").lpush("b", "x").incr("b").exec({
      keepErrors: true,
    });
    expect(kept).toEqual([
      { error: undefined, result: "OK" },
      { error: WRONGTYPE, result: undefined },
      { error: undefined, result: 2 },
    ]);
  });

  it("runs multi-exec atomically and reports runtime errors per item", async () => {
    expect(await redis.multi().set("c", 5).incr("c").get("c").exec()).toEqual(["OK", 6, 6]);
    const withError = await redis.multi().set("d", "1").lpush("d", "x").incr("d").exec({
      keepErrors: true,
    });
    expect(withError).toEqual([
      { error: undefined, result: "OK" },
      { error: WRONGTYPE, result: undefined },
      { error: undefined, result: 2 },
    ]);
  });

  it("turns a queue-time error into EXECABORT and applies nothing", async () => {
    // DEL without keys fails at queue time (wrong arity), which discards the transaction.
    await expect(redis.multi().set("e", "1").del().exec()).rejects.toThrow(
      `${EXECABORT}, command was: [["set","e","1"],["del"]]`,
    );
    expect(await direct.exists("e")).toBe(0);
  });

  it("never interleaves concurrent transactions", async () => {
    const runs = await Promise.all(Array.from({ length: 20 }, () => redis.multi().incr("seq").incr("seq").exec()));
    const firsts = runs.map(([first, second]) => {
      expect(second).toBe(Number(first) + 1);
      return Number(first);
    });
    expect(firsts.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i + 1));
  });

  it("serves auto-pipelined concurrent commands in one request", async () => {
    const results = await Promise.all([
      redis.set("p1", "a"),
      redis.set("p2", 2),
      redis.incr("p3"),
      redis.lpush("p2", "x").catch((err: unknown) => (err as Error).message),
    ]);
    expect(results).toEqual(["OK", "OK", 1, `Command failed: ${WRONGTYPE}`]);
    expect(proxy.stats()).toEqual({ requests: 1, commands: 4 });
    expect(await Promise.all([redis.get("p1"), redis.get("p2"), redis.get("p3")])).toEqual(["a", 2, 1]);
    expect(proxy.stats()).toEqual({ requests: 2, commands: 7 });
  });

  it("rejects a wrong token", async () => {
    const intruder = new Redis({ url: proxy.url, token: "wrong", enableTelemetry: false });
    await expect(intruder.get("x")).rejects.toThrow(
      'WRONGPASS invalid or missing auth token, command was: [["get","x"]]',
    );
  });

  it("works with responseEncoding: false", async () => {
    const plain = new Redis({ url: proxy.url, token: TOKEN, responseEncoding: false });
    await plain.set("emoji", "héllo 🚀");
    await plain.set("b64", "abcd");
    expect(await plain.mget("emoji", "b64", "none")).toEqual(["héllo 🚀", "abcd", null]);
    expect(await plain.eval("return {1,'OK',{3,'four'}}", [], [])).toEqual([1, "OK", [3, "four"]]);
  });

  it("works with the Cloudflare build of the client", async () => {
    const cf = new CloudflareRedis({ url: proxy.url, token: TOKEN });
    await cf.set("cf", "abcd");
    expect(await cf.get("cf")).toBe("abcd");
    expect(await cf.multi().incr("cfn").incr("cfn").exec()).toEqual([1, 2]);
  });
});

describe("upstash proxy over raw HTTP", () => {
  it("answers 401 with a JSON error for missing, malformed and wrong tokens", async () => {
    const unauthorized = { status: 401, body: { error: "WRONGPASS invalid or missing auth token" } };
    expect(await post("/", '["ping"]', {})).toEqual(unauthorized);
    expect(await post("/", '["ping"]', { authorization: TOKEN })).toEqual(unauthorized);
    expect(await post("/", '["ping"]', { authorization: "Basic dGVzdA==" })).toEqual(unauthorized);
    expect(await post("/pipeline", '[["ping"]]', { authorization: "Bearer nope" })).toEqual(unauthorized);
  });

  it("writes result: null explicitly", async () => {
    const res = await fetch(`${proxy.url}/`, {
      method: "POST",
      headers: base64Headers,
      body: '["get","missing"]',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"result":null}');
  });

  it("base64-encodes every string at every depth, but never integers or errors", async () => {
    const body = JSON.stringify([
      ["set", "k", "v"],
      ["get", "k"],
      ["eval", "return {1,'two',{3,'four'},'OK'}", 0],
      ["incr", "k"],
      ["type", "k"],
    ]);
    expect(await post("/pipeline", body, base64Headers)).toEqual({
      status: 200,
      body: [
        { result: "T0s=" },
        { result: "dg==" },
        { result: [1, "dHdv", [3, "Zm91cg=="], "T0s="] },
        { error: "ERR value is not an integer or out of range" },
        { result: "c3RyaW5n" },
      ],
    });
    expect(await post("/", '["hgetall","k"]', base64Headers)).toEqual({
      status: 400,
      body: { error: WRONGTYPE },
    });
  });

  it("returns plain UTF-8 without the encoding header", async () => {
    expect(await post("/", '["SET","u","héllo 🚀"]')).toEqual({ status: 200, body: { result: "OK" } });
    expect(await post("/", '["Get","u"]')).toEqual({ status: 200, body: { result: "héllo 🚀" } });
    expect(await post("/", '["ping"]')).toEqual({ status: 200, body: { result: "PONG" } });
  });

  it("converts number and boolean arguments to their text", async () => {
    expect(await post("/", '["hset","h","f",1.5,"g",true,"n",-3]')).toEqual({
      status: 200,
      body: { result: 3 },
    });
    expect(await direct.hgetall("h")).toEqual({ f: "1.5", g: "true", n: "-3" });
  });

  it("answers a Redis error with 400 and the Redis error text", async () => {
    expect(await post("/", '["incr","x","y"]')).toEqual({
      status: 400,
      body: { error: "ERR wrong number of arguments for 'incr' command" },
    });
  });

  it("answers EXECABORT with 400 and applies nothing", async () => {
    expect(await post("/multi-exec", '[["set","m","1"],["get"]]')).toEqual({
      status: 400,
      body: { error: EXECABORT },
    });
    expect(await direct.exists("m")).toBe(0);
  });

  it("rejects malformed bodies, null arguments and unsupported commands with 400", async () => {
    expect(await post("/", "{not json")).toEqual({
      status: 400,
      body: { error: "ERR failed to parse request body as JSON" },
    });
    expect(await post("/", '["set","k",null]')).toEqual({
      status: 400,
      body: { error: "ERR invalid argument null" },
    });
    expect(await post("/", "[]")).toEqual({
      status: 400,
      body: { error: "ERR a command must be a non-empty array starting with its name" },
    });
    expect(await post("/", '["blpop","q",0]')).toEqual({
      status: 400,
      body: { error: "ERR unsupported command 'blpop'" },
    });
    expect(await post("/", '["xread","BLOCK",0,"STREAMS","s","$"]')).toEqual({
      status: 400,
      body: { error: "ERR unsupported command 'xread'" },
    });
    expect(await post("/pipeline", '[["select",1],["ping"]]')).toEqual({
      status: 200,
      body: [{ error: "ERR unsupported command 'select'" }, { result: "PONG" }],
    });
    expect(await post("/multi-exec", '[["set","w","1"],["watch","w"]]')).toEqual({
      status: 400,
      body: { error: "ERR unsupported command 'watch'" },
    });
    expect(await direct.exists("w")).toBe(0);
  });

  it("rejects bodies over 1 MB", async () => {
    const big = JSON.stringify(["set", "big", "x".repeat(1024 * 1024)]);
    expect(await post("/", big)).toEqual({
      status: 400,
      body: { error: "ERR max request size exceeded" },
    });
    expect(await direct.exists("big")).toBe(0);
  });

  it("answers other methods with 405 JSON", async () => {
    const res = await fetch(`${proxy.url}/`, { headers: base64Headers });
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ error: "ERR method not allowed" });
  });

  it("serves healthz and stats without auth", async () => {
    await post("/pipeline", '[["ping"],["ping"]]');
    await post("/", '["ping"]', {});
    expect(await (await fetch(`${proxy.url}/healthz`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${proxy.url}/stats`)).json()).toEqual({ requests: 2, commands: 2 });
    const reset = await fetch(`${proxy.url}/stats/reset`, { method: "POST" });
    expect(reset.status).toBe(200);
    expect(proxy.stats()).toEqual({ requests: 0, commands: 0 });
  });

  it("writes to the db index named in the Redis URL", async () => {
    await post("/", '["set","where","db"]');
    expect(await direct.get("where")).toBe("db");
  });

  it("limits FLUSHALL to its own db index", async () => {
    const neighbour = direct.duplicate({ db: ((direct.options.db ?? 0) + 1) % 16 });
    const key = `upstash-proxy-test:neighbour:${process.pid}`;
    try {
      await neighbour.set(key, "kept");
      await post("/", '["set","mine","x"]');
      expect(await post("/", '["FLUSHALL"]')).toEqual({ status: 200, body: { result: "OK" } });
      expect(await direct.exists("mine")).toBe(0);
      expect(await neighbour.get(key)).toBe("kept");
    } finally {
      await neighbour.del(key);
      neighbour.disconnect();
    }
  });
});

describe("upstash proxy without Redis", () => {
  it("fails fast with a 500 JSON error when Redis is unreachable", async () => {
    const port = await closedPort();
    const started = Date.now();
    const down = await startUpstashProxy({ redisUrl: `redis://127.0.0.1:${port}/0`, token: TOKEN });
    try {
      const error = `ERR redis unavailable: connect ECONNREFUSED 127.0.0.1:${port}`;
      const res = await fetch(`${down.url}/`, { method: "POST", headers: base64Headers, body: '["ping"]' });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error });
      const client = new Redis({ url: down.url, token: TOKEN, enableTelemetry: false });
      await expect(client.get("x")).rejects.toThrow(`${error}, command was: [["get","x"]]`);
      await expect(client.multi().get("x").exec()).rejects.toThrow(`${error}, command was: [["get","x"]]`);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await down.close();
    }
  });
});

/** A port that was free a moment ago, so nothing answers on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}
