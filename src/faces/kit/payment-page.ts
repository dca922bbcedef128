// The one payment page every face uses: card form with live checks, amount and merchant shown,
// inline errors, a disabled button with a spinner while paying. Card data goes only to `action`.
import { esc, layout } from './html.js';
import { safeLocation } from './urls.js';
import { t, type Lang } from './i18n.js';

export interface PaymentPageInput {
  lang: Lang;
  nonce: string;
  merchant: string;
  /** formatted major units, e.g. "10.50" */
  amount: string;
  currency: string;
  description?: string | null;
  /** where the card form posts (same origin) */
  action: string;
  cancelUrl?: string | null;
  /** a server-side error to show (after a rejected submission) */
  error?: string | null;
  /** extra hidden fields */
  hidden?: Record<string, string>;
  /** language switch links: URL without `lang` */
  selfUrl?: string;
  /** where the cancel link opens: `_top` when the page is framed by the merchant (it leaves the iframe) */
  linkTarget?: '_top';
}

export function formatAmount(amount: string, currency: string): string {
  const [i, f] = amount.split('.');
  const grouped = (i ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  const sym: Record<string, string> = { RUB: '₽', USD: '$', EUR: '€', UAH: '₴', GBP: '£', KZT: '₸' };
  return `${grouped}${f ? ',' + f : ''} ${sym[currency] ?? currency}`;
}

export function renderPaymentPage(p: PaymentPageInput): string {
  const s = t(p.lang);
  const hidden = Object.entries(p.hidden ?? {})
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  // the merchant's page, as a link only when it is an http(s) URL (stored URLs are links, never scripts)
  const cancel = safeLocation(p.cancelUrl);
  const langs = p.selfUrl
    ? `<nav class="lang" aria-label="Language">${(['ru', 'uk', 'en'] as const)
        .map(
          (l) =>
            `<a href="${esc(p.selfUrl + (p.selfUrl!.includes('?') ? '&' : '?') + 'lang=' + l)}" lang="${l}"${l === p.lang ? ' aria-current="true"' : ''}>${l === 'ru' ? 'Русский' : l === 'uk' ? 'Українська' : 'English'}</a>`,
        )
        .join('')}</nav>`
    : '';
  const body = `
<h1>${esc(s.payTitle)}</h1>
<div class="summary">
  <div><div class="muted">${esc(s.payTo)}</div><div data-testid="merchant">${esc(p.merchant)}</div>${p.description ? `<div class="muted">${esc(p.description)}</div>` : ''}</div>
  <div class="amount" data-testid="amount">${esc(formatAmount(p.amount, p.currency))}</div>
</div>
<form id="pay" method="post" action="${esc(p.action)}" novalidate autocomplete="on">
  ${hidden}
  <div role="alert" class="error" id="form-error">${p.error ? esc(p.error) : ''}</div>
  <label for="number">${esc(s.cardNumber)}</label>
  <div class="field"><input id="number" name="number" inputmode="numeric" autocomplete="cc-number" placeholder="0000 0000 0000 0000" maxlength="23" required aria-describedby="number-error"><span class="brand" id="brand" aria-live="polite"></span></div>
  <div class="error" id="number-error"></div>
  <div class="row">
    <div><label for="exp">${esc(s.expiry)}</label><input id="exp" name="exp" inputmode="numeric" autocomplete="cc-exp" placeholder="MM/YY" maxlength="5" required aria-describedby="exp-error"><div class="error" id="exp-error"></div></div>
    <div><label for="cvv">${esc(s.cvv)}</label><input id="cvv" name="cvv" type="password" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required aria-describedby="cvv-error"><div class="error" id="cvv-error"></div></div>
  </div>
  <label for="holder">${esc(s.holder)}</label>
  <input id="holder" name="holder" autocomplete="cc-name" placeholder="IVAN IVANOV" maxlength="64" aria-describedby="holder-error">
  <div class="error" id="holder-error"></div>
  <button type="submit" id="submit"><span class="spinner" aria-hidden="true"></span><span id="submit-label">${esc(s.pay)} ${esc(formatAmount(p.amount, p.currency))}</span></button>
</form>
${cancel ? `<a class="button secondary" href="${esc(cancel)}" id="cancel"${p.linkTarget ? ` target="${p.linkTarget}"` : ''}>${esc(s.cancel)}</a>` : ''}
${langs}`;
  const msgs = JSON.stringify({
    num: s.errCardNumber,
    brand: s.errBrand,
    exp: s.errExpiry,
    expired: s.errExpired,
    cvv: s.errCvv,
    paying: s.paying,
  });
  return layout({ title: `${s.payTitle} — ${p.merchant}`, lang: p.lang, nonce: p.nonce, body, script: cardFormScript(msgs) });
}

/** The small script behind the card form (also used by the Mbill tokenizer iframe). */
export function cardFormScript(messagesJson: string): string {
  return `(function(){
var M=${messagesJson};
function $(i){return document.getElementById(i)}
function digits(v){return v.replace(/\\D/g,'')}
function luhn(n){if(!/^\\d{12,19}$/.test(n))return false;var s=0,d=false;for(var i=n.length-1;i>=0;i--){var x=+n[i];if(d){x*=2;if(x>9)x-=9}s+=x;d=!d}return s%10===0}
function brand(n){if(/^4/.test(n))return'Visa';var p2=+n.slice(0,2),p4=+n.slice(0,4);if((p2>=51&&p2<=55)||(p4>=2221&&p4<=2720))return'Mastercard';if(p4>=2200&&p4<=2204)return'MIR';return''}
function setErr(id,msg){var e=$(id+'-error'),f=$(id);if(e)e.textContent=msg||'';if(f)f.setAttribute('aria-invalid',msg?'true':'false');return !msg}
var num=$('number'),exp=$('exp'),cvv=$('cvv'),form=$('pay'),btn=$('submit');
function checkNum(final){var n=digits(num.value);$('brand').textContent=brand(n);if(!final&&n.length<12)return setErr('number','');if(!luhn(n))return setErr('number',M.num);if(!brand(n))return setErr('number',M.brand);return setErr('number','')}
function checkExp(final){var m=/^(\\d{2})\\/(\\d{2})$/.exec(exp.value);if(!m){return setErr('exp',final||exp.value.length>=5?M.exp:'')}var mo=+m[1],y=2000+(+m[2]);if(mo<1||mo>12)return setErr('exp',M.exp);var now=new Date();if(y<now.getFullYear()||(y===now.getFullYear()&&mo<now.getMonth()+1))return setErr('exp',M.expired);return setErr('exp','')}
function checkCvv(final){if(!/^\\d{3,4}$/.test(cvv.value))return setErr('cvv',final||cvv.value.length>=4?M.cvv:'');return setErr('cvv','')}
num.addEventListener('input',function(){var n=digits(num.value).slice(0,19);num.value=n.replace(/(\\d{4})(?=\\d)/g,'$1 ');checkNum(false)});
num.addEventListener('blur',function(){if(num.value)checkNum(true)});
exp.addEventListener('input',function(){var d=digits(exp.value).slice(0,4);exp.value=d.length>2?d.slice(0,2)+'/'+d.slice(2):d;checkExp(false)});
exp.addEventListener('blur',function(){if(exp.value)checkExp(true)});
cvv.addEventListener('input',function(){cvv.value=digits(cvv.value).slice(0,4);checkCvv(false)});
form.addEventListener('submit',function(ev){var ok=checkNum(true)&checkExp(true)&checkCvv(true);if(!ok){ev.preventDefault();var bad=form.querySelector('[aria-invalid=true]');if(bad)bad.focus();return}
if(btn.disabled){ev.preventDefault();return}btn.disabled=true;btn.setAttribute('aria-busy','true');$('submit-label').textContent=M.paying});
})();`;
}
