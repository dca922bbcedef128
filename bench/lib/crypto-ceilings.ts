// The cryptography ceilings: operations per CPU-second of node:crypto on one core (this process; measured
// against CPU time, so other processes on a shared machine do not lower them), for what the gateway does per request: RSA-2048 PKCS#1 v1.5 signatures (SHA-1 and SHA-256,
// NovaPay's X-Sign and x-sign-v2), RSA-2048 verification (NovaPay's x-sign), raw RSA decryption with
// RSA_NO_PADDING (CloudPayments cryptograms, unpadded in constant time by the gateway), HMAC-SHA256/512.
import { constants, createHmac, createSign, createVerify, generateKeyPairSync, privateDecrypt, publicEncrypt } from 'node:crypto';

export interface CryptoCeilings {
  rsaSignSha1: number;
  rsaSignSha256: number;
  rsaVerifySha1: number;
  rsaVerifySha256: number;
  rsaDecryptRaw: number;
  hmacSha256: number;
  hmacSha512: number;
}

/** Operations per CPU-second of this process (so that other processes on the machine do not lower it). */
function rate(fn: () => void, seconds: number): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const cpu0 = process.cpuUsage();
  const wallEnd = Date.now() + seconds * 5000;
  let used = 0;
  while (used < seconds * 1e6 && Date.now() < wallEnd) {
    for (let i = 0; i < 8; i++) fn();
    n += 8;
    const c = process.cpuUsage(cpu0);
    used = c.user + c.system;
  }
  return n / (used / 1e6);
}

export function measureCrypto(secondsEach: number): CryptoCeilings {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // a NovaPay answer or request body of typical size, and a CloudPayments packet
  const body = Buffer.from(
    JSON.stringify({
      merchant_id: 1,
      client_phone: '+380982850620',
      client_first_name: 'Taras',
      client_last_name: 'Shevchenko',
      metadata: { order: 'x'.repeat(200) },
    }),
  );
  const sign = (alg: string) => {
    const s = createSign(alg);
    s.update(body);
    return s.sign(privateKey);
  };
  const sig1 = sign('RSA-SHA1');
  const sig256 = sign('RSA-SHA256');
  const packet = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from('4000000000003055@3512@123@pk_be0c000000000000000000000001'),
  );
  return {
    rsaSignSha1: rate(() => sign('RSA-SHA1'), secondsEach),
    rsaSignSha256: rate(() => sign('RSA-SHA256'), secondsEach),
    rsaVerifySha1: rate(() => {
      const v = createVerify('RSA-SHA1');
      v.update(body);
      if (!v.verify(publicKey, sig1)) throw new Error('verify');
    }, secondsEach),
    rsaVerifySha256: rate(() => {
      const v = createVerify('RSA-SHA256');
      v.update(body);
      if (!v.verify(publicKey, sig256)) throw new Error('verify');
    }, secondsEach),
    rsaDecryptRaw: rate(() => privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, packet), secondsEach),
    hmacSha256: rate(() => createHmac('sha256', 'secret').update(body).digest('hex'), secondsEach),
    hmacSha512: rate(() => createHmac('sha512', 'secret').update(body).digest('hex'), secondsEach),
  };
}

/** Requests per second one core could serve if a request did nothing but these RSA operations. */
export function rsaCeiling(c: CryptoCeilings, ops: Partial<Record<keyof CryptoCeilings, number>>): number {
  let seconds = 0;
  for (const [k, count] of Object.entries(ops)) seconds += (count ?? 0) / c[k as keyof CryptoCeilings];
  return 1 / seconds;
}
