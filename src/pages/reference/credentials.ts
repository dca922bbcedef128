// What the reference page of each face asks for to sign requests (Face.connectionFields), filled with the demo
// merchant's credentials when the gateway has one, and the values the page puts into examples for it
// (Face.exampleValues: the demo merchant's Numopay account, NovaPay merchant_id, …). Secrets (API secrets, the
// Mbill token, the Way2Pay secret key) are filled in for a signed-in operator only: a visitor gets the public
// identifiers and empty secret fields.
import type { ConnectionField, ExampleValues, Face } from '../../faces/face.js';
import type { ReferenceContext } from './context.js';

export const DEMO_MERCHANT = 'demo';

/** The demo merchant's credentials per face (as `describe` prints them), or undefined without one. */
export async function demoCredentials(ctx: ReferenceContext): Promise<Record<string, Record<string, string>> | undefined> {
  const exists = await ctx.engine.read((tx) => tx.merchants.get(DEMO_MERCHANT));
  if (!exists) return undefined;
  return (await ctx.describeMerchant(DEMO_MERCHANT)).faces;
}

/** The face's credentials panel; the values of secret fields for a signed-in operator only. */
export function credentialFields(face: Face, c: Record<string, string> | undefined, showSecrets: boolean): ConnectionField[] {
  return face.connectionFields(c).map((f) => (f.secret && !showSecrets ? { ...f, value: '' } : f));
}

/** Path parameters and top-level body keys the page fills into examples for the demo merchant. */
export async function exampleValues(ctx: ReferenceContext, face: Face, c: Record<string, string> | undefined): Promise<ExampleValues> {
  if (!c || !face.exampleValues) return { params: {}, body: {} };
  return ctx.engine.read((tx) => face.exampleValues!(tx, DEMO_MERCHANT, c));
}
