// The card vault, merchants and credentials, idempotent commands and the saved sandbox clock, through the Engine
// over both real stores. The vault's ciphertext and fingerprints are checked with node:crypto from the documented
// scheme (AES-256-GCM and HMAC-SHA256 under HKDF-SHA256 keys derived from the master key).
import { createDecipheriv, createHash, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine.js';
import { CardVault, masterKeyId, parseMasterKey } from '../../src/core/vault.js';
import { fetchTransport } from '../../src/server/transport.js';
import { STORES } from '../helpers/stores.js';
import { codeOf, openEngine, TEST_MASTER_KEY, type EngineRig, useEngineRig } from './engine-harness.js';

const KEY = Buffer.from(TEST_MASTER_KEY, 'hex');
const derived = (key: Buffer, info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
const keyIdOf = (key: Buffer) => 'mk_' + createHash('sha256').update('polypay master key id').update(key).digest('hex').slice(0, 12);
const fingerprintOf = (key: Buffer, pan: string) =>
  createHmac('sha256', derived(key, 'polypay card fingerprint')).update(pan).digest('base64url');
function decryptWith(key: Buffer, keyId: string, b64: string): string {
  const buf = Buffer.from(b64, 'base64');
  const d = createDecipheriv('aes-256-gcm', derived(key, 'polypay card encryption'), buf.subarray(0, 12));
  d.setAAD(Buffer.from(keyId));
  d.setAuthTag(buf.subarray(12, 28));
  return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
}

describe('master keys', () => {
  it('read hex or base64, 32 bytes, named by a hash of the key', () => {
    const k = parseMasterKey(` ${TEST_MASTER_KEY.toUpperCase()}\n`);
    expect(k.key.equals(KEY)).toBe(true);
    expect(k.id).toBe(keyIdOf(KEY));
    expect(k.id).toMatch(/^mk_[0-9a-f]{12}$/);
    expect(masterKeyId(KEY)).toBe(k.id);
    const b64 = parseMasterKey(KEY.toString('base64'));
    expect([b64.key.equals(KEY), b64.id]).toEqual([true, k.id]);
    expect(() => parseMasterKey('00112233')).toThrow(/32 bytes/);
    expect(() => parseMasterKey(Buffer.alloc(31).toString('base64'))).toThrow(/32 bytes/);
  });

  it('a vault needs one, of 32 bytes, and encrypts under the last one given', () => {
    const clock = { now: () => 0 };
    expect(() => new CardVault([], clock)).toThrow(/master key/);
    expect(() => new CardVault([{ id: 'short', key: Buffer.alloc(31) }], clock)).toThrow(/32 bytes/);
    const v = new CardVault(
      [
        { id: 'a', key: Buffer.alloc(32, 1) },
        { id: 'b', key: Buffer.alloc(32, 2) },
      ],
      clock,
    );
    expect(v.currentKeyId).toBe('b');
    const ct = v.encrypt('4000000000003055');
    expect(decryptWith(Buffer.alloc(32, 2), 'b', ct)).toBe('4000000000003055');
    expect(Buffer.from(ct, 'base64').length).toBe(12 + 16 + 16);
    expect(v.encrypt('4000000000003055')).not.toBe(ct);
    expect(v.decrypt({ panEncrypted: ct, keyId: 'b' })).toBe('4000000000003055');
    expect(v.fingerprint('4000000000003055')).toBe(fingerprintOf(Buffer.alloc(32, 2), '4000000000003055'));
    let code = '';
    try {
      v.decrypt({ panEncrypted: ct, keyId: 'c' });
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).toBe('INTERNAL');
    // the key id is bound to the ciphertext: read under another id it fails
    expect(() => v.decrypt({ panEncrypted: ct, keyId: 'a' })).toThrow();
  });
});

describe.each(STORES)('engine services on %s', (kind) => {
  let rig: EngineRig;
  let engine: Engine;

  useEngineRig(kind, (r) => {
    rig = r;
    engine = r.engine;
  });

  describe('vault', () => {
    it('stores a card encrypted and fingerprinted, never its holder, and finds it again by fingerprint', async () => {
      const at = engine.clock.now();
      const snap = await engine.transaction((tx) =>
        engine.vault.store(tx, { number: '5555-5555 5555 4444', expMonth: 7, expYear: 2031, holder: 'ANNA' }),
      );
      expect(snap).toMatchObject({ first6: '555555', last4: '4444', brand: 'Mastercard', expMonth: 7, expYear: 2031, holder: 'ANNA' });
      expect(snap.cardId).toMatch(/^card_[0-9a-f]{32}$/);
      const row = (await engine.read((tx) => tx.cards.get(snap.cardId)))!;
      expect(row).toMatchObject({ keyId: keyIdOf(KEY), first6: '555555', last4: '4444', brand: 'Mastercard', holder: null, createdAt: at });
      expect(row.fingerprint).toBe(fingerprintOf(KEY, '5555555555554444'));
      expect(decryptWith(KEY, row.keyId, row.panEncrypted)).toBe('5555555555554444');
      expect(row.panEncrypted).not.toContain('5555555555554444');
      const { pan } = await engine.read((tx) => engine.vault.reveal(tx, snap.cardId));
      expect(pan).toBe('5555555555554444');

      const again = await engine.transaction((tx) => engine.vault.store(tx, { number: '5555555555554444', expMonth: 7, expYear: 2031 }));
      expect([again.cardId, again.holder]).toEqual([snap.cardId, null]);
      // a new expiry is kept on the card
      const renewed = await engine.transaction((tx) => engine.vault.store(tx, { number: '5555555555554444', expMonth: 1, expYear: 2035 }));
      expect([renewed.cardId, renewed.expMonth, renewed.expYear]).toEqual([snap.cardId, 1, 2035]);
      expect(await engine.read((tx) => tx.cards.get(snap.cardId))).toMatchObject({ expMonth: 1, expYear: 2035 });
    });

    it('refuses a number that fails Luhn or has no supported brand, and a card it does not know', async () => {
      expect(
        await codeOf(engine.transaction((tx) => engine.vault.store(tx, { number: '5555555555554445', expMonth: 1, expYear: 2030 }))),
      ).toBe('CARD_NUMBER_INVALID');
      expect(
        await codeOf(engine.transaction((tx) => engine.vault.store(tx, { number: '6011000990139424', expMonth: 1, expYear: 2030 }))),
      ).toBe('CARD_BRAND_UNSUPPORTED');
      expect(await codeOf(engine.read((tx) => engine.vault.reveal(tx, 'card_nope')))).toBe('NOT_FOUND');
    });

    it('re-encrypts every card under a new key, in batches, and only those not under it yet', async () => {
      // an engine of its own: its vault's current key changes
      const own = await openEngine(kind);
      const engine = own.engine;
      for (const n of ['4000000000003055', '2202000000003055', '5205000000003055'])
        await engine.transaction((tx) => engine.vault.store(tx, { number: n, expMonth: 1, expYear: 2030 }));
      const total = (await engine.read((tx) => tx.cards.list(null, 100))).length;
      const next = parseMasterKey('ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100');
      expect(await engine.vault.rotate(engine.store, next, 2)).toBe(total);
      expect(engine.vault.currentKeyId).toBe(next.id);
      for (const c of await engine.read((tx) => tx.cards.list(null, 100))) {
        expect(c.keyId).toBe(next.id);
        const pan = decryptWith(next.key, next.id, c.panEncrypted);
        expect(c.fingerprint).toBe(fingerprintOf(next.key, pan));
      }
      expect(await engine.vault.rotateToCurrent(engine.store, 2)).toBe(0);
      // found by its new fingerprint
      const snap = await engine.transaction((tx) => engine.vault.store(tx, { number: '4000000000003055', expMonth: 1, expYear: 2030 }));
      expect((await engine.read((tx) => tx.cards.list(null, 100))).length).toBe(total);
      expect((await engine.read((tx) => engine.vault.reveal(tx, snap.cardId))).pan).toBe('4000000000003055');
      await own.close();
    });
  });

  describe('merchants', () => {
    it('creates a merchant with credentials and ledger accounts; names are unique', async () => {
      const at = engine.clock.now();
      const { merchant, credentials } = await engine.transaction((tx) =>
        engine.merchants.create(tx, {
          name: 'Shop',
          settings: { lang: 'ru' },
          credentials: [
            { face: 'numopay', key: 'k-1', secret: 's-1', data: { a: 1 } },
            { face: 'mbill', key: 'k-2', secret: null },
          ],
          currencies: ['EUR'],
        }),
      );
      expect(merchant).toMatchObject({ name: 'Shop', settings: { lang: 'ru' }, createdAt: at });
      expect(merchant.id).toMatch(/^m_[A-Za-z0-9]{16}$/);
      expect(credentials.map((c) => [c.face, c.key, c.secret, c.data, c.status, c.merchantId, c.createdAt])).toEqual([
        ['numopay', 'k-1', 's-1', { a: 1 }, 'active', merchant.id, at],
        ['mbill', 'k-2', null, {}, 'active', merchant.id, at],
      ]);
      for (const c of credentials) expect(c.id).toMatch(/^cred_[A-Za-z0-9]{16}$/);
      expect((await rig.balance(merchant.id, 'EUR')).accountId).not.toBe('');
      expect((await rig.balance(merchant.id, 'GBP')).accountId).toBe('');
      expect(await engine.read((tx) => engine.merchants.get(tx, merchant.id))).toEqual(merchant);
      expect(await codeOf(engine.read((tx) => engine.merchants.get(tx, 'nobody')))).toBe('MERCHANT_NOT_FOUND');
      expect(
        await codeOf(engine.transaction((tx) => engine.merchants.create(tx, { id: merchant.id, name: 'again', credentials: [] }))),
      ).toBe('DUPLICATE');
      expect(
        await codeOf(engine.transaction((tx) => engine.merchants.addCredential(tx, 'm1', { face: 'numopay', key: 'k-1', secret: 'x' }))),
      ).toBe('DUPLICATE');
      // the same key on another face is another credential
      const other = await engine.transaction((tx) =>
        engine.merchants.addCredential(tx, 'm1', { face: 'way2pay', key: 'k-1', secret: 'x' }),
      );
      expect([other.merchantId, other.face, other.key]).toEqual(['m1', 'way2pay', 'k-1']);
      const bare = await engine.transaction((tx) => engine.merchants.create(tx, { name: 'Bare', credentials: [] }));
      expect(bare.merchant.settings).toEqual({});
    });

    it('authenticates an active credential with its merchant, and nothing else', async () => {
      await engine.transaction((tx) => engine.merchants.addCredential(tx, 'm1', { face: 'novapay', key: 'nk', secret: 'ns' }));
      const found = await engine.read((tx) => engine.merchants.authenticate(tx, 'novapay', 'nk'));
      expect([found?.merchant.id, found?.credential.secret]).toEqual(['m1', 'ns']);
      expect(await engine.read((tx) => engine.merchants.authenticate(tx, 'numopay', 'nk'))).toBeUndefined();
      expect(await engine.read((tx) => engine.merchants.authenticate(tx, 'novapay', 'other'))).toBeUndefined();
      await engine.transaction((tx) => tx.credentials.update(found!.credential.id, { status: 'revoked' }));
      expect(await engine.read((tx) => engine.merchants.authenticate(tx, 'novapay', 'nk'))).toBeUndefined();
    });
  });

  describe('idempotency', () => {
    const req = (key: string, requestHash: string, compareRequest?: boolean) => ({
      scope: 'svc',
      key,
      requestHash,
      ttlMs: 60_000,
      keep: (r: { status: number }) => r.status < 500,
      ...(compareRequest === undefined ? {} : { compareRequest }),
    });

    it('replays the first response exactly, refuses another request under the key when asked to compare', async () => {
      let runs = 0;
      const work = async () => {
        runs++;
        return { status: 201, headers: { 'x-a': '1' }, body: `run ${runs}` };
      };
      expect(await engine.idempotency.run(req('k1', 'h1', true), work)).toEqual({
        status: 201,
        headers: { 'x-a': '1' },
        body: 'run 1',
        replayed: false,
      });
      expect(await engine.idempotency.run(req('k1', 'h1', true), work)).toEqual({
        status: 201,
        headers: { 'x-a': '1' },
        body: 'run 1',
        replayed: true,
      });
      expect(await codeOf(engine.idempotency.run(req('k1', 'h2', true), work))).toBe('IDEMPOTENCY_CONFLICT');
      // without comparing, another request under the key gets the first answer
      expect((await engine.idempotency.run(req('k1', 'h2'), work)).body).toBe('run 1');
      expect(runs).toBe(1);
      const rec = await engine.read((tx) => tx.idempotency.get('svc', 'k1'));
      expect([rec!.responseStatus, rec!.responseBody, rec!.requestHash]).toEqual([201, 'run 1', 'h1']);
    });

    it('does not keep a response the face does not keep, and keeps nothing of a command that failed', async () => {
      let runs = 0;
      await engine.idempotency.run(req('k2', 'h'), async () => ({ status: 503, headers: {}, body: `${++runs}` }));
      expect(await engine.read((tx) => tx.idempotency.get('svc', 'k2'))).toBeUndefined();
      await expect(
        engine.idempotency.run(req('k2', 'h'), async () => {
          runs++;
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await engine.idempotency.run(req('k2', 'h'), async () => ({ status: 200, headers: {}, body: `${++runs}` }))).body).toBe('3');
    });

    it('lets a one-time use through once', async () => {
      expect(await engine.transaction((tx) => engine.idempotency.useOnce(tx, 'sig', 'abc', 60_000))).toBe(true);
      expect(await engine.transaction((tx) => engine.idempotency.useOnce(tx, 'sig', 'abc', 60_000))).toBe(false);
      expect(await engine.transaction((tx) => engine.idempotency.useOnce(tx, 'sig', 'abd', 60_000))).toBe(true);
      // a use in a command that fails is not recorded
      await expect(
        engine.transaction(async (tx) => {
          await engine.idempotency.useOnce(tx, 'sig', 'rolled', 60_000);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await engine.transaction((tx) => engine.idempotency.useOnce(tx, 'sig', 'rolled', 60_000))).toBe(true);
    });
  });

  describe('sandbox clock', () => {
    it('is saved in the store and restored by another engine over it', async () => {
      engine.clock.unfreeze();
      engine.clock.advance(3_600_000);
      engine.clock.freeze();
      await engine.clockSaved();
      const frozenAt = engine.clock.now();
      const other = new Engine({ store: engine.store, masterKeys: [parseMasterKey(TEST_MASTER_KEY)], transport: fetchTransport });
      await other.loadClock();
      expect(other.clock.state()).toMatchObject({ now: frozenAt, frozen: true });
      engine.clock.advance(1000);
      await engine.clockSaved();
      await other.loadClock();
      expect(other.clock.now()).toBe(frozenAt + 1000);
      // an engine's own clock change is saved for the others, not fed back to itself
      other.clock.advance(5000);
      await other.clockSaved();
      await engine.loadClock();
      expect(engine.clock.now()).toBe(frozenAt + 6000);
      await other.stop();
    });
  });
});
