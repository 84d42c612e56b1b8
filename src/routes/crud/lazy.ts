/**
 * An object built on first use. Route configs carry their documentation (responses with their
 * schemas, headers and example bodies) from the start, but only the OpenAPI document ever reads
 * it: built eagerly, it was most of the Worker's start-up CPU. The router copies a route config
 * with spread, which would read a getter at once; it copies this object's reference instead, and
 * the generator's first look at it builds it.
 */
export function lazily<T extends object>(build: () => T): T {
  let built: T | undefined;
  const target = () => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(target(), key),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(target(), key),
  });
}
