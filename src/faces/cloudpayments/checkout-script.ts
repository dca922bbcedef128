// The checkout script served at /cloudpayments/checkout.js: the browser API of CloudPayments' checkout.js
// (`new cp.Checkout({publicId}).createPaymentCryptogram({...}) → Promise<string>`, and the older synchronous
// `createCryptogramPacket()`), encrypting to the gateway's key. WebCrypto has no RSA PKCS#1 v1.5 encryption,
// so the script pads (PKCS#1 v1.5, type 2, random non-zero bytes from crypto.getRandomValues) and computes
// the modular exponentiation with BigInt: fine for a sandbox. The packet is the base64 JSON form (§5.9).
import type { GatewayKey } from './cryptogram.js';

export function checkoutScript(key: GatewayKey): string {
  return `/* Polypay sandbox: CloudPayments-compatible checkout script (cryptograms for this gateway only) */
(function (root) {
  'use strict';
  var N = BigInt('0x${key.modulusHex}');
  var E = BigInt('0x${key.exponentHex}');
  var K = ${key.k};
  var KEY_VERSION = '${key.version}';
  var ZERO = BigInt(0), ONE = BigInt(1), EIGHT = BigInt(8), BYTE = BigInt(255);

  function random(n) {
    var c = root.crypto || root.msCrypto;
    if (!c || !c.getRandomValues) throw new Error('crypto.getRandomValues is not available');
    var a = new Uint8Array(n);
    c.getRandomValues(a);
    return a;
  }
  function utf8(s) {
    var out = [];
    var e = unescape(encodeURIComponent(s));
    for (var i = 0; i < e.length; i++) out.push(e.charCodeAt(i));
    return out;
  }
  function b64(bytes) {
    var s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return root.btoa ? root.btoa(s) : Buffer.from(s, 'binary').toString('base64');
  }
  function modPow(b, e, m) {
    var r = ONE;
    b = b % m;
    while (e > ZERO) {
      if (e & ONE) r = (r * b) % m;
      e = e >> ONE;
      b = (b * b) % m;
    }
    return r;
  }
  /** RSA PKCS#1 v1.5 (type 2) encryption of a byte array to the gateway's key. */
  function encrypt(msg) {
    if (msg.length > K - 11) throw new Error('message too long');
    var em = new Uint8Array(K);
    em[0] = 0; em[1] = 2;
    var ps = K - 3 - msg.length, i = 0;
    while (i < ps) {
      var r = random(ps - i + 16);
      for (var j = 0; j < r.length && i < ps; j++) if (r[j] !== 0) em[2 + i++] = r[j];
    }
    em[2 + ps] = 0;
    for (i = 0; i < msg.length; i++) em[3 + ps + i] = msg[i];
    var m = ZERO;
    for (i = 0; i < K; i++) m = (m << EIGHT) | BigInt(em[i]);
    var c = modPow(m, E, N);
    var out = new Array(K);
    for (i = K - 1; i >= 0; i--) { out[i] = Number(c & BYTE); c = c >> EIGHT; }
    return out;
  }
  function digits(v) { return String(v == null ? '' : v).replace(/\\D/g, ''); }
  function luhn(n) {
    if (!/^\\d{12,19}$/.test(n)) return false;
    var s = 0, d = false;
    for (var i = n.length - 1; i >= 0; i--) { var x = +n[i]; if (d) { x *= 2; if (x > 9) x -= 9; } s += x; d = !d; }
    return s % 10 === 0;
  }
  function validate(f) {
    var errors = {};
    var number = digits(f.cardNumber);
    var month = digits(f.expDateMonth);
    var year = digits(f.expDateYear);
    var cvv = digits(f.cvv);
    if (!luhn(number)) errors.cardNumber = 'Неверный номер карты';
    if (!(month.length >= 1 && month.length <= 2 && +month >= 1 && +month <= 12)) errors.expDateMonth = 'Неверный месяц';
    if (!(year.length === 2 || year.length === 4)) errors.expDateYear = 'Неверный год';
    if (!/^\\d{3,4}$/.test(cvv)) errors.cvv = 'Неверный CVV';
    if (f.name != null && String(f.name).length > 100) errors.name = 'Слишком длинное имя';
    for (var k in errors) if (Object.prototype.hasOwnProperty.call(errors, k)) return { errors: errors };
    return { number: number, mm: ('0' + month).slice(-2), yy: year.slice(-2), cvv: cvv };
  }
  function browserInfo() {
    var nav = root.navigator || {}, scr = root.screen || {};
    return {
      AcceptHeader: '*/*', JavaEnabled: false, JavaScriptEnabled: true, Language: nav.language || 'ru-RU',
      ColorDepth: String(scr.colorDepth || 24), Height: String(scr.height || 0), Width: String(scr.width || 0),
      TimeZone: String(new Date().getTimezoneOffset()), UserAgent: nav.userAgent || ''
    };
  }
  function packet(publicId, c) {
    var value = b64(encrypt(utf8(c.number + '@' + c.yy + c.mm + '@' + c.cvv + '@' + publicId)));
    var json = JSON.stringify({
      Type: 'CloudCard',
      BrowserInfoBase64: b64(utf8(JSON.stringify(browserInfo()))),
      Format: 1,
      CardInfo: { FirstSixDigits: c.number.slice(0, 6), LastFourDigits: c.number.slice(-4), ExpDateYear: c.yy, ExpDateMonth: c.mm },
      KeyVersion: KEY_VERSION,
      Value: value
    });
    return b64(utf8(json));
  }
  function fromContainer(container) {
    var f = {};
    if (!container || !container.querySelectorAll) return f;
    var inputs = container.querySelectorAll('[data-cp]');
    for (var i = 0; i < inputs.length; i++) f[inputs[i].getAttribute('data-cp')] = inputs[i].value;
    return f;
  }

  /** new cp.Checkout({ publicId, container }) or, as older pages do, new cp.Checkout(publicId, container) */
  function Checkout(options, container) {
    if (!(this instanceof Checkout)) return new Checkout(options, container);
    if (typeof options === 'string') options = { publicId: options, container: container };
    options = options || {};
    if (!options.publicId) throw new Error('publicId is required');
    this.publicId = String(options.publicId);
    this.container = options.container || null;
  }
  /** Promise<string>: the cryptogram, or a rejection with { field: message } */
  Checkout.prototype.createPaymentCryptogram = function (fields) {
    var self = this;
    return new Promise(function (resolve, reject) {
      var c = validate(fields || fromContainer(self.container));
      if (c.errors) { reject(c.errors); return; }
      try { resolve(packet(self.publicId, c)); } catch (e) { reject({ error: String(e && e.message || e) }); }
    });
  };
  /** The older synchronous API: { success, packet } or { success: false, messages } */
  Checkout.prototype.createCryptogramPacket = function (fields) {
    var c = validate(fields || fromContainer(this.container));
    if (c.errors) return { success: false, messages: c.errors };
    return { success: true, packet: packet(this.publicId, c) };
  };
  Checkout.keyVersion = KEY_VERSION;

  root.cp = root.cp || {};
  root.cp.Checkout = Checkout;
})(typeof window !== 'undefined' ? window : typeof globalThis !== 'undefined' ? globalThis : this);
`;
}
