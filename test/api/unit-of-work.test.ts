import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { products } from "../../src/db/schema";
import { UnitOfWork } from "../../src/db/unit-of-work";
import { loadConfig } from "../../src/env";
import { countRoundTrips, snapshot } from "../helpers";

const row = (name: string, price: number) => ({ productName: name, price, cost: 1, stock: 1 });

function newUnitOfWork() {
  return new UnitOfWork(createDb(loadConfig(env)));
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

  it("leaves no trace of the first two statements when the third fails, and skips after-commit hooks", async () => {
    const uow = newUnitOfWork();
    const ran: string[] = [];
    uow.add(uow.db.insert(products).values(row("A", 1)));
    uow.add(uow.db.insert(products).values(row("B", 2)));
    uow.add(uow.db.insert(products).values(row("C", -1)));
    uow.afterCommit(() => {
      ran.push("hook");
    });
    const failure = await uow.commit().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    const error = failure as Error & { code?: string; constraint?: string };
    expect([error.name, error.code, error.constraint]).toEqual(["NeonDbError", "23514", "products_price_range"]);
    expect(ran).toEqual([]);
    expect((await snapshot()).products).toEqual([]);
  });

  it("runs after-commit hooks in order, once the batch has committed, with the touched tables", async () => {
    const uow = newUnitOfWork();
    const seen: unknown[] = [];
    uow.touch("products");
    uow.touch("orders", "products");
    uow.add(uow.db.insert(products).values(row("A", 1)));
    uow.afterCommit(async () => {
      seen.push((await snapshot()).products.length);
    });
    uow.afterCommit(() => {
      seen.push([...uow.touched]);
    });
    await uow.commit();
    expect(seen).toEqual([1, ["products", "orders"]]);
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
});
