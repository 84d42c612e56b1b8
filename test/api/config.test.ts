import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/env";

const LOCAL = "postgres://postgres@127.0.0.1:5432/postgres";
const NEON = "postgresql://app:secret@ep-quiet-sea-a1b2c3d4-pooler.eu-central-1.aws.neon.tech/shop?sslmode=require";

describe("Worker configuration", () => {
  it("refuses a DATABASE_URL that is not a Neon host when no NEON_FETCH_ENDPOINT says where to send SQL", () => {
    const load = () => loadConfig({ DATABASE_URL: LOCAL });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      "Invalid Worker configuration: NEON_FETCH_ENDPOINT must be set: DATABASE_URL's host 127.0.0.1 is not a Neon host (*.neon.tech), and Neon's HTTP driver reaches only those. Locally, run `npm run dev:stack` and set NEON_FETCH_ENDPOINT=http://127.0.0.1:4444/sql; in production, use the connection string from the Neon console",
    );
    expect(() =>
      loadConfig({ DATABASE_URL: "postgres://postgres@localhost/postgres", NEON_FETCH_ENDPOINT: "" }),
    ).toThrow("NEON_FETCH_ENDPOINT must be set: DATABASE_URL's host localhost is not a Neon host");
  });

  it("accepts a Neon host on its own, and any host with a NEON_FETCH_ENDPOINT", () => {
    expect(loadConfig({ DATABASE_URL: NEON }).DATABASE_URL).toBe(NEON);
    expect(loadConfig({ DATABASE_URL: LOCAL, NEON_FETCH_ENDPOINT: "http://127.0.0.1:4444/sql" })).toMatchObject({
      DATABASE_URL: LOCAL,
      NEON_FETCH_ENDPOINT: "http://127.0.0.1:4444/sql",
    });
  });
});

describe("the Worker's bindings under test", () => {
  it("come from wrangler.toml and the test stack only, never from a .dev.vars beside them", () => {
    // CI runs the suite with a .dev.vars that sets DEV_VARS_CANARY, a rate limit of 1 a minute, a
    // dead Upstash URL and API keys: were it read, this binding would be here and most tests fail.
    expect("DEV_VARS_CANARY" in env).toBe(false);
    expect(Object.keys(env)).not.toContain("DEV_VARS_CANARY");
  });
});
