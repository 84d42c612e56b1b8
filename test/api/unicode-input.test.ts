import { describe, expect, it } from "vitest";
import { createProduct, desk } from "../fixtures";
import { api, expectProblem, snapshot } from "../helpers";

// Text is checked the same way on every write, whatever carried it: a JSON escape (`\ud800`) or
// bytes that are not UTF-8. Either is a 422 naming the field, before the database sees it.

const INVALID = "product_name: must be valid Unicode (no lone surrogate, no bytes that are not UTF-8)";
const FIELD_ERROR = {
  path: "product_name",
  message: "must be valid Unicode (no lone surrogate, no bytes that are not UTF-8)",
  code: "invalid_format",
};

/** A JSON body as bytes, with `raw` (bytes that need not be UTF-8) where `%RAW%` stands. */
function bytes(json: string, raw: number[]): Uint8Array {
  const [before = "", after = ""] = json.split("%RAW%");
  const enc = new TextEncoder();
  return new Uint8Array([...enc.encode(before), ...raw, ...enc.encode(after)]);
}

const send = (path: string, method: string, body: string | Uint8Array) =>
  api(path, { method, body, headers: { "Content-Type": "application/json" } });

describe("a lone UTF-16 surrogate in product_name", () => {
  const lone = JSON.stringify({ ...desk, product_name: "a\ud800b" });

  it("POST: 422 naming the field; nothing written", async () => {
    const res = await send("/products", "POST", lone);
    expectProblem(res, 422, INVALID, "/products");
    expect((res.body as { errors: unknown[] }).errors).toEqual([FIELD_ERROR]);
    expect((await snapshot()).products).toEqual([]);
  });

  it("PUT: 422 naming the field; the product unchanged", async () => {
    await createProduct();
    const before = await snapshot();
    const res = await send("/products/1", "PUT", lone);
    expectProblem(res, 422, INVALID, "/products/1");
    expect((res.body as { errors: unknown[] }).errors).toEqual([FIELD_ERROR]);
    expect(await snapshot()).toEqual(before);
  });

  it("a batch: 422 naming the item and field; nothing written", async () => {
    const body = JSON.stringify([desk, { ...desk, product_name: "\udc00" }]);
    const res = await send("/products-batch", "POST", body);
    expectProblem(res, 422, `1.${INVALID}`, "/products-batch");
    expect((res.body as { errors: unknown[] }).errors).toEqual([{ ...FIELD_ERROR, path: "1.product_name" }]);
    expect((await snapshot()).products).toEqual([]);
  });
});

describe("bytes that are not UTF-8 in a body", () => {
  it.each([
    ["a lone continuation byte", [0x80]],
    ["a byte UTF-8 never has", [0xff]],
    ["a truncated sequence", [0xe2, 0x82]],
    ["an overlong encoding of '/'", [0xc0, 0xaf]],
    ["an encoded surrogate", [0xed, 0xa0, 0x80]],
  ])("%s in product_name: 422 naming the field, for POST, PUT and batches", async (_, raw) => {
    await createProduct();
    const before = await snapshot();
    const one = bytes(`{"product_name":"a%RAW%b","price":1,"cost":1,"stock":1}`, raw);
    expectProblem(await send("/products", "POST", one), 422, INVALID, "/products");
    expectProblem(await send("/products/1", "PUT", one), 422, INVALID, "/products/1");
    const batch = bytes(`[{"product_name":"%RAW%","price":1,"cost":1,"stock":1}]`, raw);
    expectProblem(await send("/products-batch", "POST", batch), 422, `0.${INVALID}`, "/products-batch");
    expect(await snapshot()).toEqual(before);
  });

  it("outside any string: 400, the body is not JSON", async () => {
    const res = await send(
      "/products",
      "POST",
      bytes(`{"product_name":"Desk","price":1%RAW%,"cost":1,"stock":1}`, [0xff]),
    );
    expectProblem(res, 400, "The body is not valid JSON", "/products");
  });
});

describe("valid Unicode is kept as sent", () => {
  it("stores U+FFFD sent as UTF-8, and a character outside the BMP, exactly", async () => {
    for (const [i, name] of ["a\ufffdb", "Chair 🪑"].entries()) {
      const res = await send("/products", "POST", JSON.stringify({ ...desk, product_name: name }));
      expect([res.status, (res.body as { product_name: string }).product_name]).toEqual([201, name]);
      expect((await api<{ product_name: string }>(`/products/${i + 1}`)).body.product_name).toBe(name);
    }
  });
});
