// Runs in Node (vitest project "node"): the real Neon and drizzle clients talk to the local proxy,
// and every answer is checked against what `pg` returns from the same database directly.
import { randomBytes } from "node:crypto";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { type CustomTypesConfig, NeonDbError, neon, neonConfig, types as neonTypes } from "@neondatabase/serverless";
import { eq, inArray } from "drizzle-orm";
import { drizzle as drizzleNeon } from "drizzle-orm/neon-http";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import {
  bigint,
  boolean,
  customType,
  date,
  integer,
  jsonb,
  numeric,
  pgSchema,
  smallint,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteInMemory } from "../../stack/postgres";
import { type NeonProxy, startNeonProxy } from "./server";

// drizzle's neon-http driver replaces the Neon client's global date/time parsers with identity
// functions when a db is constructed. Snapshot the defaults first, so the plain-client comparison
// with `pg` keeps testing the parsers an app without drizzle gets. (Neon 1.2.0 reads `types` only
// from per-query options; the one given to neon() is ignored.)
const neonDefaultParsers = new Map(
  [1082, 1114, 1115, 1182, 1184, 1185, 1186, 1187, 1231].map((oid) => [oid, neonTypes.getTypeParser(oid)]),
);
const neonDefaultTypes: CustomTypesConfig = {
  getTypeParser: (oid, format) => neonDefaultParsers.get(Number(oid)) ?? neonTypes.getTypeParser(Number(oid), format),
};

interface Upstream {
  name: string;
  poolSize: number;
  start(): Promise<{ databaseUrl: string; stop(): Promise<void> }>;
}

// A real server when TEST_DATABASE_URL names one (CI does); PGlite always, so the suite needs
// nothing installed.
const serverUpstream: Upstream[] = process.env.TEST_DATABASE_URL
  ? [
      {
        name: "postgres",
        poolSize: 10,
        start: async () => ({ databaseUrl: process.env.TEST_DATABASE_URL ?? "", stop: async () => {} }),
      },
    ]
  : [];

const upstreams: Upstream[] = [
  ...serverUpstream,
  {
    name: "pglite",
    // PGlite is one session; the stack gives the proxy a single connection.
    poolSize: 1,
    start: async () => {
      const db = await createPgliteInMemory();
      // Room for the proxy, the direct `pg` client and the latency proxy; pglite-socket queues
      // statements of other connections while one of them is inside a transaction.
      const server = new PGLiteSocketServer({ db, port: 0, maxConnections: 4 });
      await server.start();
      return {
        databaseUrl: `postgres://postgres@${server.getServerConn()}/postgres`,
        stop: async () => {
          await server.stop();
          await db.close();
        },
      };
    },
  },
];

// drizzle has no bytea column; both drivers hand bytea over as a Buffer.
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

function tables(schemaName: string) {
  const schema = pgSchema(schemaName);
  return {
    items: schema.table("items", { id: integer("id").primaryKey(), name: text("name") }),
    allTypes: schema.table("all_types", {
      id: integer("id").primaryKey(),
      i2: smallint("i2"),
      i4: integer("i4"),
      i8: bigint("i8", { mode: "bigint" }),
      num: numeric("num", { precision: 12, scale: 2 }),
      txt: text("txt"),
      flag: boolean("flag"),
      at: timestamp("at", { withTimezone: true }),
      day: date("day"),
      doc: jsonb("doc").$type<{ a: (number | string | null)[] }>(),
      bin: bytea("bin"),
      // Postgres arrays may hold NULLs; drizzle's element type does not say so.
      ints: integer("ints").array().$type<(number | null)[]>(),
      tags: text("tags").array().$type<(string | null)[]>(),
    }),
  };
}

/** The body the proxy sends for a failure that is not a Postgres error. */
function proxyError(message: string) {
  const absent = ["detail", "hint", "position", "internalPosition", "internalQuery", "where", "table", "column"]
    .concat(["schema", "dataType", "constraint", "file", "line", "routine"])
    .map((key) => [key, null]);
  return { message, code: "", severity: "", ...Object.fromEntries(absent) };
}

/** The fields of a NeonDbError that carry the Postgres error; undefined ones vanish in toEqual. */
async function neonFailure(promise: Promise<unknown>) {
  const err: unknown = await promise.then(
    () => new Error("expected the query to fail"),
    (e: unknown) => e,
  );
  if (!(err instanceof NeonDbError)) throw err;
  const { name, message, code, severity, detail, hint, position, schema, table, column, constraint } = err;
  return { name, message, code, severity, detail, hint, position, schema, table, column, constraint };
}

describe.each(upstreams)("neon proxy in front of $name", (upstream) => {
  const schemaName = `neon_proxy_${randomBytes(4).toString("hex")}`;
  const { items, allTypes } = tables(schemaName);
  let stopUpstream: () => Promise<void>;
  let databaseUrl: string;
  let connectionString: string;
  let identity: { user: string; database: string };
  let proxy: NeonProxy;
  let direct: pg.Client;

  beforeAll(async () => {
    ({ databaseUrl, stop: stopUpstream } = await upstream.start());
    proxy = await startNeonProxy({ databaseUrl, poolSize: upstream.poolSize });
    neonConfig.fetchEndpoint = proxy.url;
    // The host is deliberately not the upstream's: the proxy must take only user, password and
    // database from the Neon-Connection-String header.
    const url = new URL(databaseUrl);
    url.protocol = "postgresql:";
    url.hostname = "localhost";
    url.port = "";
    connectionString = url.toString();
    direct = new pg.Client(databaseUrl);
    await direct.connect();
    const who = await direct.query<{ user: string; database: string }>(
      "select current_user as user, current_database() as database",
    );
    identity = who.rows[0] ?? { user: "", database: "" };
    await direct.query(`create schema ${schemaName}`);
    await direct.query(`create table ${schemaName}.items (id int primary key, name text)`);
    await direct.query(`create table ${schemaName}.all_types (
      id int primary key, i2 int2, i4 int4, i8 int8, num numeric(12,2), txt text, flag bool,
      at timestamptz, day date, doc jsonb, bin bytea, ints int[], tags text[])`);
  }, 60_000);

  afterAll(async () => {
    await direct?.query(`drop schema if exists ${schemaName} cascade`);
    await direct?.end();
    await proxy?.close();
    await stopUpstream?.();
  });

  const client = () => neon(connectionString);
  const stats = async () => (await fetch(`${proxy.origin}/stats`)).json();

  it("returns every type as the same JS value as pg, for literals and bound params", async () => {
    const literals = `select 1::int2 as i2, 2147483647::int4 as i4, 9007199254740993::int8 as i8,
      12.50::numeric(12,2) as num, 'héllo "x"'::text as txt, true as flag, false as off,
      '2024-01-02 03:04:05.678+00'::timestamptz as at, '2024-01-02'::date as day,
      '{"a": [1, null, "x"]}'::jsonb as doc, '\\x00ff10'::bytea as bin,
      array[1, null, 3]::int[] as ints, array['a b', null, 'NULL', 'q"x']::text[] as tags,
      null::text as nothing`;
    const expected = {
      i2: 1,
      i4: 2147483647,
      i8: "9007199254740993",
      num: "12.50",
      txt: 'héllo "x"',
      flag: true,
      off: false,
      at: new Date("2024-01-02T03:04:05.678Z"),
      day: new Date(2024, 0, 2),
      doc: { a: [1, null, "x"] },
      bin: Buffer.from([0x00, 0xff, 0x10]),
      ints: [1, null, 3],
      tags: ["a b", null, "NULL", 'q"x'],
      nothing: null,
    };
    expect(await client().query(literals, [], { types: neonDefaultTypes })).toEqual([expected]);
    expect((await direct.query(literals)).rows).toEqual([expected]);

    const bound = `select $1::int2 as i2, $2::int4 as i4, $3::int8 as i8, $4::numeric(12,2) as num,
      $5::text as txt, $6::bool as flag, $7::timestamptz as at, $8::date as day, $9::jsonb as doc,
      $10::bytea as bin, $11::int[] as ints, $12::text[] as tags, $13::text as nothing, $14 as untyped`;
    const params = [
      1,
      2147483647,
      "9007199254740993",
      "12.5",
      'héllo "x"',
      true,
      new Date("2024-01-02T03:04:05.678Z"),
      "2024-01-02",
      { a: [1, null, "x"] },
      Buffer.from([0x00, 0xff, 0x10]),
      [1, null, 3],
      ["a b", null, "NULL", 'q"x'],
      null,
      "plain",
    ];
    const { off: _, ...expectedBound } = { ...expected, untyped: "plain" };
    expect(await client().query(bound, params, { types: neonDefaultTypes })).toEqual([expectedBound]);
    expect((await direct.query(bound, params)).rows).toEqual([expectedBound]);
  });

  it("answers with the raw Neon result shape: text values, field metadata, command and rowCount", async () => {
    const sql = neon(connectionString, { fullResults: true, arrayMode: true });
    const select = await sql.query("select 9007199254740993::int8 as n, 1.50::numeric(10,2) as m where $1", [true]);
    expect({ fields: select.fields, rows: select.rows, command: select.command, rowCount: select.rowCount }).toEqual({
      fields: [
        { name: "n", dataTypeID: 20, tableID: 0, columnID: 0, dataTypeSize: 8, dataTypeModifier: -1, format: "text" },
        {
          name: "m",
          dataTypeID: 1700,
          tableID: 0,
          columnID: 0,
          dataTypeSize: -1,
          dataTypeModifier: 655366,
          format: "text",
        },
      ],
      rows: [["9007199254740993", "1.50"]],
      command: "SELECT",
      rowCount: 1,
    });
    const empty = await sql.query("");
    expect({ fields: empty.fields, rows: empty.rows, command: empty.command, rowCount: empty.rowCount }).toEqual({
      fields: [],
      rows: [],
      command: "",
      rowCount: null,
    });
    const insert = await sql.query(`insert into ${schemaName}.items (id, name) values (100, 'a'), (101, 'b')`);
    expect({ command: insert.command, rowCount: insert.rowCount }).toEqual({ command: "INSERT", rowCount: 2 });
  });

  it("maps drizzle neon-http reads and writes to the same values as drizzle node-postgres", async () => {
    const db = drizzleNeon({ client: neon(connectionString) });
    const row = {
      id: 1,
      i2: -32768,
      i4: 42,
      i8: 9007199254740993n,
      num: "1234567890.12",
      txt: "ünïcode ✓",
      flag: false,
      at: new Date("2024-05-06T07:08:09.123Z"),
      day: "2024-02-29",
      doc: { a: [1, null, "x"] },
      bin: Buffer.from("\u0000bytes\u00ff", "latin1"),
      ints: [3, null, -1],
      tags: ["x", null, "NULL", 'q"\\x'],
    };
    const nulls = {
      id: 2,
      i2: null,
      i4: null,
      i8: null,
      num: null,
      txt: null,
      flag: null,
      at: null,
      day: null,
      doc: null,
      bin: null,
      ints: null,
      tags: null,
    };
    expect(
      await db
        .insert(allTypes)
        .values([row, { id: 2 }])
        .returning(),
    ).toEqual([row, nulls]);
    const viaNeon = await db.select().from(allTypes).orderBy(allTypes.id);
    const viaPg = await drizzlePg({ client: direct }).select().from(allTypes).orderBy(allTypes.id);
    expect(viaNeon).toEqual([row, nulls]);
    expect(viaPg).toEqual([row, nulls]);
  });

  it("runs a drizzle db.batch as one transaction and rolls all of it back on a failure", async () => {
    const db = drizzleNeon({ client: neon(connectionString) });
    expect(
      await db.batch([
        db.insert(items).values({ id: 20, name: "twenty" }).returning(),
        db.select().from(items).where(eq(items.id, 20)),
      ]),
    ).toEqual([[{ id: 20, name: "twenty" }], [{ id: 20, name: "twenty" }]]);

    const failed = await db
      .batch([
        db.insert(items).values({ id: 21, name: "a" }),
        db.insert(items).values({ id: 22, name: "b" }),
        db.insert(items).values({ id: 20, name: "duplicate" }),
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failed).toBeInstanceOf(NeonDbError);
    expect((failed as NeonDbError).code).toEqual("23505");
    expect(
      await db
        .select()
        .from(items)
        .where(inArray(items.id, [21, 22])),
    ).toEqual([]);
  });

  it("reports Postgres errors with their SQLSTATE and fields", async () => {
    const sql = client();
    await sql.query(`insert into ${schemaName}.items (id, name) values (1, 'one')`);
    expect(
      await neonFailure(sql.query(`insert into ${schemaName}.items (id, name) values ($1, $2)`, [1, "again"])),
    ).toEqual({
      name: "NeonDbError",
      message: 'duplicate key value violates unique constraint "items_pkey"',
      code: "23505",
      severity: "ERROR",
      detail: "Key (id)=(1) already exists.",
      schema: schemaName,
      table: "items",
      constraint: "items_pkey",
    });
    expect(await neonFailure(sql.query("select 1; select 2"))).toEqual({
      name: "NeonDbError",
      message: "cannot insert multiple commands into a prepared statement",
      code: "42601",
      severity: "ERROR",
    });
    expect(await neonFailure(sql.query(`select * from ${schemaName}.missing`))).toEqual({
      name: "NeonDbError",
      message: `relation "${schemaName}.missing" does not exist`,
      code: "42P01",
      severity: "ERROR",
      position: "15",
    });
  });

  it("rolls back every statement of a transaction whose third statement fails", async () => {
    const sql = client();
    const failure = await neonFailure(
      sql.transaction((tx) => [
        tx`insert into ${sql.unsafe(schemaName)}.items (id, name) values (30, 'a')`,
        tx`update ${sql.unsafe(schemaName)}.items set name = 'changed' where id = 30`,
        tx`insert into ${sql.unsafe(schemaName)}.items (id, name) values (30, 'duplicate')`,
      ]),
    );
    expect(failure.code).toEqual("23505");
    expect(await sql.query(`select * from ${schemaName}.items where id = 30`)).toEqual([]);
    expect((await direct.query(`select * from ${schemaName}.items where id = 30`)).rows).toEqual([]);
  });

  it("starts batches with the isolation level, read-only and deferrable headers", async () => {
    const sql = client();
    expect(
      await sql.transaction(
        (tx) => [tx`show transaction_isolation`, tx`show transaction_read_only`, tx`show transaction_deferrable`],
        { isolationLevel: "Serializable", readOnly: true, deferrable: true },
      ),
    ).toEqual([
      [{ transaction_isolation: "serializable" }],
      [{ transaction_read_only: "on" }],
      [{ transaction_deferrable: "on" }],
    ]);
    expect(
      await sql.transaction((tx) => [tx`show transaction_isolation`, tx`show transaction_read_only`], {
        isolationLevel: "RepeatableRead",
      }),
    ).toEqual([[{ transaction_isolation: "repeatable read" }], [{ transaction_read_only: "off" }]]);
    expect(
      await neonFailure(
        sql.transaction((tx) => [tx`insert into ${sql.unsafe(schemaName)}.items (id) values (40)`], { readOnly: true }),
      ),
    ).toEqual({
      name: "NeonDbError",
      message: "cannot execute INSERT in a read-only transaction",
      code: "25006",
      severity: "ERROR",
    });

    const bad = await fetch(proxy.url, {
      method: "POST",
      headers: { "Neon-Batch-Isolation-Level": "serializable" },
      body: JSON.stringify({ queries: [{ query: "select 1", params: [] }] }),
    });
    expect(bad.status).toEqual(400);
    expect(await bad.json()).toEqual(proxyError("invalid isolation level"));
  });

  it("does not leak a transaction opened by a single BEGIN query", async () => {
    const sql = neon(connectionString, { fullResults: true });
    const begin = await sql.query("BEGIN");
    expect({ command: begin.command, rowCount: begin.rowCount }).toEqual({ command: "BEGIN", rowCount: null });
    // SAVEPOINT only works inside a transaction block, so it fails unless BEGIN stuck to the pooled
    // connection (the pool hands out the connection released last, i.e. the BEGIN one).
    expect(await neonFailure(sql.query("SAVEPOINT probe"))).toEqual({
      name: "NeonDbError",
      message: "SAVEPOINT can only be used in transaction blocks",
      code: "25P01",
      severity: "ERROR",
    });
    // A write after the BEGIN is committed at once (with PGlite, the direct client would otherwise
    // block behind the open transaction).
    await sql.query(`insert into ${schemaName}.items (id, name) values (50, 'after begin')`);
    expect((await direct.query(`select id, name from ${schemaName}.items where id = 50`)).rows).toEqual([
      { id: 50, name: "after begin" },
    ]);
  });

  it("takes user and database from the percent-decoded Neon-Connection-String", async () => {
    const url = new URL(connectionString);
    url.username = [...identity.user].map((c) => `%${c.charCodeAt(0).toString(16)}`).join("");
    url.pathname = `/${[...identity.database].map((c) => `%${c.charCodeAt(0).toString(16)}`).join("")}`;
    url.search = "?sslmode=require&channel_binding=require";
    const rows = await neon(url.toString()).query("select current_user as user, current_database() as database");
    expect(rows).toEqual([identity]);
  });

  // PGlite has one database and ignores the name it is given, so this only applies to a server.
  const serverOnly = upstream.name === "pglite" ? () => undefined : it;
  serverOnly("connects to the database named in the connection string", async () => {
    const url = new URL(connectionString);
    url.pathname = "/postgres";
    expect(await neon(url.toString()).query("select current_database() as db")).toEqual([{ db: "postgres" }]);
    url.pathname = `/${schemaName}_missing`;
    expect(await neonFailure(neon(url.toString()).query("select 1"))).toEqual({
      name: "NeonDbError",
      message: `database "${schemaName}_missing" does not exist`,
      code: "3D000",
      severity: "FATAL",
    });
  });

  it("counts requests, queries, batches, statements and errors", async () => {
    expect(await (await fetch(`${proxy.origin}/stats/reset`, { method: "POST" })).json()).toEqual({
      requests: 0,
      queries: 0,
      statements: 0,
      batches: 0,
      errors: 0,
    });
    const sql = client();
    await sql.query("select 1");
    await sql.transaction((tx) => [tx`select 1`, tx`select 2`, tx`select 3`]);
    await neonFailure(sql.query("select * from nowhere_at_all"));
    expect(await stats()).toEqual({ requests: 3, queries: 2, statements: 5, batches: 1, errors: 1 });
    expect(proxy.stats()).toEqual({ requests: 3, queries: 2, statements: 5, batches: 1, errors: 1 });
    proxy.resetStats();
    expect(await stats()).toEqual({ requests: 0, queries: 0, statements: 0, batches: 0, errors: 0 });
  });

  it("delays every /sql request by latencyMs", async () => {
    const slow = await startNeonProxy({ databaseUrl, poolSize: upstream.poolSize, latencyMs: 150 });
    neonConfig.fetchEndpoint = slow.url;
    try {
      const started = performance.now();
      expect(await client().query("select 1 as one")).toEqual([{ one: 1 }]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(150);
      expect(slow.stats()).toEqual({ requests: 1, queries: 1, statements: 1, batches: 0, errors: 0 });
      // Its own endpoints answer without the delay.
      const health = performance.now();
      expect(await (await fetch(`${slow.origin}/healthz`)).json()).toEqual({ ok: true });
      expect(performance.now() - health).toBeLessThan(150);
    } finally {
      neonConfig.fetchEndpoint = proxy.url;
      await slow.close();
    }
  });

  it("speaks the HTTP edges of the protocol: text/plain bodies, CORS, unknown routes, size limit", async () => {
    const plain = await fetch(proxy.url, {
      method: "POST",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({ query: "select $1::int + 1 as n", params: [41] }),
    });
    expect(plain.status).toEqual(200);
    expect(plain.headers.get("content-type")).toEqual("application/json");
    expect(plain.headers.get("access-control-allow-origin")).toEqual("*");
    expect(await plain.json()).toEqual({
      fields: [
        { name: "n", dataTypeID: 23, tableID: 0, columnID: 0, dataTypeSize: 4, dataTypeModifier: -1, format: "text" },
      ],
      rows: [["42"]],
      command: "SELECT",
      rowCount: 1,
      rowAsArray: true,
    });

    const preflight = await fetch(proxy.url, { method: "OPTIONS" });
    expect(preflight.status).toEqual(200);
    expect(preflight.headers.get("access-control-allow-origin")).toEqual("*");
    expect(preflight.headers.get("access-control-allow-headers")).toEqual(
      "Authorization, Content-Type, Neon-Connection-String, Neon-Raw-Text-Output, Neon-Array-Mode, " +
        "Neon-Pool-Opt-In, Neon-Batch-Isolation-Level, Neon-Batch-Read-Only, Neon-Batch-Deferrable",
    );

    const unknown = await fetch(`${proxy.origin}/other`, { method: "POST", body: "{}" });
    expect(unknown.status).toEqual(400);
    expect(await unknown.json()).toEqual("query is not supported");

    expect(await (await fetch(`${proxy.origin}/healthz`)).json()).toEqual({ ok: true });

    const tooLarge = await fetch(proxy.url, { method: "POST", body: "x".repeat(10 * 1024 * 1024 + 1) });
    expect(tooLarge.status).toEqual(413);
    expect(await tooLarge.json()).toEqual(proxyError("request is too large (max is 10485760 bytes)"));

    const notJson = await fetch(proxy.url, { method: "POST", body: "select 1" });
    expect(notJson.status).toEqual(400);
    expect(await notJson.json()).toEqual(
      proxyError(`could not parse the HTTP request body: Unexpected token 's', "select 1" is not valid JSON`),
    );
  });
});
