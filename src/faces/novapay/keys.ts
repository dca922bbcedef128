// The gateway's own RSA-2048 key pair, which signs NovaPay responses and postbacks (as NovaPay's server
// key does). Generated once and kept in the store's settings, so every process and every restart signs
// with the same key; a seed may set it. Merchants download the public half from `GET /v1/public-key`.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Engine } from '../../core/engine.js';
import type { Tx } from '../../core/ports.js';

export const GATEWAY_KEY_SETTING = 'novapay.gateway_key';
const RELOAD_MS = 30_000;

export interface GatewayKey {
  privateKey: KeyObject;
  publicPem: string;
}

interface Cached {
  key: GatewayKey;
  text: string;
  loadedAt: number;
}

const cache = new WeakMap<Engine, Cached>();
const loading = new WeakMap<Engine, Promise<GatewayKey>>();

/** Parses a stored or seeded private key (PKCS#1 or PKCS#8 PEM) into the pair. */
function keyFromPrivatePem(pem: string): GatewayKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('the NovaPay gateway key must be an RSA key');
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicPem };
}

function generateGatewayKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function parseSetting(text: string): GatewayKey {
  const j = JSON.parse(text) as { privateKey: string };
  return keyFromPrivatePem(j.privateKey);
}

/**
 * Reads the key inside a transaction, generating and storing it when there is none yet. Two processes starting on
 * an empty database may both generate one: the first stored is the one both use.
 */
async function ensureGatewayKeyText(tx: Tx): Promise<{ text: string; created: boolean }> {
  const existing = await tx.settings.get(GATEWAY_KEY_SETTING);
  if (existing) return { text: existing, created: false };
  const fresh = JSON.stringify({ privateKey: generateGatewayKey() });
  const text = await tx.settings.setIfAbsent(GATEWAY_KEY_SETTING, fresh);
  return { text, created: text === fresh };
}

/** Replaces the key (a seed's `gatewayPrivateKey`). */
export async function setGatewayKey(tx: Tx, engine: Engine, privatePem: string): Promise<void> {
  const key = keyFromPrivatePem(privatePem);
  const text = JSON.stringify({ privateKey: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
  await tx.settings.set(GATEWAY_KEY_SETTING, text);
  cache.set(engine, { key, text, loadedAt: 0 });
}

/** The current key pair (cached; re-read from the store every 30 s so that a change reaches every process). */
export async function gatewayKey(engine: Engine): Promise<GatewayKey> {
  const c = cache.get(engine);
  if (c && Date.now() - c.loadedAt < RELOAD_MS) return c.key;
  const pending = loading.get(engine);
  if (pending) return pending;
  const p = (async () => {
    let text = await engine.read((tx) => tx.settings.get(GATEWAY_KEY_SETTING));
    if (!text) text = (await engine.transaction((tx) => ensureGatewayKeyText(tx))).text;
    const prev = cache.get(engine);
    const key = prev && prev.text === text ? prev.key : parseSetting(text);
    cache.set(engine, { key, text, loadedAt: Date.now() });
    return key;
  })().finally(() => loading.delete(engine));
  loading.set(engine, p);
  return p;
}

/** The key within a transaction that already runs (webhook rendering). */
export async function gatewayKeyIn(tx: Tx, engine: Engine): Promise<GatewayKey> {
  const c = cache.get(engine);
  if (c && Date.now() - c.loadedAt < RELOAD_MS) return c.key;
  const { text, created } = await ensureGatewayKeyText(tx);
  const prev = cache.get(engine);
  const key = prev && prev.text === text ? prev.key : parseSetting(text);
  // a key generated here is cached only once it is known to be committed (by the next read)
  if (!created) cache.set(engine, { key, text, loadedAt: Date.now() });
  return key;
}
