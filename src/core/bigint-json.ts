// JSON text for values that hold bigints (amounts in minor units, ledger totals). JSON has no bigint, and
// JSON.stringify throws on one; operator APIs and pages write each bigint as its exact decimal string, never as a
// float. Wire formats that need numbers convert per field in each face's wire module instead.

/** A JSON.stringify replacer that writes every bigint as its decimal string. */
export function bigintsAsStrings(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** JSON text of `value`, every bigint written as its decimal string. */
export function stringifyWithBigints(value: unknown, indent?: number): string {
  return JSON.stringify(value, bigintsAsStrings, indent) ?? '';
}
