// The tokenizer's browser side: `tokenizer.js` (replaces the merchant's card container with the gateway's card
// iframe) and the iframe itself, which checks the card as it is typed, exchanges it for a one-time card token and
// posts the token, or the validation errors, to the parent page's configured origin only.
import { esc, layout } from '../kit/html.js';
import type { Lang } from '../kit/i18n.js';
import { EXP_YEAR_MAX, EXP_YEAR_MIN } from './limits.js';

/** What the frame says, in the payer's language. */
export interface FrameStrings {
  title: string;
  number: string;
  month: string;
  year: string;
  cvv: string;
  submit: string;
  busy: string;
  errNumber: string;
  errBrand: string;
  errMonth: string;
  errYear: string;
  errExpired: string;
  errCvv: string;
}

/** `https://shop.example` exactly (scheme, host, port), or undefined. */
export function originOf(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > 300) return undefined;
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return u.origin === v.replace(/\/$/, '') ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The merchant-side script. The frame's address comes from the script's own `src`. */
export function tokenizerScript(fallbackBase: string): string {
  return `/*! Mbill tokenizer.js (Polypay) */
(function (w, d) {
  'use strict';
  var script = d.currentScript;
  var BASE = script && script.src ? script.src.replace(/\\/tokenizer\\.js(?:[?#].*)?$/, '') : ${JSON.stringify(fallbackBase)};
  var FRAME_ORIGIN = new URL(BASE, w.location.href).origin;
  function Tokenizer(opts) {
    opts = opts || {};
    var el = typeof opts.container === 'string' ? d.querySelector(opts.container) : opts.container;
    if (!el || !el.parentNode) throw new Error('MbillTokenizer: the card container was not found');
    var q = 'origin=' + encodeURIComponent(w.location.origin);
    if (opts.lang) q += '&lang=' + encodeURIComponent(opts.lang);
    if (opts.button === false) q += '&button=0';
    var iframe = d.createElement('iframe');
    iframe.src = BASE + '/tokenizer/frame?' + q;
    iframe.title = opts.title || 'Card';
    iframe.setAttribute('scrolling', 'no');
    iframe.style.cssText = 'border:0;width:100%;height:' + (opts.height || 360) + 'px';
    if (el.id) iframe.id = el.id;
    el.parentNode.replaceChild(iframe, el);
    this.iframe = iframe;
    this._listener = function (e) {
      if (e.origin !== FRAME_ORIGIN || e.source !== iframe.contentWindow) return;
      var m = e.data;
      if (!m || typeof m.type !== 'string') return;
      if (m.type === 'mbill:ready' || m.type === 'mbill:resize') {
        // the frame follows its content (inline errors make it taller) unless the merchant fixed a height
        if (typeof m.height === 'number' && m.height > 0 && m.height < 5000 && !opts.height) iframe.style.height = Math.ceil(m.height) + 'px';
        if (m.type === 'mbill:ready' && opts.onReady) opts.onReady();
      } else if (m.type === 'mbill:card-token') {
        if (opts.onToken) opts.onToken(m.token);
      } else if (m.type === 'mbill:validation-errors') {
        if (opts.onErrors) opts.onErrors(m.errors);
      } else if (m.type === 'mbill:change') {
        if (opts.onChange) opts.onChange({ valid: m.valid, brand: m.brand });
      } else if (m.type === 'mbill:error') {
        if (opts.onError) opts.onError(m);
      }
    };
    w.addEventListener('message', this._listener);
  }
  /** Asks the frame to check the card and, when it is valid, to exchange it for a card token. */
  Tokenizer.prototype.tokenize = function () {
    this.iframe.contentWindow.postMessage({ type: 'mbill:tokenize' }, FRAME_ORIGIN);
  };
  Tokenizer.prototype.destroy = function () {
    w.removeEventListener('message', this._listener);
    if (this.iframe.parentNode) this.iframe.parentNode.removeChild(this.iframe);
  };
  w.MbillTokenizer = { init: function (opts) { return new Tokenizer(opts); }, frameOrigin: FRAME_ORIGIN };
  // Declarative use: <script src=".../tokenizer.js" data-container="#card"></script>
  if (script && script.getAttribute('data-container')) {
    var start = function () {
      w.mbillTokenizer = new Tokenizer({ container: script.getAttribute('data-container'), lang: script.getAttribute('data-lang') || undefined });
    };
    if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', start); else start();
  }
})(window, document);
`;
}

export function frameScript(cfg: { origin: string; endpoint: string; s: FrameStrings }): string {
  const c = JSON.stringify({ origin: cfg.origin, endpoint: cfg.endpoint, yMin: EXP_YEAR_MIN, yMax: EXP_YEAR_MAX, m: cfg.s });
  return `(function(){
var C=${c};
function $(i){return document.getElementById(i)}
function digits(v){return v.replace(/\\D/g,'')}
function luhn(n){if(!/^\\d{12,19}$/.test(n))return false;var s=0,d=false;for(var i=n.length-1;i>=0;i--){var x=+n[i];if(d){x*=2;if(x>9)x-=9}s+=x;d=!d}return s%10===0}
function brand(n){if(/^4/.test(n))return'Visa';var p2=+n.slice(0,2),p4=+n.slice(0,4);if((p2>=51&&p2<=55)||(p4>=2221&&p4<=2720))return'Mastercard';return''}
function post(m){window.parent.postMessage(m,C.origin)}
function rule(entry,r,params,desc){return{entry_type:'json_data_property',entry:entry,rules:[{rule:r,params:params,description:desc}]}}
var num=$('number'),mon=$('month'),yr=$('year'),cvv=$('cvv'),form=$('card'),btn=$('submit'),busy=false;
function show(id,msg){var e=$(id+'-error'),f=$(id);e.textContent=msg||'';f.setAttribute('aria-invalid',msg?'true':'false')}
function check(final){
  var errs=[],n=digits(num.value),m=mon.value.trim(),y=yr.value.trim(),v=cvv.value.trim();
  $('brand').textContent=brand(n);
  var ne='';if(!n){if(final){ne=C.m.errNumber;errs.push(rule('$.number','required',[],"can't be blank"))}}else if(!luhn(n)||!brand(n)){if(final||n.length>=16){ne=luhn(n)?C.m.errBrand:C.m.errNumber}errs.push(rule('$.number','card_number',[],'is not a valid card number'))}
  show('number',ne);
  var me='';if(!/^(0?[1-9]|1[0-2])$/.test(m)){if(final||m.length>=2){me=C.m.errMonth}errs.push(rule('$.expiration_month',m?'format':'required',m?['~r/^(0?[1-9]|1[0-2])$/']:[],m?'has invalid format':"can't be blank"))}
  show('month',me);
  var ye='';if(!/^\\d{4}$/.test(y)||+y<C.yMin||+y>C.yMax){if(final||y.length>=4){ye=C.m.errYear}errs.push(rule('$.expiration_year',y?'format':'required',y?['~r/^[0-9]{4}$/']:[],y?'has invalid format':"can't be blank"))}
  else if(!me){var now=new Date();if(+y<now.getFullYear()||(+y===now.getFullYear()&&+m<now.getMonth()+1)){ye=C.m.errExpired}}
  show('year',ye);
  var ce='';if(!/^\\d{3,4}$/.test(v)){if(final||v.length>=4){ce=C.m.errCvv}errs.push(rule('$.cvv',v?'format':'required',v?['~r/^[0-9]{3,4}$/']:[],v?'has invalid format':"can't be blank"))}
  show('cvv',ce);
  return errs;
}
function changed(){var e=check(false);post({type:'mbill:change',valid:e.length===0,brand:brand(digits(num.value))})}
num.addEventListener('input',function(){var n=digits(num.value).slice(0,19);num.value=n.replace(/(\\d{4})(?=\\d)/g,'$1 ');changed()});
mon.addEventListener('input',function(){mon.value=digits(mon.value).slice(0,2);changed()});
yr.addEventListener('input',function(){yr.value=digits(yr.value).slice(0,4);changed()});
cvv.addEventListener('input',function(){cvv.value=digits(cvv.value).slice(0,4);changed()});
function setBusy(b){busy=b;if(btn){btn.disabled=b;btn.setAttribute('aria-busy',b?'true':'false')}}
function tokenize(){
  if(busy)return;
  var errs=check(true);
  if(errs.length){post({type:'mbill:validation-errors',errors:errs});var bad=form.querySelector('[aria-invalid=true]');if(bad)bad.focus();return}
  setBusy(true);
  var body=JSON.stringify({type:'card',number:digits(num.value),expiration_month:mon.value.trim(),expiration_year:yr.value.trim(),cvv:cvv.value.trim()});
  fetch(C.endpoint,{method:'POST',headers:{'content-type':'application/json'},body:body,credentials:'omit'}).then(function(r){return r.json().then(function(j){return{s:r.status,j:j}})}).then(function(x){
    setBusy(false);
    if(x.s===201&&x.j&&x.j.data){cvv.value='';post({type:'mbill:card-token',token:x.j.data})}
    else post({type:'mbill:validation-errors',errors:(x.j&&x.j.error&&x.j.error.invalid)||[],error:x.j&&x.j.error})
  })['catch'](function(){setBusy(false);post({type:'mbill:error',message:'network error'})});
}
form.addEventListener('submit',function(ev){ev.preventDefault();tokenize()});
window.addEventListener('message',function(e){if(e.origin!==C.origin||e.source!==window.parent)return;if(e.data&&e.data.type==='mbill:tokenize')tokenize()});
function height(){return Math.ceil(document.querySelector('main').getBoundingClientRect().height)}
var last=height();
post({type:'mbill:ready',height:last});
if(window.ResizeObserver)new ResizeObserver(function(){var h=height();if(h!==last){last=h;post({type:'mbill:resize',height:h})}}).observe(document.querySelector('main'));
})();`;
}

export function framePage(n: string, lang: Lang, s: FrameStrings, button: boolean, script: string): string {
  const body = `<h1 class="sr-only">${esc(s.title)}</h1>
<form id="card" novalidate autocomplete="on">
  <label for="number">${esc(s.number)}</label>
  <div class="field"><input id="number" name="number" inputmode="numeric" autocomplete="cc-number" placeholder="0000 0000 0000 0000" maxlength="23" required aria-describedby="number-error"><span class="brand" id="brand" aria-live="polite"></span></div>
  <div class="error" id="number-error" role="alert"></div>
  <div class="row">
    <div><label for="month">${esc(s.month)}</label><input id="month" name="expiration_month" inputmode="numeric" autocomplete="cc-exp-month" placeholder="MM" maxlength="2" required aria-describedby="month-error"><div class="error" id="month-error"></div></div>
    <div><label for="year">${esc(s.year)}</label><input id="year" name="expiration_year" inputmode="numeric" autocomplete="cc-exp-year" placeholder="YYYY" maxlength="4" required aria-describedby="year-error"><div class="error" id="year-error"></div></div>
    <div><label for="cvv">${esc(s.cvv)}</label><input id="cvv" name="cvv" type="password" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required aria-describedby="cvv-error"><div class="error" id="cvv-error"></div></div>
  </div>
  ${button ? `<button type="submit" id="submit"><span class="spinner" aria-hidden="true"></span>${esc(s.submit)}</button>` : ''}
</form>`;
  return layout({ title: s.title, lang, nonce: n, body, script, css: FRAME_CSS });
}

/** The frame is part of the merchant's page: no card of its own, no page background, no fixed height. */
const FRAME_CSS = `
body{background:transparent;min-height:0;display:block}
main{max-width:none;margin:0;padding:2px 2px 4px;border:0;border-radius:0;box-shadow:none;background:transparent}
.row{column-gap:8px}
label{font-size:.85rem}
`;
