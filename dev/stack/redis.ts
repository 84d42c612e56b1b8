import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createConnection, createServer } from "node:net";

export interface RedisServer {
  url: string;
  source: "url" | "local" | "spawned";
  close(): Promise<void>;
}

/** Answers whether a Redis replies to PING at host:port within the timeout. */
function redisAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function hasRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

async function spawnRedis(fixedPort?: number): Promise<RedisServer> {
  const port = fixedPort ?? (await freePort());
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers("127.0.0.1", port, 200)) {
      return {
        url: `redis://127.0.0.1:${port}`,
        source: "spawned",
        close: async () => {
          child.kill("SIGTERM");
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`redis-server on port ${port} did not answer PING within 5 s`);
}

const INSTALL_REDIS_HINT =
  "install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)";

/**
 * The Redis of one test project or benchmark run: REDIS_URL exactly as given, database index
 * included; else a redis-server from PATH that this call starts on a free port and `close()`
 * stops; else a clear failure. It never looks for a Redis nobody named: a developer's own on 6379
 * keeps its data. The tests flush what they are given, so for them (`flushes`) the URL must name
 * its database (redis://host:port/N): a REDIS_URL left in the shell for `npm run dev`, which
 * names none, is refused rather than database 0 wiped.
 */
export async function resolveTestRedis(envUrl: string | undefined, flushes = true): Promise<RedisServer> {
  if (envUrl) {
    if (flushes && !/^\/\d+$/.test(new URL(envUrl).pathname)) {
      throw new Error(
        `REDIS_URL=${redactRedis(envUrl)} names no database, and the tests flush the one they are given: name it (e.g. redis://127.0.0.1:6379/15), or unset REDIS_URL and the tests start a redis-server of their own.`,
      );
    }
    return { url: envUrl, source: "url", close: async () => undefined };
  }
  if (hasRedisServer()) return spawnRedis();
  throw new Error(
    `The tests need Redis: ${INSTALL_REDIS_HINT} so they start their own, or set REDIS_URL to a Redis database they may flush (e.g. redis://127.0.0.1:6379/15).`,
  );
}

/** A Redis URL without its password, for messages. */
function redactRedis(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

/**
 * The Redis of `npm run dev:stack`: REDIS_URL when set; else the one on 127.0.0.1:6379; else a
 * redis-server from PATH on `port`, stopped with the stack; else none (Redis features off).
 */
export async function resolveDevRedis(envUrl: string | undefined, port: number): Promise<RedisServer | undefined> {
  if (envUrl) return { url: envUrl, source: "url", close: async () => undefined };
  if (await redisAnswers("127.0.0.1", 6379)) {
    return { url: "redis://127.0.0.1:6379", source: "local", close: async () => undefined };
  }
  if (hasRedisServer()) return spawnRedis(port);
  return undefined;
}
