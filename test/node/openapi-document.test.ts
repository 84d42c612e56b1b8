import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import app from "../../src/app";

// Runs in Node: the validator compiles JSON Schemas to code, which workerd does not allow.
describe("the OpenAPI document", () => {
  it("validates against the OpenAPI 3.1 schema", async () => {
    const res = await app.request("/openapi.json", {}, { DATABASE_URL: "postgresql://u@ep-x.aws.neon.tech/db" });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
});
