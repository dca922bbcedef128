// Russian, Ukrainian and English for payer pages, chosen by a `lang` parameter or Accept-Language.
export type Lang = 'en' | 'ru' | 'uk';

const en = {
  payTitle: 'Payment',
  payTo: 'Payment to',
  cardNumber: 'Card number',
  expiry: 'Expiry (MM/YY)',
  cvv: 'CVV / CVC',
  holder: 'Cardholder name',
  pay: 'Pay',
  paying: 'Paying…',
  cancel: 'Cancel and return to the shop',
  errCardNumber: 'Check the card number',
  errBrand: 'Only Visa, Mastercard and MIR cards are accepted',
  errExpiry: 'Check the expiry date',
  errExpired: 'The card has expired',
  errCvv: 'The CVV is 3 or 4 digits',
  errHolder: 'Enter the name as on the card',
  acsTitle: '3-D Secure verification',
  acsIntro: 'Confirm this purchase with your bank.',
  merchant: 'Merchant',
  amount: 'Amount',
  card: 'Card',
  approve: 'Confirm payment',
  decline: 'Decline',
  otpLabel: 'One-time code sent to your phone',
  otpHint: 'Sandbox: the code is shown to the operator; the fixed test code %s also works.',
  otpWrong: 'Wrong code. Attempts left: %s',
  submit: 'Submit',
  expiredTitle: 'This page has expired',
  doneTitle: 'Payment completed',
  failedTitle: 'Payment declined',
  processing: 'Processing…',
  returnToShop: 'Return to the shop',
  notFound: 'Payment not found',
  alreadyDone: 'This authentication has already been completed.',
};

type Strings = typeof en;

const ru: Strings = {
  payTitle: 'Оплата',
  payTo: 'Оплата в пользу',
  cardNumber: 'Номер карты',
  expiry: 'Срок действия (ММ/ГГ)',
  cvv: 'CVV / CVC',
  holder: 'Имя держателя карты',
  pay: 'Оплатить',
  paying: 'Оплата…',
  cancel: 'Отменить и вернуться в магазин',
  errCardNumber: 'Проверьте номер карты',
  errBrand: 'Принимаются только карты Visa, Mastercard и МИР',
  errExpiry: 'Проверьте срок действия',
  errExpired: 'Срок действия карты истёк',
  errCvv: 'CVV — 3 или 4 цифры',
  errHolder: 'Введите имя, как на карте',
  acsTitle: 'Проверка 3-D Secure',
  acsIntro: 'Подтвердите покупку в своём банке.',
  merchant: 'Магазин',
  amount: 'Сумма',
  card: 'Карта',
  approve: 'Подтвердить платёж',
  decline: 'Отклонить',
  otpLabel: 'Одноразовый код из SMS',
  otpHint: 'Песочница: код виден оператору; фиксированный тестовый код %s тоже подходит.',
  otpWrong: 'Неверный код. Осталось попыток: %s',
  submit: 'Отправить',
  expiredTitle: 'Срок действия страницы истёк',
  doneTitle: 'Платёж выполнен',
  failedTitle: 'Платёж отклонён',
  processing: 'Обработка…',
  returnToShop: 'Вернуться в магазин',
  notFound: 'Платёж не найден',
  alreadyDone: 'Эта проверка уже пройдена.',
};

const uk: Strings = {
  payTitle: 'Оплата',
  payTo: 'Оплата на користь',
  cardNumber: 'Номер картки',
  expiry: 'Термін дії (ММ/РР)',
  cvv: 'CVV / CVC',
  holder: "Ім'я власника картки",
  pay: 'Сплатити',
  paying: 'Оплата…',
  cancel: 'Скасувати й повернутися до магазину',
  errCardNumber: 'Перевірте номер картки',
  errBrand: 'Приймаються лише картки Visa, Mastercard і МИР',
  errExpiry: 'Перевірте термін дії',
  errExpired: 'Термін дії картки минув',
  errCvv: 'CVV — 3 або 4 цифри',
  errHolder: "Введіть ім'я, як на картці",
  acsTitle: 'Перевірка 3-D Secure',
  acsIntro: 'Підтвердьте покупку у своєму банку.',
  merchant: 'Магазин',
  amount: 'Сума',
  card: 'Картка',
  approve: 'Підтвердити платіж',
  decline: 'Відхилити',
  otpLabel: 'Одноразовий код із SMS',
  otpHint: 'Пісочниця: код видно оператору; фіксований тестовий код %s теж підходить.',
  otpWrong: 'Невірний код. Залишилось спроб: %s',
  submit: 'Надіслати',
  expiredTitle: 'Термін дії сторінки минув',
  doneTitle: 'Платіж виконано',
  failedTitle: 'Платіж відхилено',
  processing: 'Обробка…',
  returnToShop: 'Повернутися до магазину',
  notFound: 'Платіж не знайдено',
  alreadyDone: 'Цю перевірку вже пройдено.',
};

const ALL: Record<Lang, Strings> = { en, ru, uk };

export function pickLang(param: unknown, acceptLanguage: string | undefined): Lang {
  if (typeof param === 'string' && (param === 'en' || param === 'ru' || param === 'uk')) return param;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'ru' || tag === 'uk' || tag === 'en') return tag;
    if (tag === 'ua') return 'uk';
  }
  return 'en';
}

export function t(lang: Lang): Strings {
  return ALL[lang];
}

export function fmt(s: string, ...args: Array<string | number>): string {
  let i = 0;
  return s.replace(/%s/g, () => String(args[i++] ?? ''));
}

/** What a payer reads about a decline (core reason → a short text in the payer's language). */
const DECLINE_TEXT: Record<Lang, Record<'funds' | 'expired' | 'auth' | 'authExpired' | 'cvv' | 'limit' | 'bank' | 'other', string>> = {
  en: {
    funds: 'Insufficient funds on the card',
    expired: 'The card has expired',
    auth: 'The payment was not confirmed with the bank',
    authExpired: 'The confirmation took too long',
    cvv: 'Wrong CVV',
    limit: 'The card limit is exceeded',
    bank: 'The bank declined the payment: please contact your bank or use another card',
    other: 'The payment could not be made: please try again or use another card',
  },
  ru: {
    funds: 'Недостаточно средств на карте',
    expired: 'Срок действия карты истёк',
    auth: 'Платёж не подтверждён в банке',
    authExpired: 'Время подтверждения истекло',
    cvv: 'Неверный CVV',
    limit: 'Превышен лимит по карте',
    bank: 'Банк отклонил платёж: обратитесь в банк или используйте другую карту',
    other: 'Платёж не выполнен: попробуйте ещё раз или используйте другую карту',
  },
  uk: {
    funds: 'Недостатньо коштів на картці',
    expired: 'Термін дії картки минув',
    auth: 'Платіж не підтверджено в банку',
    authExpired: 'Час підтвердження минув',
    cvv: 'Невірний CVV',
    limit: 'Перевищено ліміт за карткою',
    bank: 'Банк відхилив платіж: зверніться до банку або скористайтеся іншою карткою',
    other: 'Платіж не виконано: спробуйте ще раз або скористайтеся іншою карткою',
  },
};

export function declineText(lang: Lang, reason: string | null | undefined): string {
  const m = DECLINE_TEXT[lang];
  switch (reason) {
    case 'insufficient_funds':
      return m.funds;
    case 'expired_card':
    case 'expired_card_pickup':
      return m.expired;
    case 'authentication_failed':
    case 'authentication_unavailable':
      return m.auth;
    case 'expired_authentication':
      return m.authExpired;
    case 'incorrect_cvv':
      return m.cvv;
    case 'exceeds_amount_limit':
    case 'exceeds_frequency_limit':
    case 'limit_exceeded':
      return m.limit;
    case 'refer_to_issuer':
    case 'do_not_honor':
    case 'pick_up_card':
    case 'pick_up_card_special':
    case 'restricted_card':
    case 'restricted_card_issuer':
    case 'lost_card':
    case 'stolen_card':
    case 'suspected_fraud':
    case 'suspected_fraud_issuer':
    case 'transaction_not_permitted':
    case 'security_violation':
      return m.bank;
    default:
      return m.other;
  }
}
