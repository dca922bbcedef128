// NovaPay's void deadline: a paid session may be voided until 23:59 Kyiv time of the payment's day.

/** End of the payment's Kyiv calendar day (the void deadline: until 23:59 Kyiv time that day). */
export function kyivDayEnd(at: number): number {
  const parts = (ms: number) => {
    const f = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Kyiv',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const o: Record<string, number> = {};
    for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') o[p.type] = Number(p.value);
    return o as { year: number; month: number; day: number; hour: number; minute: number; second: number };
  };
  const offsetAt = (ms: number) => {
    const p = parts(ms);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
  };
  const p = parts(at);
  const localMidnight = Date.UTC(p.year, p.month - 1, p.day + 1, 0, 0, 0);
  let guess = localMidnight - offsetAt(at);
  guess = localMidnight - offsetAt(guess);
  return guess;
}
