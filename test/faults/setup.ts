import { beforeEach } from "vitest";
import { db, redis } from "../helpers";
import { RESET_DATABASE } from "../reset-database";
import { resetFaults } from "./support";

// Each test starts with no faults, an empty database (ids from 1) and an empty cache.
beforeEach(async () => {
  await resetFaults();
  await db().query(RESET_DATABASE);
  await redis().flushdb();
});
