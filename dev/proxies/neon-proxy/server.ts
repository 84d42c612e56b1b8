// A local stand-in for Neon's "SQL over HTTP" endpoint (what @neondatabase/serverless sends),
// executing every request on a real Postgres (or PGlite behind pglite-socket) through `pg`.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { type CustomTypesConfig, DatabaseError, type FieldDef, Pool, type PoolClient, type QueryArrayConfig } from "pg";

interface NeonProxyOptions {
  databaseUrl: string;
  port?: number;
  host?: string;
  latencyMs?: number;
  poolSize?: number;
}
interface NeonProxyStats {
  requests: number;
  queries: number;
  statements: number;
  batches: number;
  errors: number;
}
export interface NeonProxy {
  url: string;
  origin: string;
  port: number;
  stats(): NeonProxyStats;
  resetStats(): void;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

const CORS_ALLOW_HEADERS = [
  "Authorization",
  "Content-Type",
  "Neon-Connection-String",
  "Neon-Raw-Text-Output",
  "Neon-Array-Mode",
  "Neon-Pool-Opt-In",
  "Neon-Batch-Isolation-Level",
  "Neon-Batch-Read-Only",
  "Neon-Batch-Deferrable",
].join(", ");

// Neon answers with Postgres text output for every column; the client parses by OID itself.
// Set on the client (not per query) because pg also forwards a query's `types` to the Parse message.
const rawTextTypes: CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as CustomTypesConfig["getTypeParser"],
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Param = string | null;
interface SqlQuery {
  query: string;
  params: Param[];
}
interface SqlField {
  name: string;
  dataTypeID: number;
  tableID: number;
  columnID: number;
  dataTypeSize: number;
  dataTypeModifier: number;
  format: "text";
}
interface SqlResult {
  fields: SqlField[];
  rows: Param[][];
  command: string;
  rowCount: number | null;
  rowAsArray: true;
}

/** A non-Postgres failure with the HTTP status Neon would use for it. */
class ProxyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ERROR_FIELDS = [
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "severity",
  "where",
  "table",
  "column",
  "schema",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

function errorBody(err: unknown): { status: number; body: Record<string, string | null> } {
  if (err instanceof DatabaseError) {
    const body: Record<string, string | null> = { message: err.message, code: err.code ?? "" };
    for (const key of ERROR_FIELDS) body[key] = err[key] ?? null;
    return { status: 400, body };
  }
  const body: Record<string, string | null> = { message: err instanceof Error ? err.message : String(err), code: "" };
  for (const key of ERROR_FIELDS) body[key] = null;
  body.severity = "";
  return { status: err instanceof ProxyError ? err.status : 500, body };
}

/** Non-string JSON params become their Postgres text input, as the real proxy does for other clients. */
function toParam(value: Json): Param {
  if (value === null || typeof value === "string") return value;
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

function arrayLiteral(items: Json[]): string {
  const parts = items.map((item) => {
    if (item === null) return "NULL";
    if (Array.isArray(item)) return arrayLiteral(item);
    const text = typeof item === "string" ? item : JSON.stringify(item);
    return `"${text.replace(/[\\"]/g, "\\$&")}"`;
  });
  return `{${parts.join(",")}}`;
}

function parseQuery(value: unknown): SqlQuery {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProxyError(400, "could not parse the HTTP request body: query must be an object");
  }
  const { query, params = [] } = value as { query?: unknown; params?: unknown };
  if (typeof query !== "string") throw new ProxyError(400, "could not parse the HTTP request body: missing query");
  if (!Array.isArray(params))
    throw new ProxyError(400, "could not parse the HTTP request body: params must be an array");
  return { query, params: (params as Json[]).map(toParam) };
}

/** A body with `query` is a single query; anything else must be a batch (`{ queries: [...] }`). */
function parseBody(text: string): SqlQuery | SqlQuery[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ProxyError(400, `could not parse the HTTP request body: ${(err as Error).message}`);
  }
  if (typeof body === "object" && body !== null && "query" in body) return parseQuery(body);
  const queries = typeof body === "object" && body !== null ? (body as { queries?: unknown }).queries : undefined;
  if (!Array.isArray(queries)) throw new ProxyError(400, "could not parse the HTTP request body: missing queries");
  return queries.map(parseQuery);
}

interface Credentials {
  user: string;
  password: string;
  database: string;
}

function credentialsFrom(connectionString: string): Credentials {
  const invalid = "invalid header: neon-connection-string";
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new ProxyError(400, invalid);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") throw new ProxyError(400, "incorrect scheme");
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new ProxyError(400, invalid);
    }
  };
  const user = decode(url.username);
  const database = decode(url.pathname.replace(/^\//, "").split("/")[0] ?? "");
  if (!user) throw new ProxyError(400, "missing username");
  if (!database) throw new ProxyError(400, "missing database name");
  return { user, password: decode(url.password), database };
}

function batchBegin(headers: IncomingMessage["headers"]): string {
  const level = headers["neon-batch-isolation-level"];
  let sql = "BEGIN";
  if (typeof level === "string") {
    const mapped = ISOLATION_LEVELS[level];
    if (!mapped) throw new ProxyError(400, "invalid isolation level");
    sql += ` ISOLATION LEVEL ${mapped}`;
  }
  // Only the exact value "true" counts, like the real proxy.
  if (headers["neon-batch-read-only"] === "true") sql += " READ ONLY";
  if (headers["neon-batch-deferrable"] === "true") sql += " DEFERRABLE";
  return sql;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    // Keep draining past the limit so the client can read the 413 instead of a reset socket.
    if (size <= MAX_REQUEST_BYTES) chunks.push(buf);
  }
  if (size > MAX_REQUEST_BYTES) {
    throw new ProxyError(413, `request is too large (max is ${MAX_REQUEST_BYTES} bytes)`);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function toField(field: FieldDef): SqlField {
  const { name, dataTypeID, tableID, columnID, dataTypeSize, dataTypeModifier } = field;
  return { name, dataTypeID, tableID, columnID, dataTypeSize, dataTypeModifier, format: "text" };
}

async function execute(client: PoolClient, { query, params }: SqlQuery): Promise<SqlResult> {
  // Extended protocol even without params: makes multi-statement strings fail with 42601 like Neon.
  // `queryMode` is missing from @types/pg, hence the intersection.
  const config: QueryArrayConfig<Param[]> & { queryMode: "extended" } = {
    text: query,
    values: params,
    rowMode: "array",
    queryMode: "extended",
  };
  const result = await client.query<Param[]>(config);
  return {
    fields: result.fields.map(toField),
    rows: result.rows,
    // pg reports null for an empty query; Neon sends "".
    command: result.command ?? "",
    rowCount: result.rowCount ?? null,
    rowAsArray: true,
  };
}

/**
 * Return a connection to its pool only when it is idle outside a transaction; a connection that is
 * broken, or left inside a transaction (e.g. the query was `BEGIN`), is rolled back or destroyed.
 */
async function release(client: PoolClient, err: unknown): Promise<void> {
  // FATAL/PANIC (e.g. pg_terminate_backend) and non-Postgres errors mean the session is gone.
  const broken =
    err instanceof DatabaseError ? err.severity === "FATAL" || err.severity === "PANIC" : err !== undefined;
  if (broken) {
    client.release(true);
    return;
  }
  if (client.getTransactionStatus() !== "I") {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackError) {
      client.release(rollbackError instanceof Error ? rollbackError : true);
      return;
    }
  }
  client.release(client.getTransactionStatus() !== "I");
}

export async function startNeonProxy(opts: NeonProxyOptions): Promise<NeonProxy> {
  const upstream = new URL(opts.databaseUrl);
  const latencyMs = opts.latencyMs ?? 0;
  const poolSize = opts.poolSize ?? 10;
  const pools = new Map<string, Pool>();
  const emptyStats = (): NeonProxyStats => ({ requests: 0, queries: 0, statements: 0, batches: 0, errors: 0 });
  let stats = emptyStats();

  /** `creds` null (no Neon-Connection-String header): connect as databaseUrl says. */
  function poolFor(creds: Credentials | null): Pool {
    // Keyed by password as well, so a pooled session is never handed to a request with other credentials.
    const key = creds ? JSON.stringify([creds.user, creds.database, creds.password]) : "";
    let pool = pools.get(key);
    if (!pool) {
      // Host, port and TLS settings stay those of databaseUrl; only the identity comes from the request.
      const target = new URL(upstream);
      if (creds) {
        target.username = encodeURIComponent(creds.user);
        target.password = encodeURIComponent(creds.password);
        target.pathname = `/${encodeURIComponent(creds.database)}`;
      }
      pool = new Pool({ connectionString: target.toString(), max: poolSize, types: rawTextTypes });
      // Errors of idle or checked-out clients must not crash the process; the next query on a broken
      // client fails and release() destroys it.
      pool.on("error", () => {});
      pool.on("connect", (client) => {
        client.on("error", () => {});
        // Notices are not part of Neon's response.
        client.on("notice", () => {});
      });
      pools.set(key, pool);
    }
    return pool;
  }

  async function runSingle(creds: Credentials | null, query: SqlQuery): Promise<SqlResult> {
    const client = await poolFor(creds).connect();
    let failure: unknown;
    try {
      stats.statements++;
      return await execute(client, query);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      await release(client, failure);
    }
  }

  async function runBatch(creds: Credentials | null, begin: string, queries: SqlQuery[]): Promise<SqlResult[]> {
    const client = await poolFor(creds).connect();
    let failure: unknown;
    try {
      await client.query(begin);
      const results: SqlResult[] = [];
      for (const query of queries) {
        stats.statements++;
        results.push(await execute(client, query));
      }
      // A COMMIT failure (serialization, deferred constraint) rejects like any other error.
      await client.query("COMMIT");
      return results;
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      // Rolls back the failed transaction, so nothing of the batch is committed.
      await release(client, failure);
    }
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(text)),
      "Access-Control-Allow-Origin": "*",
      ...headers,
    });
    res.end(text);
  }

  async function handleSql(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    const headers: Record<string, string> = { "Neon-Request-Id": randomUUID() };
    try {
      const body = parseBody(await readBody(req));
      const header = req.headers["neon-connection-string"];
      const creds = typeof header === "string" ? credentialsFrom(header) : null;
      let payload: SqlResult | { results: SqlResult[] };
      if (Array.isArray(body)) {
        stats.batches++;
        const begin = batchBegin(req.headers);
        for (const name of ["Neon-Batch-Isolation-Level", "Neon-Batch-Read-Only", "Neon-Batch-Deferrable"]) {
          const value = req.headers[name.toLowerCase()];
          if (typeof value === "string") headers[name] = value;
        }
        if (latencyMs > 0) await sleep(latencyMs);
        payload = { results: await runBatch(creds, begin, body) };
      } else {
        stats.queries++;
        if (latencyMs > 0) await sleep(latencyMs);
        payload = await runSingle(creds, body);
      }
      const text = JSON.stringify(payload);
      if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) {
        throw new ProxyError(507, `response is too large (max is ${MAX_RESPONSE_BYTES} bytes)`);
      }
      send(res, 200, payload, headers);
    } catch (err) {
      stats.errors++;
      const { status, body } = errorBody(err);
      send(res, status, body, headers);
    }
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = `${req.method} ${path}`;
    if (route === "POST /sql") {
      void handleSql(req, res);
      return;
    }
    // Everything else is answered without reading the body; drain it so keep-alive stays usable.
    req.resume();
    switch (route) {
      case "OPTIONS /sql":
        res.writeHead(200, {
          "Access-Control-Allow-Origin": "*",
          "Access-Control-Allow-Methods": "POST, OPTIONS",
          "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
          "Access-Control-Max-Age": "86400",
          "Content-Length": "0",
        });
        res.end();
        return;
      case "GET /stats":
        return send(res, 200, stats);
      case "POST /stats/reset":
        stats = emptyStats();
        return send(res, 200, stats);
      case "GET /healthz":
        return send(res, 200, { ok: true });
      default:
        return send(res, 400, "query is not supported");
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, family, port } = server.address() as AddressInfo;
  const origin = `http://${family === "IPv6" ? `[${address}]` : address}:${port}`;

  return {
    url: `${origin}/sql`,
    origin,
    port,
    stats: () => ({ ...stats }),
    resetStats: () => {
      stats = emptyStats();
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
}
