// NovaPay's signature plumbing at its edges: the x-sign value (base64, URL-safe letters and whitespace tolerated,
// nothing else), only RSA keys (NovaPay signs with RSA PKCS#1 v1.5), and the text PHP clients sign when they send
// json_encode output but sign the JSON_UNESCAPED_UNICODE form: each \uXXXX escape of a non-ASCII character written as
// the character (a surrogate pair as one character), ASCII escapes, U+2028/U+2029, lone surrogates and every other
// escape left as they are, and null when nothing changes. Expected texts are written out by hand.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unescapeUnicode, verifyBody, verifyEither } from '../../src/faces/novapay/signing.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA_PUBLIC = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const sig = (body: string, alg: 'sha1' | 'sha256' = 'sha1') => sign(alg, Buffer.from(body), rsa.privateKey).toString('base64');

describe('NovaPay x-sign values', () => {
  it('accepts the base64 signature, with whitespace in it, and in the URL-safe alphabet', () => {
    let body = '';
    let s = '';
    for (let n = 0; !(s.includes('+') && s.includes('/')); n++) s = sig((body = `{"n":${n}}`));
    expect(verifyBody(body, s, RSA_PUBLIC, 'sha1')).toBe(true);
    expect(verifyBody(body, ` ${s.slice(0, 100)}\r\n ${s.slice(100)} `, RSA_PUBLIC, 'sha1')).toBe(true);
    expect(verifyBody(body, s.replace(/\+/g, '-').replace(/\//g, '_'), RSA_PUBLIC, 'sha1')).toBe(true);
    expect(verifyBody(body, s.replace(/\+/g, '-'), RSA_PUBLIC, 'sha1')).toBe(true);
    expect(verifyBody(body, s.replace(/\//g, '_'), RSA_PUBLIC, 'sha1')).toBe(true);
    expect(verifyBody(`${body} `, s, RSA_PUBLIC, 'sha1')).toBe(false);
  });

  it('refuses a value with any other character before, inside or after the base64 text', () => {
    const s = sig('{}');
    expect(verifyBody('{}', s, RSA_PUBLIC, 'sha1')).toBe(true);
    for (const bad of [`*${s}`, `${s}*`, `${s.slice(0, 10)}.${s.slice(10)}`, `${s}=`.replace(/=+$/, '===')])
      expect(verifyBody('{}', bad, RSA_PUBLIC, 'sha1')).toBe(false);
    expect(verifyBody('{}', '', RSA_PUBLIC, 'sha1')).toBe(false);
    expect(verifyBody('{}', '   ', RSA_PUBLIC, 'sha1')).toBe(false);
  });

  it('tells SHA-1 from SHA-256 and refuses a key that is not RSA', () => {
    expect(verifyEither('{}', sig('{}', 'sha1'), RSA_PUBLIC)).toBe('sha1');
    expect(verifyEither('{}', sig('{}', 'sha256'), RSA_PUBLIC)).toBe('sha256');
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ecPublic = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const alg of ['sha1', 'sha256'] as const) {
      const ecSig = sign(alg, Buffer.from('{}'), ec.privateKey).toString('base64');
      expect(verifyBody('{}', ecSig, ecPublic, alg)).toBe(false);
    }
    expect(verifyEither('{}', sig('{}'), 'not a key')).toBe(null);
    // a key given as a KeyObject that cannot verify at all (Ed25519) is a refusal, not a thrown error
    const ed = generateKeyPairSync('ed25519');
    expect(verifyBody('{}', sig('{}'), ed.publicKey, 'sha1')).toBe(false);
    expect(verifyEither('{}', sig('{}', 'sha256'), ed.publicKey)).toBe(null);
  });
});

describe('NovaPay: the text a PHP client signed (JSON_UNESCAPED_UNICODE)', () => {
  const cases: Array<[string, string | null]> = [
    ['{"a":"plain"}', null],
    ['\\u0041\\u007f', null],
    ['\\u0442', 'т'],
    ['{"a":"\\u0422\\u0430\\u0440\\u0430\\u0441"}', '{"a":"Тарас"}'],
    ['\\u041F\\u041f', 'ПП'],
    ['\\u0041\\u007f\\u0080', '\\u0041\\u007f\u0080'],
    ['\\u2028\\u2029\\u2027\\u202a', '\\u2028\\u2029\u2027\u202a'],
    ['\\ud83d\\ude00', '😀'],
    ['\\ud800\\udc00', '\u{10000}'],
    ['\\udbff\\udfff', '\u{10FFFF}'],
    ['\\ud7ff', '\ud7ff'],
    ['\\ue000', '\ue000'],
    ['\\ud83d\\u0442', '\\ud83dт'],
    ['\\ud83d\\ue000', '\\ud83d\ue000'],
    ['\\u0442\\udc00', 'т\\udc00'],
    ['\\udfff\\udfff\\u0442', '\\udfff\\udfffт'],
    ['\\udc00\\udc00', null],
    ['\\ud83d\\udbff\\u0442', '\\ud83d\\udbffт'],
    ['\\ud800\\u0442', '\\ud800т'],
    ['\\udc00\\u0442', '\\udc00т'],
    ['\\udfff\\u0442', '\\udfffт'],
    ['\\ud83dx\\u0442', '\\ud83dxт'],
    ['\\ud83d\\nde00\\u0442', '\\ud83d\\nde00т'],
    ['\\\\u0442\\u0442', '\\\\u0442т'],
    ['\\"\\/\\u0442', '\\"\\/т'],
    ['\\u\\u0442', '\\uт'],
    ['\\u12zz\\u0442', '\\u12zzт'],
    ['\\u0442\\', 'т\\'],
    ['\\u044', null],
    // a character that is not a high surrogate is never joined with a low surrogate after it
    ['\\u00e9\\udc00', 'é\\udc00'],
    ['\\u0442\\udfff', 'т\\udfff'],
    // a high surrogate followed by "u" and four hex digits without the backslash: no pair
    ['\\ud83dxude00\\u0442', '\\ud83dxude00т'],
  ];
  // titled by number, not by the escapes themselves: a title with backslashes cannot be picked out by name (the
  // mutation runner selects tests so)
  it.each(cases)('case %#', (body, expected) => {
    expect(unescapeUnicode(body), body).toBe(expected);
  });
});
