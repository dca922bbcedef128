// The payment engine: one object that holds the core services over a store and a clock.
import { hkdfSync } from 'node:crypto';
import { CardTransfers } from './card-transfers.js';
import { Challenges } from './challenges.js';
import { Checkouts } from './checkouts.js';
import { ControlledClock } from './clock.js';
import { Dispatcher, type DispatcherOptions, type WebhookTransport } from './dispatcher.js';
import { Outbox } from './events.js';
import { FeeLegs } from './fee-legs.js';
import { Idempotency } from './idempotency.js';
import { Ledger } from './ledger.js';
import { Merchants } from './merchants.js';
import { SimulatedNetwork, type CardNetwork } from './network/network.js';
import { Payments } from './payments.js';
import { Payouts } from './payouts.js';
import type { Store, Tx } from './ports.js';
import { Scheduler } from './scheduler.js';
import { SettingGuard } from './synced-setting.js';
import { inTransaction } from './unit-of-work.js';
import { CardVault, type MasterKey } from './vault.js';

export interface EngineOptions {
  store: Store;
  masterKeys: MasterKey[];
  transport: WebhookTransport;
  clock?: ControlledClock;
  network?: CardNetwork;
  dispatcher?: DispatcherOptions;
  schedulerPollMs?: number;
  onJobError?: (e: unknown, kind: string) => void;
}

export class Engine {
  readonly store: Store;
  readonly clock: ControlledClock;
  readonly ledger: Ledger;
  readonly feeLegs: FeeLegs;
  readonly vault: CardVault;
  readonly network: CardNetwork;
  readonly challenges: Challenges;
  readonly outbox: Outbox;
  readonly payments: Payments;
  readonly payouts: Payouts;
  readonly checkouts: Checkouts;
  readonly cardTransfers: CardTransfers;
  readonly merchants: Merchants;
  readonly idempotency: Idempotency;
  readonly scheduler: Scheduler;
  readonly dispatcher: Dispatcher;

  constructor(opts: EngineOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? new ControlledClock();
    this.ledger = new Ledger(this.clock);
    this.feeLegs = new FeeLegs(this.ledger);
    this.vault = new CardVault(opts.masterKeys, this.clock);
    this.network = opts.network ?? new SimulatedNetwork();
    const first = opts.masterKeys[0]!;
    this.challenges = new Challenges(this.clock, Buffer.from(hkdfSync('sha256', first.key, Buffer.alloc(0), 'polypay acs', 32)));
    this.outbox = new Outbox(this.clock);
    const deps = {
      clock: this.clock,
      ledger: this.ledger,
      vault: this.vault,
      network: this.network,
      challenges: this.challenges,
      outbox: this.outbox,
    };
    this.payments = new Payments(deps);
    this.payouts = new Payouts(deps);
    this.checkouts = new Checkouts({ clock: this.clock, payments: this.payments });
    this.cardTransfers = new CardTransfers({ ledger: this.ledger, payments: this.payments, payouts: this.payouts });
    this.merchants = new Merchants(this.clock, this.ledger);
    this.idempotency = new Idempotency(this.store, this.clock);
    this.scheduler = new Scheduler(this.store, this.clock, { pollMs: opts.schedulerPollMs ?? 1000 }, (e, job) =>
      opts.onJobError?.(e, job.kind),
    );
    this.dispatcher = new Dispatcher(this.store, this.clock, opts.transport, opts.dispatcher);

    this.scheduler.register('payment.expire', async (tx, job) => {
      await this.payments.expire(tx, Number(job.ref));
    });
    this.scheduler.register('payout.expire', async (tx, job) => {
      await this.payouts.expire(tx, Number(job.ref));
    });
    this.scheduler.register('idempotency.purge', async (tx) => {
      await tx.idempotency.purge(this.clock.now());
      return this.clock.now() + 10 * 60_000;
    });

    this.outbox.attach(this.dispatcher.fanOutInline, () => this.dispatcher.wake());
    this.clock.onChange(() => {
      this.scheduler.wake();
      this.dispatcher.wake();
      if (!this.restoring) {
        this.clockGuard.changed();
        this.lastClockSave = this.saveClock();
        // whoever waits for it (clockSaved) sees a failure; otherwise the next change saves again
        this.lastClockSave.catch(() => {});
      }
    });
  }

  /** One store transaction; after-commit hooks (dispatcher wake-ups) run once it commits. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.store, fn);
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.store.read(fn);
  }

  private restoring = false;
  private clockTimer: NodeJS.Timeout | null = null;
  private readonly clockGuard = new SettingGuard();
  private lastClockSave: Promise<void> = Promise.resolve();

  /** Resolves once the clock's latest change is in the store (operator tools answer after it). */
  clockSaved(): Promise<void> {
    return this.lastClockSave;
  }

  /** The sandbox clock's offset and freeze live in the store: they survive restarts and are shared by processes. */
  private saveClock(): Promise<void> {
    return this.clockGuard.save(async () => {
      await this.store.transaction((tx) => tx.settings.set('clock', JSON.stringify(this.clock.snapshot())));
    });
  }

  async loadClock(): Promise<void> {
    const text = await this.clockGuard.load(() => this.store.read((tx) => tx.settings.get('clock')));
    if (!text) return;
    this.restoring = true;
    try {
      this.clock.restore(JSON.parse(text) as { offsetMs: number; frozenAt: number | null });
    } finally {
      this.restoring = false;
    }
  }

  async start(): Promise<void> {
    await this.loadClock();
    this.clockTimer = setInterval(() => void this.loadClock().catch(() => {}), 1000);
    this.clockTimer.unref();
    await this.transaction((tx) => tx.jobs.schedule('idempotency.purge', 'all', this.clock.now() + 10 * 60_000, {}));
    this.scheduler.start();
    this.dispatcher.start();
  }

  async stop(): Promise<void> {
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.clockTimer = null;
    await this.scheduler.stop();
    await this.dispatcher.stop();
  }
}
