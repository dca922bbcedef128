// Exact decimal text for the weights and volumes of NovaPay's delivery fields (kilograms, cubic metres): no floats.

/** The plain decimal text of a JS number (no exponent). */
export function numberText(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(12).replace(/\.?0+$/, '');
}

/** Compares two non-negative decimal strings exactly. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const len = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(len, '0'));
  const y = BigInt(bi + bf.padEnd(len, '0'));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A decimal string scaled to an integer number of 10^-digits units, rounded up (weights → grams). */
export function scaleUp(text: string, digits: number): bigint {
  const [i = '0', f = ''] = text.split('.');
  const head = BigInt(i + f.slice(0, digits).padEnd(digits, '0'));
  return /[1-9]/.test(f.slice(digits)) ? head + 1n : head;
}
