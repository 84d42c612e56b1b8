import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { countRoundTrips, db, snapshot } from "../../test/helpers";
import { newScope, requestScope } from "../lib/request-scope";
import { createDb } from "./client";
import { products } from "./schema";
import { OutcomeUnknownError, UnitOfWork } from "./unit-of-work";

const row = (name: string, price: number) => ({ productName: name, price, cost: 1, stock: 1 });

function newUnitOfWork() {
  return new UnitOfWork(createDb(env.DATABASE_URL ?? ""));
}

describe("unit of work", () => {
  it("sends every statement in one request and answers the results in order", async () => {
    const uow = newUnitOfWork();
    const a = uow.add(uow.db.insert(products).values(row("A", 1)).returning({ id: products.id }));
    const b = uow.add(uow.db.insert(products).values(row("B", 2)).returning({ id: products.id }));
    const n = uow.add(uow.db.execute(sql`select count(*)::int as n from products`));
    const { roundTrips } = await countRoundTrips(() => uow.commit());
    expect(roundTrips).toBe(1);
    expect(uow.result(a)).toEqual([{ id: 1 }]);
    expect(uow.result(b)).toEqual([{ id: 2 }]);
    // Later statements see earlier ones: they run in one transaction, in order.
    expect(uow.result(n).rows).toEqual([{ n: 2 }]);
  });

  it("leaves no trace of the first two statements when the third fails", async () => {
    const uow = newUnitOfWork();
    uow.add(uow.db.insert(products).values(row("A", 1)));
    uow.add(uow.db.insert(products).values(row("B", 2)));
    const third = uow.add(uow.db.insert(products).values(row("C", -1)));
    const failure = await uow.commit().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    const error = failure as Error & { code?: string; constraint?: string };
    expect([error.name, error.code, error.constraint]).toEqual(["NeonDbError", "23514", "products_price_range"]);
    expect(() => uow.result(third)).toThrow("unit of work not committed yet");
    expect((await snapshot()).products).toEqual([]);
  });

  it("keeps the data the statements change, each once, in the order first named", async () => {
    const uow = newUnitOfWork();
    uow.changed("products");
    uow.changed("orders", "products");
    expect(uow.changes).toEqual(["products", "orders"]);
  });

  it("sends nothing when nothing was added", async () => {
    const uow = newUnitOfWork();
    const { roundTrips } = await countRoundTrips(() => uow.commit());
    expect(roundTrips).toBe(0);
  });

  it("refuses statements and a second commit once committed", async () => {
    const uow = newUnitOfWork();
    await uow.commit();
    expect(() => uow.add(uow.db.insert(products).values(row("A", 1)))).toThrow("unit of work already committed");
    await expect(uow.commit()).rejects.toThrow("unit of work already committed");
  });

  it("sends the whole batch again after a deadlock, each try one round trip", async () => {
    // A sequence survives rollbacks, so the statement can fail its first try only.
    await db().query("create sequence if not exists uow_retry_probe");
    await db().query("select setval('uow_retry_probe', 1, false)");
    await db().query(`create or replace function uow_deadlock_once() returns int language plpgsql as $$
      begin
        if nextval('uow_retry_probe') = 1 then raise exception using errcode = '40P01', message = 'deadlock'; end if;
        return 0;
      end $$`);
    const uow = newUnitOfWork();
    uow.add(uow.db.insert(products).values(row("A", 1)));
    uow.add(uow.db.execute(sql`select uow_deadlock_once()`));
    const { roundTrips } = await countRoundTrips(() => uow.commit());
    expect(roundTrips).toBe(2);
    expect((await snapshot()).products).toHaveLength(1);
    await db().query("drop function uow_deadlock_once()");
    await db().query("drop sequence uow_retry_probe");
  });

  it("calls the outcome unknown when the batch got no answer", async () => {
    const uow = newUnitOfWork();
    const added = uow.add(uow.db.insert(products).values(row("A", 1)));
    const scope = newScope(1000, `${env.STACK_UNAVAILABLE_ORIGIN}/sql`);
    const failure = await requestScope.run(scope, () => uow.commit()).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(OutcomeUnknownError);
    expect(() => uow.result(added)).toThrow("unit of work not committed yet");
  });
});
