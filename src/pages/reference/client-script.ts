// The reference page's script: builds each request from its form, signs it in the browser exactly as the
// provider's clients do (WebCrypto), sends it to this gateway (same origin only) and shows the answer.
//   numopay        NP-ACCESS-TOKEN: hex HMAC-SHA256(secret, timestamp + METHOD + path + query + body)
//   cloudpayments  HTTP Basic PublicId:ApiSecret
//   novapay        x-sign: base64 RSASSA-PKCS1-v1_5 (SHA-1 or SHA-256) over the exact body bytes, with a
//                  pasted private key (PKCS#8, or PKCS#1 wrapped here); the key never leaves the page
//   mbill          HTTP Basic with a token as the user name
//   way2pay        generation 1: hex HMAC-SHA256(secret, body + nonce);
//                  generation 2: as generation 3, with the Expires header (unix seconds + 300) for the nonce;
//                  generation 3: hex HMAC-SHA512(secret, path + query + sorted-key JSON + nonce);
//                  its sandbox operations: Authorization: Bearer <admin token> (pasted, never filled in)
// Written without template literals so that it can live in a String.raw literal.
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var face = document.body.getAttribute('data-face');
  var prefix = document.body.getAttribute('data-prefix') || '';
  var enc = new TextEncoder();

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function cred(name) { var el = $('#creds [name="' + name + '"]'); return el ? String(el.value).trim() : ''; }
  function hex(buf) { return Array.prototype.map.call(new Uint8Array(buf), function (b) { return ('0' + b.toString(16)).slice(-2); }).join(''); }
  function b64(bytes) { var s = ''; for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]); return btoa(s); }
  function basic(user, pass) { return 'Basic ' + b64(enc.encode(user + ':' + pass)); }
  function subtle() {
    if (!window.crypto || !window.crypto.subtle) throw new Error('Signing needs WebCrypto, which browsers only offer on a secure origin: open this page over https, or at http://localhost / http://127.0.0.1.');
    return window.crypto.subtle;
  }
  function hmacHex(hash, secret, message) {
    var s = subtle();
    return s.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: hash }, false, ['sign'])
      .then(function (k) { return s.sign('HMAC', k, enc.encode(message)); })
      .then(hex);
  }
  // strict URI encoding with sorted keys (Numopay's query-string stringify; Way2Pay wants sorted parameters)
  function strict(v) { return encodeURIComponent(v).replace(/[!'()*]/g, function (c) { return '%' + c.charCodeAt(0).toString(16).toUpperCase(); }); }
  function queryString(params) {
    var keys = Object.keys(params).sort();
    if (!keys.length) return '';
    return '?' + keys.map(function (k) { return strict(k) + '=' + strict(params[k]); }).join('&');
  }
  // Way2Pay generation 3: keys sorted at every object level (arrays keep their order), no spaces
  function sortKeys(v) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    var out = {};
    Object.keys(v).sort().forEach(function (k) { out[k] = sortKeys(v[k]); });
    return out;
  }
  // CloudPayments forms: Payer[FirstName]=…, Statuses[]=…
  function formEncode(value) {
    var parts = [];
    function add(key, v) {
      if (v === null || v === undefined) { parts.push(encodeURIComponent(key) + '='); return; }
      if (Array.isArray(v)) { v.forEach(function (x, i) { add(key + (x !== null && typeof x === 'object' ? '[' + i + ']' : '[]'), x); }); return; }
      if (typeof v === 'object') { Object.keys(v).forEach(function (k) { add(key + '[' + k + ']', v[k]); }); return; }
      parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(String(v)));
    }
    Object.keys(value).forEach(function (k) { add(k, value[k]); });
    return parts.join('&').replace(/%20/g, '+');
  }
  function nextNonce(key, generation) {
    var store = 'polypay.way2pay.nonce.' + generation + '.' + key;
    var now = Date.now();
    var candidate = generation === '3' ? BigInt(now) * BigInt(100000) : BigInt(Math.floor(now / 1000) + 300);
    var last = BigInt(0);
    try { last = BigInt(localStorage.getItem(store) || '0'); } catch (e) { last = BigInt(window.__w2pLast || 0); }
    var next = candidate > last ? candidate : last + BigInt(1);
    try { localStorage.setItem(store, next.toString()); } catch (e) { window.__w2pLast = next.toString(); }
    return next.toString();
  }
  // PEM → PKCS#8 DER (an RSA PRIVATE KEY, PKCS#1, is wrapped into PKCS#8)
  function derLength(n) {
    if (n < 128) return [n];
    var bytes = [];
    while (n > 0) { bytes.unshift(n & 255); n = n >> 8; }
    return [128 | bytes.length].concat(bytes);
  }
  function pkcs8(pem) {
    var m = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
    if (!m) throw new Error('Paste a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).');
    if (m[1] !== 'PRIVATE KEY' && m[1] !== 'RSA PRIVATE KEY') throw new Error('Not a private key: ' + m[1]);
    var raw = atob(m[2].replace(/\s+/g, ''));
    var der = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) der[i] = raw.charCodeAt(i);
    if (m[1] === 'PRIVATE KEY') return der;
    var algorithm = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];
    var octets = [0x04].concat(derLength(der.length));
    var inner = [0x02, 0x01, 0x00].concat(algorithm, octets);
    var total = inner.length + der.length;
    var head = [0x30].concat(derLength(total), inner);
    var out = new Uint8Array(head.length + der.length);
    out.set(head, 0);
    out.set(der, head.length);
    return out;
  }
  function rsaSign(pem, hash, bytes) {
    var s = subtle();
    var der;
    try { der = pkcs8(pem); } catch (e) { return Promise.reject(e); }
    return s.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: hash }, false, ['sign'])
      .catch(function () { throw new Error('The private key could not be read (paste the whole PEM).'); })
      .then(function (k) { return s.sign('RSASSA-PKCS1-v1_5', k, bytes); })
      .then(function (sig) { return b64(new Uint8Array(sig)); });
  }

  var signers = {
    numopay: function (r) {
      if (!r.auth.length) return Promise.resolve();
      var key = cred('apiKey'), secret = cred('secret');
      if (!key || !secret) return Promise.reject(new Error('Fill in the API key and the secret.'));
      var ts = String(Math.floor(Date.now() / 1000));
      r.signed = ts + r.method + r.path + r.query + r.body;
      return hmacHex('SHA-256', secret, r.signed).then(function (sig) {
        r.headers['Authorization'] = 'NP-ACCESS-TOKEN 2019-12-22.' + ts + '.' + key + '.' + sig;
      });
    },
    cloudpayments: function (r) {
      if (!r.auth.length) return Promise.resolve();
      var id = cred('publicId'), secret = cred('apiSecret');
      if (!id || !secret) return Promise.reject(new Error('Fill in the Public ID and the API Secret.'));
      r.headers['Authorization'] = basic(id, secret);
      return Promise.resolve();
    },
    novapay: function (r) {
      if (!r.auth.length) return Promise.resolve();
      var pem = cred('privateKey');
      if (!pem) return Promise.reject(new Error('Paste your merchant private key (PEM) to sign x-sign.'));
      var hash = cred('algorithm') === 'SHA-256' ? 'SHA-256' : 'SHA-1';
      r.signed = r.body;
      return rsaSign(pem, hash, enc.encode(r.body)).then(function (sig) { r.headers['x-sign'] = sig; });
    },
    mbill: function (r) {
      for (var i = 0; i < r.auth.length; i++) {
        var token = cred(r.auth[i]);
        if (token) { r.headers['Authorization'] = basic(token, ''); return Promise.resolve(); }
      }
      if (r.auth.length) return Promise.reject(new Error('Fill in a token: ' + r.auth.join(' or ') + '.'));
      return Promise.resolve();
    },
    way2pay: function (r) {
      if (!r.auth.length) return Promise.resolve();
      if (r.auth.indexOf('adminToken') >= 0) {
        // the sandbox operator routes: the gateway's admin token instead of a merchant signature
        var admin = cred('adminToken');
        if (!admin) return Promise.reject(new Error('Fill in the admin token: the sandbox routes are for the operator.'));
        r.headers['Authorization'] = 'Bearer ' + admin;
        return Promise.resolve();
      }
      var g = cred('generation'), generation = g === '3' || g === '2' ? g : '1';
      var key = cred('publicKey'), secret = cred('secretKey');
      if (!key || !secret) return Promise.reject(new Error('Fill in the public key and the secret key.'));
      var nonce = nextNonce(key, generation);
      if (generation === '1') {
        r.signed = r.body + nonce;
        return hmacHex('SHA-256', secret, r.signed).then(function (sig) { r.headers['Public-Key'] = key; r.headers['Nonce'] = nonce; r.headers['Signature'] = sig; });
      }
      var body = '';
      if (r.body.trim()) {
        try { body = JSON.stringify(sortKeys(JSON.parse(r.body))); } catch (e) { body = r.body; }
      }
      r.signed = r.path + r.query + body + nonce; // the query string (keys sorted) is part of the signed path
      // generation 2 signs as generation 3 does, its counter (an expiry in unix seconds) sent as Expires
      var counterHeader = generation === '2' ? 'Expires' : 'Nonce';
      return hmacHex('SHA-512', secret, r.signed).then(function (sig) { r.headers['Public-Key'] = key; r.headers[counterHeader] = nonce; r.headers['Signature'] = sig; });
    }
  };

  function build(form) {
    var method = form.getAttribute('data-method');
    var path = form.getAttribute('data-path').replace(/\{([^}]+)\}/g, function (_m, name) {
      var el = form.querySelector('[name="path.' + name + '"]');
      return encodeURIComponent(el ? el.value.trim() : '');
    });
    var params = {};
    $all('[name^="query."]', form).forEach(function (el) { if (el.value.trim() !== '') params[el.name.slice(6)] = el.value.trim(); });
    var headers = {};
    $all('[name^="header."]', form).forEach(function (el) { if (el.value.trim() !== '') headers[el.name.slice(7)] = el.value.trim(); });
    var bodyEl = form.querySelector('[name="body"]');
    var typeEl = form.querySelector('[name="contentType"]');
    var body = '';
    var type = '';
    if (bodyEl && method !== 'GET' && method !== 'HEAD') {
      body = bodyEl.value;
      type = typeEl ? typeEl.value : 'application/json';
      if (type === 'application/x-www-form-urlencoded' && body.trim()) {
        var parsed;
        try { parsed = JSON.parse(body); } catch (e) { throw new Error('The body is not valid JSON, so it cannot be sent as a form.'); }
        body = formEncode(parsed);
      }
    } else if ((face === 'numopay' || face === 'way2pay') && method !== 'GET' && method !== 'HEAD') {
      // Client.js sends and signs {} when there are no parameters; Way2Pay's bodiless writes are signed over {}
      body = '{}';
      type = 'application/json';
    }
    if (body && type) headers['Content-Type'] = type;
    var auth = (form.getAttribute('data-auth') || '').split(' ').filter(Boolean);
    return { method: method, path: path, query: queryString(params), body: body, headers: headers, auth: auth, signed: null };
  }

  function show(answer, parts) {
    answer.hidden = false;
    answer.textContent = '';
    parts.forEach(function (p) { answer.appendChild(p); });
  }
  function el(tag, cls, text, attrs) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function block(title, text, open) {
    var d = el('details');
    if (open) d.open = true;
    d.appendChild(el('summary', null, title));
    d.appendChild(el('pre', null, text));
    return d;
  }
  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }
  function isText(type) { return /json|text|javascript|xml|pem|html|urlencoded/i.test(type); }

  function send(form) {
    var op = form.getAttribute('data-op');
    var answer = document.querySelector('[data-answer="' + op + '"]');
    var button = form.querySelector('button[type="submit"]');
    var r;
    try { r = build(form); } catch (e) { show(answer, [el('p', 'status fail', e.message, { 'data-testid': 'status-' + op })]); return; }
    button.disabled = true;
    var started = 0;
    Promise.resolve()
      .then(function () { return (signers[face] || function () { return Promise.resolve(); })(r); })
      .then(function () {
        var init = { method: r.method, headers: r.headers, credentials: 'same-origin', cache: 'no-store', redirect: 'manual' };
        if (r.body && r.method !== 'GET' && r.method !== 'HEAD') init.body = r.body;
        started = performance.now();
        return fetch(prefix + r.path + r.query, init);
      })
      .then(function (res) {
        return res.arrayBuffer().then(function (buf) { return { res: res, buf: buf }; });
      })
      .then(function (x) {
        var ms = Math.round(performance.now() - started);
        var res = x.res;
        var type = res.headers.get('content-type') || '';
        var headers = [];
        res.headers.forEach(function (v, k) { headers.push(k + ': ' + v); });
        var body = res.type === 'opaqueredirect' ? '(a redirect)' : isText(type) || x.buf.byteLength === 0 ? pretty(new TextDecoder().decode(x.buf)) : '(' + x.buf.byteLength + ' bytes of ' + (type || 'binary data') + ')';
        var ok = res.status >= 200 && res.status < 300;
        var status = el('p', 'status ' + (ok ? 'ok' : 'fail'), (res.status || 'redirect') + ' ' + (res.statusText || '') + ' · ' + ms + ' ms', { 'data-testid': 'status-' + op, 'data-status': String(res.status) });
        var bodyPre = el('pre', null, body, { 'data-testid': 'body-' + op });
        var sent = r.method + ' ' + prefix + r.path + r.query + '\n' + Object.keys(r.headers).map(function (k) { return k + ': ' + r.headers[k]; }).join('\n') + (r.body ? '\n\n' + r.body : '');
        var parts = [status, bodyPre, block('Response headers', headers.join('\n')), block('Request sent', sent)];
        if (r.signed !== null) parts.push(block('String signed', r.signed));
        show(answer, parts);
      })
      .catch(function (e) {
        show(answer, [el('p', 'status fail', e && e.message ? e.message : String(e), { 'data-testid': 'status-' + op })]);
      })
      .then(function () { button.disabled = false; });
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form || !form.classList || !form.classList.contains('try')) return;
    ev.preventDefault();
    send(form);
  });
  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!t || !t.getAttribute) return;
    if (t.getAttribute('data-action') === 'reset-body') {
      var form = t.closest('form');
      var ta = form.querySelector('[name="body"]');
      ta.value = ta.defaultValue;
    }
    if (t.getAttribute('data-action') === 'cryptogram') makeCryptogram(t.closest('form'));
  });

  // CloudPayments: a cryptogram from card data, with the gateway's checkout script (encrypted to its key)
  function makeCryptogram(form) {
    var out = form.querySelector('[data-cryptogram-status]');
    var ta = form.querySelector('[name="body"]');
    try {
      if (!window.cp || !window.cp.Checkout) throw new Error('The checkout script did not load.');
      var publicId = cred('publicId');
      if (!publicId) throw new Error('Fill in the Public ID first: the cryptogram names it.');
      var v = function (n) { return form.querySelector('[name="card.' + n + '"]').value.trim(); };
      var body = JSON.parse(ta.value || '{}');
      new window.cp.Checkout({ publicId: publicId }).createPaymentCryptogram({ cardNumber: v('number'), expDateMonth: v('month'), expDateYear: v('year'), cvv: v('cvv') })
        .then(function (packet) {
          body.CardCryptogramPacket = packet;
          ta.value = JSON.stringify(body, null, 2);
          out.textContent = 'CardCryptogramPacket filled in for card ' + v('number').slice(-4) + '.';
        })
        .catch(function (e) { out.textContent = (e && e.message) || String(e); });
    } catch (e) {
      out.textContent = e.message;
    }
  }

  // NovaPay: merchant_id follows the credentials panel in every request body
  var midField = $('#creds [name="merchantId"]');
  if (midField) midField.addEventListener('change', function () {
    var v = midField.value.trim();
    var mid = /^\d{1,15}$/.test(v) ? Number(v) : v;
    $all('textarea[name="body"]').forEach(function (ta) {
      try {
        var o = JSON.parse(ta.value);
        if (o && typeof o === 'object' && !Array.isArray(o) && 'merchant_id' in o) { o.merchant_id = mid; ta.value = JSON.stringify(o, null, 2); }
      } catch (e) { /* leave a body that is not JSON as it is */ }
    });
  });

  // on a phone the list of operations starts folded
  var toc = $('nav.toc details');
  if (toc && window.matchMedia && window.matchMedia('(max-width: 900px)').matches) toc.open = false;

  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (target && target.tagName === 'DETAILS') { target.open = true; target.scrollIntoView({ block: 'start' }); }
  }
  window.addEventListener('hashchange', openFromHash);
  openFromHash();
})();
`;
