// CloudPayments card cryptograms at their edges, as pure functions. The RSA PKCS#1 v1.5 padding is built here byte by
// byte (00 02, at least eight non-zero bytes, 00, the message) and encrypted raw with node:crypto, so each rule of the
// padding check is tried at its boundary; an invalid packet must give the implicit-rejection message, which this
// test computes on its own from the construction (docs/cloudpayments.md): prk = HMAC-SHA256(kdk, ciphertext) with
// kdk = SHA-256("polypay cloudpayments implicit rejection" ‖ the private key's PKCS#8 DER), the message bytes
// PRF(prk, "message", k) and its length PRF(prk, "length", 2) mod (k − 10), PRF being HMAC-SHA256(prk, label ‖
// a two-byte counter) blocks. And the packet formats: the legacy "01" header and the JSON form, each clear field
// checked against the plaintext.
import { constants, createHash, createHmac, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCryptogram, decryptPkcs1, loadKey } from '../../src/faces/cloudpayments/cryptogram.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const key = loadKey(pem, 1);
const K = 256;

/** Raw RSA over an encoded message of exactly K bytes. */
const raw = (em: Buffer) => publicEncrypt({ key: key.publicPem, padding: constants.RSA_NO_PADDING }, em);
/** 00 02 ‖ non-zero padding ‖ 00 ‖ message, K bytes in all (the padding fills what the message leaves), first bytes as given. */
function encoded(message: Buffer, head = [0x00, 0x02]): Buffer {
  const pad = K - 3 - message.length;
  const em = Buffer.alloc(K);
  em[0] = head[0]!;
  em[1] = head[1]!;
  for (let i = 0; i < pad; i++) em[2 + i] = 1 + (i % 255);
  em[2 + pad] = 0;
  message.copy(em, 3 + pad);
  return em;
}
/** A message that leaves `pad` bytes of padding. */
const leaving = (pad: number) => Buffer.alloc(K - 3 - pad, 0x35);

/** The implicit-rejection message of a ciphertext, from the construction. */
function synthetic(ciphertext: Buffer): Buffer {
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const kdk = createHash('sha256').update('polypay cloudpayments implicit rejection').update(der).digest();
  const prk = createHmac('sha256', kdk).update(ciphertext).digest();
  const prf = (label: string, length: number) => {
    const blocks: Buffer[] = [];
    for (let i = 0; blocks.length * 32 < length; i++)
      blocks.push(
        createHmac('sha256', prk)
          .update(label)
          .update(Buffer.from([i >> 8, i & 0xff]))
          .digest(),
      );
    return Buffer.concat(blocks).subarray(0, length);
  };
  const l = prf('length', 2);
  const length = ((l[0]! << 8) | l[1]!) % (K - 10);
  return prf('message', K).subarray(K - length);
}

describe('PKCS#1 v1.5 padding, rule by rule', () => {
  const msg = Buffer.from('4000000000003055@3107@987@pk_me');

  it('reads a message after exactly eight bytes of padding, and after more', () => {
    for (const pad of [8, 9, 100]) expect(decryptPkcs1(key, raw(encoded(leaving(pad)))).equals(leaving(pad)), `pad ${pad}`).toBe(true);
    expect(decryptPkcs1(key, raw(encoded(msg))).equals(msg)).toBe(true);
  });

  it('reads an empty message (the separator is the last byte), and one holding zero bytes (the first zero separates)', () => {
    expect(decryptPkcs1(key, raw(encoded(Buffer.alloc(0)))).length).toBe(0);
    const withZeros = Buffer.from([0x41, 0x00, 0x00, 0x42, 0x00]);
    expect(decryptPkcs1(key, raw(encoded(withZeros))).equals(withZeros)).toBe(true);
  });

  it('rejects, with the implicit-rejection message, seven bytes of padding, a wrong first or second byte, no separator', () => {
    const noSeparator = Buffer.alloc(K, 0x11);
    noSeparator[0] = 0;
    noSeparator[1] = 2;
    const bad = [
      encoded(leaving(7)),
      encoded(leaving(1)),
      encoded(msg, [0x01, 0x02]),
      encoded(msg, [0x00, 0x01]),
      encoded(msg, [0x00, 0x03]),
      encoded(msg, [0x00, 0x00]),
      noSeparator,
    ];
    for (const [i, em] of bad.entries()) {
      const ct = raw(em);
      const out = decryptPkcs1(key, ct);
      expect(out.equals(synthetic(ct)), `case ${i}`).toBe(true);
      expect(out.equals(em.subarray(K - msg.length)), `case ${i}`).toBe(false);
    }
  });

  it('rejects a ciphertext of the wrong size or not below the modulus the same way, never with an error', () => {
    const good = raw(encoded(msg));
    for (const ct of [good.subarray(1), Buffer.concat([good, Buffer.from([0])]), Buffer.alloc(K, 0xff), Buffer.alloc(0)])
      expect(decryptPkcs1(key, ct).equals(synthetic(ct)), `${ct.length} bytes`).toBe(true);
  });
});

describe('cryptogram packets, field by field', () => {
  const pan = '4000000000003055';
  const enc = (text: string) =>
    publicEncrypt({ key: key.publicPem, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(text)).toString('base64');
  const json = (value: string, extra: Record<string, unknown> = {}) =>
    Buffer.from(JSON.stringify({ Type: 'CloudCard', Value: value, ...extra })).toString('base64');
  const legacy = (text: string, first6 = pan.slice(0, 6), last4 = pan.slice(-4), yymm = '3107') =>
    `01${first6}${last4}${yymm}01${enc(text)}`;
  const plain = `${pan}@3107@987@pk_me`;
  const decoded = { number: pan, expMonth: 7, expYear: 2031, cvv: '987' };
  const refused = (packet: string, what: string) =>
    expect(() => decodeCryptogram(key, packet, 'pk_me'), what).toThrow('Invalid CardCryptogramPacket');

  it('reads the legacy form, its header agreeing with the plaintext, white space anywhere', () => {
    expect(decodeCryptogram(key, legacy(plain), 'pk_me')).toEqual(decoded);
    const spaced = legacy(plain).replace(/(.{40})/g, '$1\n ');
    expect(decodeCryptogram(key, `  ${spaced}  `, 'pk_me')).toEqual(decoded);
    refused(legacy(plain, '400001'), 'BIN');
    refused(legacy(plain, undefined, '3056'), 'last four');
    refused(legacy(plain, undefined, undefined, '3108'), 'expiry');
    refused(legacy(plain, undefined, undefined, '0731'), 'expiry as MMYY');
    refused('9' + legacy(plain), 'text before the header');
    refused(legacy(plain) + '!', 'text after the ciphertext');
  });

  it('reads the JSON form with and without CardInfo, each clear field checked; any Type but CloudCard refused', () => {
    expect(decodeCryptogram(key, json(enc(plain)), 'pk_me')).toEqual(decoded);
    const info = { FirstSixDigits: '400000', LastFourDigits: '3055', ExpDateYear: '2031', ExpDateMonth: '7' };
    expect(decodeCryptogram(key, json(enc(plain), { CardInfo: info }), 'pk_me')).toEqual(decoded);
    expect(decodeCryptogram(key, json(enc(plain), { CardInfo: { ...info, ExpDateYear: 31, ExpDateMonth: 7 } }), 'pk_me')).toEqual(decoded);
    expect(decodeCryptogram(key, json(enc(plain), { CardInfo: { ExpDateYear: '31' } }), 'pk_me')).toEqual(decoded);
    expect(decodeCryptogram(key, json(enc(plain)).replace(/=+$/, ''), 'pk_me')).toEqual(decoded);
    const noType = Buffer.from(JSON.stringify({ Value: enc(plain) })).toString('base64');
    expect(decodeCryptogram(key, noType, 'pk_me')).toEqual(decoded);
    refused(json(enc(plain), { Type: 'Card' }), 'Type');
    refused(json(enc(plain), { CardInfo: { ...info, FirstSixDigits: '400001' } }), 'BIN');
    refused(json(enc(plain), { CardInfo: { ...info, LastFourDigits: '3056' } }), 'last four');
    refused(json(enc(plain), { CardInfo: { ...info, ExpDateMonth: '8' } }), 'month');
    refused(json(enc(plain), { CardInfo: { ...info, ExpDateYear: '2032' } }), 'year');
    refused(Buffer.from(JSON.stringify({ Type: 'CloudCard', Value: 42 })).toString('base64'), 'Value not a text');
    refused(Buffer.from('null').toString('base64'), 'not an object');
    refused(Buffer.from('{"Type":"CloudCard",').toString('base64'), 'not JSON');
    refused(json(enc(plain) + '!'), 'Value not base64');
    refused(json('A'.repeat(8193)), 'Value too long');
    // a one-digit year in CardInfo is the year 200X
    expect(
      decodeCryptogram(key, json(enc(`${pan}@0507@987@pk_me`), { CardInfo: { ExpDateYear: 5, ExpDateMonth: 7 } }), 'pk_me').expYear,
    ).toBe(2005);
  });

  it('takes a packet of up to 8192 base64 characters', () => {
    // the JSON form with a filler field, its base64 exactly 8192 characters long, then 4 more
    const sized = (length: number) => {
      const base = { Type: 'CloudCard', Value: enc(plain), Filler: '' };
      const bare = Buffer.from(JSON.stringify(base)).length;
      const packet = Buffer.from(JSON.stringify({ ...base, Filler: 'x'.repeat((length / 4) * 3 - bare) })).toString('base64');
      expect(packet).toHaveLength(length);
      return packet;
    };
    expect(decodeCryptogram(key, sized(8192), 'pk_me')).toEqual(decoded);
    refused(sized(8196), 'too long');
  });

  it('checks the plaintext: month 01 to 12, CVV of three or four digits, the PublicId exactly, nothing after it', () => {
    for (const [text, ok] of [
      [`${pan}@3101@987@pk_me`, true],
      [`${pan}@3112@9876@pk_me`, true],
      [`${pan}@3100@987@pk_me`, false],
      [`${pan}@3113@987@pk_me`, false],
      [`${pan}@3107@98765@pk_me`, false],
      [`${pan}@3107@987@pk_m`, false],
      [`${pan}@3107@987@pk_me2`, false],
      [`${pan}@3107@987@pk_me `, false],
      [`40000000003@3107@987@pk_me`, false],
      [`x${pan}@3107@987@pk_me`, false],
    ] as const) {
      if (ok) expect(decodeCryptogram(key, json(enc(text)), 'pk_me').number, text).toBe(pan);
      else refused(json(enc(text)), text);
    }
    expect(decodeCryptogram(key, json(enc(`${pan}@3112@9876@pk_me`)), 'pk_me')).toEqual({
      number: pan,
      expMonth: 12,
      expYear: 2031,
      cvv: '9876',
    });
  });
});
