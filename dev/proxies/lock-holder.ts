// Holds Postgres transactions open on behalf of tests that run inside workerd (which cannot keep
// a database session). A test takes a row lock here, starts concurrent requests that must queue
// behind it, waits until Postgres shows them waiting, then releases: a chosen interleaving,
// observed in pg_locks, never a sleep.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";

interface LockHolder {
  origin: string;
  close(): Promise<void>;
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
      } catch (err) {
        reject(err);
      }
    });
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}

/**
 * POST /hold {sql}            BEGIN, run `sql` (e.g. SELECT … FOR UPDATE), keep the transaction: {id}
 * GET  /waiting?count=N       answers once N other sessions of the database wait on a lock: {waiting}
 * POST /release {id}          COMMIT that transaction
 */
export async function startLockHolder(databaseUrl: string): Promise<LockHolder> {
  const open = new Map<number, pg.Client>();
  let nextId = 1;

  async function waiting(): Promise<number> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
      );
      return rows[0]?.n ?? 0;
    } finally {
      await client.end();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const route = `${req.method} ${url.pathname}`;
    if (route === "POST /hold") {
      const { sql } = await readJson(req);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query("begin");
      const result = await client.query(String(sql));
      const id = nextId++;
      open.set(id, client);
      return send(res, 200, { id, rows: result.rowCount });
    }
    if (route === "GET /waiting") {
      const count = Number(url.searchParams.get("count") ?? 1);
      // Polls an observable condition; the test's own timeout bounds it.
      for (;;) {
        const n = await waiting();
        if (n >= count) return send(res, 200, { waiting: n });
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    if (route === "POST /release") {
      const { id } = await readJson(req);
      const client = open.get(Number(id));
      if (!client) return send(res, 404, { error: `no held transaction ${id}` });
      open.delete(Number(id));
      await client.query("commit");
      await client.end();
      return send(res, 200, { released: id });
    }
    return send(res, 404, { error: `unknown route ${route}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(err) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const client of open.values()) await client.end().catch(() => undefined);
      open.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
