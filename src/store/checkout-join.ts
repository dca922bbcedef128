// What a face's store needs to read its own record of a checkout together with the core's (one statement): the
// checkouts table in its query layer's types, the core columns under a prefix, and the core record read back.
import type { Checkout } from '../core/model.js';
import type { DatabaseOf } from './table.js';
import { checkouts } from './tables.js';

/** A face's tables and the core's `checkouts`, for queries that join them. */
export type WithCheckouts<Database> = Database & DatabaseOf<{ checkouts: typeof checkouts }>;

const PREFIX = 'checkout_';

/** The checkout's columns, each under a prefix, for a select joined to `checkouts`. */
export const CHECKOUT_COLUMNS = checkouts.selectAs(PREFIX) as never[];

/** The checkout of a row selected with `CHECKOUT_COLUMNS`. */
export function checkoutOf(row: object): Checkout {
  const c = checkouts.readAs(row, PREFIX);
  if (!c) throw new Error('the row has no checkout');
  return c;
}
