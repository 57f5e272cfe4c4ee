/**
 * Compile-time proof that a result schema describes a type declared in a lower layer (which
 * knows no zod): `Assert<Same<z.output<typeof schema>, LowerType>>` fails to compile on drift.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Assert<T extends true> = T;
