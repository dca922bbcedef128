// What a face's own operator-dashboard pages get from the dashboard (src/operator/dashboard implements it):
// a place to register pages and form actions, and a small UI kit bound to the signed-in request, so the face
// renders in the dashboard's look without importing operator code. Paths are relative to the dashboard
// (`/p2p` is served at /dashboard/p2p).

/** The dashboard's rendering helpers, bound to the request (its nonce, CSRF token, clock and flash message). */
export interface DashboardUi {
  /** the whole page: the dashboard's frame (navigation, sandbox clock, message) around `body` */
  page(o: { title: string; body: string }): string;
  /** the URL of a dashboard path, for links and GET forms */
  href(path: string): string;
  /** a POST form to a dashboard path, carrying the session's CSRF token */
  postForm(path: string, inner: string, attrs?: string): string;
  table(head: string[], rows: string[], opts?: { empty?: string; id?: string; numCols?: number[] }): string;
  /** a status badge */
  badge(status: string): string;
  /** an amount of minor units in a currency, exactly ("1,234.56 RUB") */
  money(minor: bigint, currency: string): string;
  /** a time cell (UTC, with the relative time on the sandbox clock as its tooltip) */
  time(ms: number | null | undefined): string;
  /** `<option>`s of a select: values or [value, label] pairs, with an optional "any" first */
  options(values: Array<string | [string, string]>, selected: string | undefined, anyLabel?: string): string;
}

export interface DashboardPageRequest {
  ui: DashboardUi;
  /** the query string's values (the first of a repeated one) */
  query: Record<string, string | undefined>;
  params: Record<string, string>;
}

export interface DashboardActionRequest {
  params: Record<string, string>;
  /** the form's fields */
  form: Record<string, string>;
}

/** Where an action sends the operator back to (a dashboard path), and the message shown there. */
export type DashboardActionResult = { to: string; flash?: { kind: 'ok' | 'error'; text: string } } | string | void;

/** An error the operator can fix (bad input, an unknown object): the dashboard shows its message, never a 500. */
export class DashboardError extends Error {}

export interface DashboardPages {
  /** a page at GET <path>; `nav` also lists it in the dashboard's navigation under that label */
  page(path: string, nav: string | null, render: (r: DashboardPageRequest) => Promise<string>): void;
  /**
   * A state-changing form action at POST <path> (the CSRF token checked first), answered by a redirect to `back`,
   * or to where the result names, with its message; a DashboardError or a core error becomes an error message.
   */
  action(path: string, back: string, run: (r: DashboardActionRequest) => Promise<DashboardActionResult>): void;
}
