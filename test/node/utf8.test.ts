import { describe, expect, it } from "vitest";
import { decodeUtf8, WELL_FORMED } from "../../src/lib/utf8";

/** The bytes a decoded text came from: each escaped byte (a lone U+DC80–U+DCFF) back as itself. */
function reencode(text: string): number[] {
  const out: number[] = [];
  const enc = new TextEncoder();
  for (const ch of text) {
    const unit = ch.charCodeAt(0);
    if (ch.length === 1 && unit >= 0xdc80 && unit <= 0xdcff) out.push(unit - 0xdc00);
    else out.push(...enc.encode(ch));
  }
  return out;
}

// A fixed pseudo-random sequence, so a failure repeats.
function* bytesFrom(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield x >> 16;
  }
}

describe("decodeUtf8", () => {
  it("decodes well-formed UTF-8 as the platform does, a leading BOM dropped", () => {
    const text = "Desk, é, ☕, 🪑, and a U+FFFD sent on purpose: \ufffd";
    const bytes = new TextEncoder().encode(text);
    expect(decodeUtf8(bytes)).toBe(text);
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]))).toBe(text);
  });

  it.each([
    ["a stray continuation byte", [0x80], "\udc80"],
    ["a byte UTF-8 never has", [0xff], "\udcff"],
    ["a sequence cut short", [0xe2, 0x82], "\udce2\udc82"],
    ["an overlong '/'", [0xc0, 0xaf], "\udcc0\udcaf"],
    ["an encoded surrogate", [0xed, 0xa0, 0x80], "\udced\udca0\udc80"],
    ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80], "\udcf4\udc90\udc80\udc80"],
  ])("keeps %s visible as lone surrogates, the text around it intact", (_, bad, escaped) => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x61, ...bad, 0xc3, 0xa9, 0xf0, 0x9f, 0xaa, 0x91]);
    const text = decodeUtf8(bytes);
    expect(text).toBe(`a${escaped}é🪑`);
    expect(WELL_FORMED.test(text)).toBe(false);
  });

  it("gives back every byte of any input, and well-formed text exactly where the input was well-formed", () => {
    const random = bytesFrom(42);
    for (let round = 0; round < 2000; round++) {
      const length = random.next().value % 24;
      // Mostly bytes that start or continue sequences, so valid and broken ones both occur.
      const bytes = Uint8Array.from({ length }, () => {
        const r = random.next().value;
        return r % 3 === 0 ? r % 0x80 : 0x80 + (r % 0x80);
      });
      const text = decodeUtf8(bytes);
      const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      expect(reencode(text), [...bytes].join(",")).toEqual([...bytes.subarray(start)]);
      let strict: string | undefined;
      try {
        strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
      } catch {
        strict = undefined;
      }
      if (strict !== undefined) expect(text).toBe(strict);
      expect(WELL_FORMED.test(text), [...bytes].join(",")).toBe(strict !== undefined);
    }
  });
});
