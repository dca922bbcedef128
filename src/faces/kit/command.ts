// One way for every face to run what a request asks: a command (one store transaction, or the idempotent replay
// of an earlier answer) or a query (a read), rendered by the face into its wire answer. Both record, for the
// request log, the merchant that asked and the objects the request touched, so that no face can forget: every
// request a face serves appears in its objects' timelines and under its merchant.
import type { FastifyRequest } from 'fastify';
import type { Engine } from '../../core/engine.js';
import type { StoredResponse } from '../../core/idempotency.js';
import type { Tx } from '../../core/ports.js';
import { annotate, type Subject } from './request-context.js';

/** The answer a face sends: status, headers and body, as the idempotency record keeps it. */
export type Answer = StoredResponse;

/** A command's answer: `replayed` when it is the kept answer of an earlier request with the same key. */
export type CommandAnswer = Answer & { replayed: boolean };

/** An internal header that carries a kept answer's subjects through the idempotency record; never sent. */
const SUBJECTS_HEADER = 'x-polypay-subjects';

export interface Idempotent {
  /** the face's scope of keys (a merchant's keys never meet another's) */
  scope: string;
  key: string;
  /** what the key stands for (endpoint and body): with `compareRequest`, a reuse for another request is refused */
  requestHash: string;
  compareRequest: boolean;
  ttlMs: number;
  /** whether an answer is kept for replay (providers keep successes only, for instance) */
  keep(a: Answer): boolean;
}

export interface CommandSpec<R> {
  /** the merchant the request acts for (already authenticated); absent for a command of no merchant's (a card token) */
  merchantId?: string;
  /** the state change, in the command's transaction */
  work(tx: Tx): Promise<R>;
  /** the objects the result touched, for the request log ('payment', 123) */
  subjects?(result: R): Subject[];
  /** the face's wire answer for the result, still inside the transaction (it commits with it) */
  render(result: R, tx: Tx): Answer | Promise<Answer>;
  /** when set, the command runs at most once per key: a repeat gets the kept answer */
  idempotent?: Idempotent | null;
}

/** Runs a command: one transaction (or the replay of a kept answer), its subjects recorded for the request log. */
export async function command<R>(engine: Engine, req: FastifyRequest, spec: CommandSpec<R>): Promise<CommandAnswer> {
  if (spec.merchantId) annotate(req, { merchantId: spec.merchantId });
  const run = async (tx: Tx): Promise<Answer> => {
    const result = await spec.work(tx);
    const subjects = spec.subjects?.(result) ?? [];
    const answer = await spec.render(result, tx);
    return subjects.length ? { ...answer, headers: { ...answer.headers, [SUBJECTS_HEADER]: JSON.stringify(subjects) } } : answer;
  };
  const i = spec.idempotent;
  const answer = i
    ? await engine.idempotency.run(
        {
          scope: i.scope,
          key: i.key,
          requestHash: i.requestHash,
          compareRequest: i.compareRequest,
          ttlMs: i.ttlMs,
          keep: (a) => i.keep(withoutSubjects(a)),
        },
        run,
      )
    : { ...(await engine.transaction(run)), replayed: false };
  return { ...withoutSubjects(answer, req), replayed: answer.replayed };
}

export interface QuerySpec<R> {
  merchantId: string;
  /** the read, outside any write transaction */
  read(tx: Tx): Promise<R>;
  subjects?(result: R): Subject[];
  render(result: R): Answer | Promise<Answer>;
}

/** Runs a read and records its merchant and subjects for the request log. */
export async function query<R>(engine: Engine, req: FastifyRequest, spec: QuerySpec<R>): Promise<Answer> {
  annotate(req, { merchantId: spec.merchantId });
  const result = await engine.read(spec.read);
  for (const s of spec.subjects?.(result) ?? []) annotate(req, { subject: s });
  return spec.render(result);
}

/** The answer without the internal subjects header; with a request, its subjects are recorded first. */
function withoutSubjects(a: Answer, req?: FastifyRequest): Answer {
  const raw = a.headers[SUBJECTS_HEADER];
  if (raw === undefined) return a;
  const headers = { ...a.headers };
  delete headers[SUBJECTS_HEADER];
  if (req) for (const s of JSON.parse(raw) as Subject[]) annotate(req, { subject: s });
  return { ...a, headers };
}
