import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type * as IORedis from "ioredis";

// Loaded through Node's require: ioredis defines its named exports as getters, which the
// ESM interop of vitest's global-setup runner does not see.
const { Command, Redis, ReplyError } = createRequire(import.meta.url)("ioredis") as typeof IORedis;
type Redis = IORedis.Redis;

interface UpstashProxyOptions {
  redisUrl: string;
  token: string;
  port?: number;
  host?: string;
}
interface UpstashProxyStats {
  /** HTTP requests to the command endpoints (/, /pipeline, /multi-exec), whatever their outcome. */
  requests: number;
  /** Commands sent to Redis, not counting the MULTI/EXEC around a transaction. */
  commands: number;
}
export interface UpstashProxy {
  url: string;
  port: number;
  stats(): UpstashProxyStats;
  resetStats(): void;
  close(): Promise<void>;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Entry = { result: Json } | { error: string };
interface ParsedCommand {
  name: string;
  args: string[];
}

const MAX_BODY_BYTES = 1024 * 1024;
const EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

// Commands that block, change connection state (db, protocol, reply mode, subscriber mode) or
// break reply ordering on the shared connection; real Upstash rejects these too.
const UNSUPPORTED = new Set(
  [
    "blpop brpop brpoplpush blmove blmpop bzpopmin bzpopmax bzmpop wait waitaof",
    "subscribe psubscribe ssubscribe unsubscribe punsubscribe sunsubscribe monitor",
    "multi exec discard watch unwatch select swapdb move",
    "auth hello client reset quit sync psync replicaof slaveof shutdown",
  ]
    .join(" ")
    .split(" "),
);

/** Upstash answers 400 for these, 500 for anything that is the proxy's or Redis' fault. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * ioredis turns some replies into JS shapes (HGETALL → object). The REST protocol needs the
 * RESP2 reply exactly as Redis sent it: Buffers, numbers, null and nested arrays.
 */
class RawCommand extends Command {
  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result;
  }
}

function toArg(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new HttpError(400, `ERR invalid argument ${JSON.stringify(value) ?? "undefined"}`);
}

function parseCommand(value: unknown): ParsedCommand {
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== "string") {
    throw new HttpError(400, "ERR a command must be a non-empty array starting with its name");
  }
  const [name, ...args] = value as [string, ...unknown[]];
  const lower = name.toLowerCase();
  // The proxy serves one Redis db index as "the" database; FLUSHALL would wipe its neighbours.
  return { name: lower === "flushall" ? "flushdb" : lower, args: args.map(toArg) };
}

function parseCommandList(value: unknown): ParsedCommand[] {
  if (!Array.isArray(value)) throw new HttpError(400, "ERR expected an array of commands");
  return value.map(parseCommand);
}

function unsupportedReason(cmd: ParsedCommand): string | undefined {
  const streamsAt = cmd.args.findIndex((a) => a.toLowerCase() === "streams");
  const options = streamsAt === -1 ? cmd.args : cmd.args.slice(0, streamsAt);
  const blockingRead =
    (cmd.name === "xread" || cmd.name === "xreadgroup") && options.some((a) => a.toLowerCase() === "block");
  if (UNSUPPORTED.has(cmd.name) || blockingRead) return `ERR unsupported command '${cmd.name}'`;
  return undefined;
}

function bytesToText(bytes: Uint8Array, base64: boolean): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(base64 ? "base64" : "utf8");
}

function encodeReply(reply: unknown, base64: boolean): Json {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === "number") return reply;
  if (reply instanceof Uint8Array) return bytesToText(reply, base64);
  if (typeof reply === "string") return base64 ? Buffer.from(reply).toString("base64") : reply;
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, base64));
  // Errors nested in EXEC or EVAL replies; error text is never base64-encoded.
  if (reply instanceof Error) return { error: reply.message };
  return String(reply);
}

function toEntry(outcome: PromiseSettledResult<unknown>, base64: boolean): Entry {
  if (outcome.status === "fulfilled") return { result: encodeReply(outcome.value, base64) };
  return { error: errorMessage(outcome.reason) };
}

function errorMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Drains the whole body even when it is too large, so the client never sees a reset socket. */
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) throw new HttpError(400, "ERR max request size exceeded");
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function connect(redisUrl: string, onError: (err: Error) => void): Redis {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    // Fail fast instead of queueing while Redis is down: a dev proxy must answer, not hang.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Replaying in-flight writes after a reconnect could apply an INCR twice.
    autoResendUnfulfilledCommands: false,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Without a listener ioredis prints every reconnect failure; requests report it instead.
  redis.on("error", onError);
  return redis;
}

export async function startUpstashProxy(opts: UpstashProxyOptions): Promise<UpstashProxy> {
  // The offline-queue rejection only says "Stream isn't writeable"; the cause is more useful.
  let lastRedisError = "";
  const remember = (err: Error) => {
    lastRedisError = err.message;
  };
  const redis = connect(opts.redisUrl, remember);
  // MULTI puts a connection into a state other requests must not see, so transactions get
  // their own connection and run one after another on it.
  const txRedis = connect(opts.redisUrl, remember);
  for (const conn of [redis, txRedis]) {
    conn.on("ready", () => {
      lastRedisError = "";
    });
  }
  let txQueue: Promise<unknown> = Promise.resolve();
  await Promise.all([redis.connect(), txRedis.connect()].map((p) => p.catch(() => undefined)));

  let stats: UpstashProxyStats = { requests: 0, commands: 0 };

  /** A failure that is not a command error (connection refused, closed) is the proxy's: 500. */
  function unavailable(reason: unknown): HttpError | undefined {
    if (reason instanceof ReplyError || reason instanceof HttpError) return undefined;
    return new HttpError(500, `ERR redis unavailable: ${lastRedisError || errorMessage(reason)}`);
  }

  function assertReachable(outcomes: PromiseSettledResult<unknown>[]): void {
    for (const outcome of outcomes) {
      const error = outcome.status === "rejected" ? unavailable(outcome.reason) : undefined;
      if (error) throw error;
    }
  }

  // Upstash accepts the script flag `allow-key-locking` (used by @upstash/ratelimit); Redis
  // refuses scripts that carry it. Scripts are sent without it, and EVALSHA digests of the
  // original text are mapped to the digest Redis knows.
  const scriptDigests = new Map<string, string>();
  const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

  function withoutUpstashFlags(script: string): string {
    const rewritten = script.replace(/^#!lua([^\n]*)/, (_line, rest: string) => {
      const flags = rest.match(/flags=(\S*)/)?.[1];
      if (flags === undefined) return `#!lua${rest}`;
      const kept = flags.split(",").filter((f) => f && f !== "allow-key-locking");
      return `#!lua${rest.replace(/\s*flags=\S*/, kept.length ? ` flags=${kept.join(",")}` : "")}`;
    });
    if (rewritten !== script) scriptDigests.set(sha1(script), sha1(rewritten));
    return rewritten;
  }

  function toRedis(cmd: ParsedCommand): ParsedCommand {
    const name = cmd.name.toLowerCase();
    const [first, second, ...rest] = cmd.args;
    if ((name === "eval" || name === "eval_ro") && first !== undefined) {
      return { name: cmd.name, args: [withoutUpstashFlags(first), ...cmd.args.slice(1)] };
    }
    if (name === "script" && first?.toLowerCase() === "load" && second !== undefined) {
      return { name: cmd.name, args: [first, withoutUpstashFlags(second), ...rest] };
    }
    if ((name === "evalsha" || name === "evalsha_ro") && first !== undefined) {
      return { name: cmd.name, args: [scriptDigests.get(first.toLowerCase()) ?? first, ...cmd.args.slice(1)] };
    }
    return cmd;
  }

  function call(conn: Redis, original: ParsedCommand): Promise<unknown> {
    const cmd = toRedis(original);
    const command = new RawCommand(cmd.name, cmd.args);
    conn.sendCommand(command);
    return command.promise;
  }

  async function runSingle(body: unknown, base64: boolean): Promise<Entry> {
    const cmd = parseCommand(body);
    const reason = unsupportedReason(cmd);
    if (reason) throw new HttpError(400, reason);
    stats.commands++;
    try {
      return { result: encodeReply(await call(redis, cmd), base64) };
    } catch (err) {
      throw unavailable(err) ?? new HttpError(400, errorMessage(err));
    }
  }

  async function runPipeline(body: unknown, base64: boolean): Promise<Entry[]> {
    const cmds = parseCommandList(body);
    // Written back to back on one connection, so Redis runs them in request order.
    const pending = cmds.map((cmd) => {
      const reason = unsupportedReason(cmd);
      if (reason) return Promise.reject(new HttpError(400, reason));
      stats.commands++;
      return call(redis, cmd);
    });
    const outcomes = await Promise.allSettled(pending);
    assertReachable(outcomes);
    return outcomes.map((outcome) => toEntry(outcome, base64));
  }

  async function runTransaction(body: unknown, base64: boolean): Promise<Entry[]> {
    const cmds = parseCommandList(body);
    // Upstash discards a transaction with an unsupported command as a whole.
    for (const cmd of cmds) {
      const reason = unsupportedReason(cmd);
      if (reason) throw new HttpError(400, reason);
    }
    const run = txQueue.then(async () => {
      stats.commands += cmds.length;
      const sent = [
        call(txRedis, { name: "multi", args: [] }),
        ...cmds.map((cmd) => call(txRedis, cmd)),
        call(txRedis, { name: "exec", args: [] }),
      ];
      const outcomes = await Promise.allSettled(sent);
      assertReachable(outcomes);
      const exec = outcomes.at(-1);
      if (exec?.status === "rejected") {
        const message = errorMessage(exec.reason);
        throw new HttpError(400, message.startsWith("EXECABORT") ? EXECABORT : message);
      }
      if (!Array.isArray(exec?.value)) throw new HttpError(400, EXECABORT);
      return exec.value.map((item: unknown) =>
        item instanceof Error ? { error: item.message } : { result: encodeReply(item, base64) },
      );
    });
    txQueue = run.catch(() => undefined);
    return run;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/(.)\/+$/, "$1");
    const method = req.method ?? "GET";

    if (path === "/healthz" || path === "/stats" || path === "/stats/reset") {
      const allowed = path === "/stats/reset" ? "POST" : "GET";
      if (method !== allowed) return send(res, 405, { error: "ERR method not allowed" });
      if (path === "/healthz") return send(res, 200, { ok: true });
      if (path === "/stats") return send(res, 200, stats);
      stats = { requests: 0, commands: 0 };
      return send(res, 200, stats);
    }
    if (path !== "/" && path !== "/pipeline" && path !== "/multi-exec") {
      return send(res, 404, { error: `ERR unknown endpoint ${path}` });
    }
    stats.requests++;
    if (method !== "POST") return send(res, 405, { error: "ERR method not allowed" });
    if (!bearerMatches(req.headers.authorization, opts.token)) {
      return send(res, 401, { error: "WRONGPASS invalid or missing auth token" });
    }

    const text = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, "ERR failed to parse request body as JSON");
    }
    const base64 = String(req.headers["upstash-encoding"]).toLowerCase() === "base64";
    if (path === "/") return send(res, 200, await runSingle(body, base64));
    if (path === "/pipeline") return send(res, 200, await runPipeline(body, base64));
    return send(res, 200, await runTransaction(body, base64));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) send(res, status, { error: errorMessage(err) });
      else res.destroy();
    });
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    stats: () => ({ ...stats }),
    resetStats: () => {
      stats = { requests: 0, commands: 0 };
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      redis.disconnect();
      txRedis.disconnect();
    },
  };
}
