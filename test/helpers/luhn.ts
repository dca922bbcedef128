// The Luhn check digit, computed in the tests themselves (not with the code under test).

/** `partial` followed by the digit that makes it pass the Luhn check. */
export function luhnComplete(partial: string): string {
  for (let c = 0; c <= 9; c++) {
    const n = partial + c;
    let sum = 0;
    for (let i = 0; i < n.length; i++) {
      let d = Number(n[n.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return n;
  }
  throw new Error('unreachable');
}
