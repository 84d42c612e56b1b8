// A body's bytes as text, with any byte that is not part of well-formed UTF-8 kept visible.

// A leading BOM is dropped, as Request.text() drops it.
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Whether `b[i]` is a continuation byte within [lo, hi]; past the end there is none. */
function within(b: Uint8Array, i: number, lo: number, hi: number): boolean {
  const v = b[i] ?? 0;
  return v >= lo && v <= hi;
}

/**
 * The length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0 when there is
 * none: a stray continuation byte, an overlong form, an encoded surrogate, a code point past
 * U+10FFFF, a sequence cut short.
 */
function sequenceAt(b: Uint8Array, i: number): number {
  const lead = b[i] ?? 0;
  if (lead < 0x80) return 1;
  if (lead < 0xc2) return 0;
  if (lead < 0xe0) return within(b, i + 1, 0x80, 0xbf) ? 2 : 0;
  if (lead < 0xf0) {
    const lo = lead === 0xe0 ? 0xa0 : 0x80;
    const hi = lead === 0xed ? 0x9f : 0xbf;
    return within(b, i + 1, lo, hi) && within(b, i + 2, 0x80, 0xbf) ? 3 : 0;
  }
  if (lead < 0xf5) {
    const lo = lead === 0xf0 ? 0x90 : 0x80;
    const hi = lead === 0xf4 ? 0x8f : 0xbf;
    return within(b, i + 1, lo, hi) && within(b, i + 2, 0x80, 0xbf) && within(b, i + 3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

/** The code point of the well-formed sequence of `length` (2 to 4) bytes at `i`. */
function codePoint(b: Uint8Array, i: number, length: number): number {
  let cp = (b[i] ?? 0) & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) cp = (cp << 6) | ((b[i + k] ?? 0) & 0x3f);
  return cp;
}

/** Code units to text; in slices, since a call takes only so many arguments. */
function fromCodeUnits(units: Uint16Array): string {
  const parts: string[] = [];
  for (let i = 0; i < units.length; i += 8192)
    parts.push(String.fromCharCode.apply(null, units.subarray(i, i + 8192) as unknown as number[]));
  return parts.join("");
}

/**
 * Decodes UTF-8 without losing what is wrong with it. A decoder's usual U+FFFD cannot be told
 * from a U+FFFD the client sent, so each byte that is not well-formed UTF-8 becomes instead the
 * lone surrogate U+DC80–U+DCFF (as Python's "surrogateescape" does): invalid in any text, it
 * is refused by the rule that refuses a lone surrogate sent as a JSON escape, which names the
 * field it is in. Well-formed input (nearly every body) is decoded natively; the rest byte by
 * byte, in about the time the platform's decoder takes.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    // A leading BOM is dropped, as the platform's decoder drops it.
    let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const units = new Uint16Array(bytes.length);
    let n = 0;
    while (i < bytes.length) {
      const byte = bytes[i] ?? 0;
      if (byte < 0x80) {
        units[n++] = byte;
        i++;
        continue;
      }
      const length = sequenceAt(bytes, i);
      if (length === 0) {
        units[n++] = 0xdc00 + byte;
        i++;
        continue;
      }
      const cp = codePoint(bytes, i, length);
      i += length;
      if (cp < 0x10000) {
        units[n++] = cp;
      } else {
        units[n++] = 0xd800 + ((cp - 0x10000) >> 10);
        units[n++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      }
    }
    return fromCodeUnits(units.subarray(0, n));
  }
}

/** Text with no lone surrogate: well-formed UTF-16, so it encodes to UTF-8 as it is. */
export const WELL_FORMED = /^[^\uD800-\uDFFF]*$/u;
