import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import app from "../../src/app";

const run = promisify(execFile);

// The origin `npm run dev` serves, which the document names as its server.
const ORIGIN = "http://127.0.0.1:8787";

let doc: Record<string, unknown>;
let dir: string;

beforeAll(async () => {
  const res = await app.request(`${ORIGIN}/openapi.json`, {}, { DATABASE_URL: "postgresql://u@ep-x.aws.neon.tech/db" });
  expect(res.status).toBe(200);
  doc = (await res.json()) as Record<string, unknown>;
  dir = await mkdtemp(join(tmpdir(), "openapi-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface RedoclyReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

// Runs in Node: the validator compiles JSON Schemas to code, which workerd does not allow.
describe("the OpenAPI document", () => {
  it("validates against the OpenAPI 3.1 schema", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("passes redocly lint's recommended rules with no error and no warning", async () => {
    const file = join(dir, "openapi.json");
    await writeFile(file, JSON.stringify(doc));
    // redocly exits non-zero on errors; the JSON report on stdout says why either way.
    const { stdout } = await run("redocly", ["lint", "--format=json", "--config=redocly.yaml", file], {
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? "" }));
    const report = JSON.parse(stdout) as RedoclyReport;
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });
});
