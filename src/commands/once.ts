/**
 * `build` runs on the first call, and its value is kept. Result schemas are built this way: they
 * serve agents, tests and schema files, and building ~25 of them cost every CLI start ~10 ms.
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
