// The Markdown page of the test-card catalogue.
import { DECLINE_REASONS } from './reasons.js';
import { FIXED_TEST_OTP, TEST_CARDS, type TestCard } from './test-cards.js';

function group(pan: string): string {
  return pan.replace(/(\d{4})(?=\d)/g, '$1 ');
}

function outcome(o: string): string {
  return o === 'approve' ? 'approved' : `declined: \`${o}\``;
}

function rows(cards: TestCard[]): string {
  return cards
    .map(
      (c) =>
        `| \`${group(c.pan)}\` | ${c.brand} | ${c.challenge === 'none' ? 'none' : c.challenge === '3ds' ? '3-D Secure (approve/decline page)' : '3-D Secure with one-time code'} | ${outcome(c.payment)} | ${outcome(c.tokenPayment)} | ${outcome(c.payout)} |`,
    )
    .join('\n');
}

export function renderTestCardsDoc(): string {
  const head = '| Card | Brand | Authentication | Payment | Token payment | Payout |\n|---|---|---|---|---|---|';
  return `# Test cards

Generated from \`src/core/network/test-cards.ts\` by \`npm run docs:cards\`; a test keeps the two equal.
The simulated network behaves the same on every face (Numopay, NovaPay, Mbill, Way2Pay, CloudPayments).

Rules for every card:
- Any expiry date in the future and any CVV (3 or 4 digits) work. A card whose expiry month has passed is declined
  with \`expired_card\` (Numopay state 14, CloudPayments 5054).
- A Luhn-valid Visa, Mastercard or MIR number that is not listed here is approved without 3-D Secure.
- A number that fails the Luhn check is refused as bad input by every face, before any payment is attempted.
- 3-D Secure: the ACS page shows the merchant, amount and masked card, with **Confirm** and **Decline**. Declining
  gives \`authentication_failed\`. Not answering before the page expires (15 minutes on the gateway clock) gives
  \`expired_authentication\`.
- One-time codes (OTP): the ACS generates a code per challenge (visible to the operator) and also accepts the fixed
  test code **\`${FIXED_TEST_OTP}\`**. Three wrong codes fail the authentication.

## CloudPayments' published cards (behave as published, on every face)

${head}
${rows(TEST_CARDS.filter((c) => c.group === 'published'))}

## Authentication paths

${head}
${rows(TEST_CARDS.filter((c) => c.group === 'authentication'))}

## One card for every decline reason

Decline cards are built as \`4000 00CC CC00 000K\`: \`CCCC\` is the CloudPayments reason code where one exists
(9xxx otherwise) and \`K\` the Luhn check digit. They decline without 3-D Secure.

| Card | Reason | Meaning |
|---|---|---|
${TEST_CARDS.filter((c) => c.group === 'decline')
  .map((c) => {
    const reason = (c.payment === 'approve' ? c.payout : c.payment) as keyof typeof DECLINE_REASONS;
    return `| \`${group(c.pan)}\` | \`${reason}\` | ${DECLINE_REASONS[reason]}${c.payment === 'approve' ? ' (payments succeed; payouts are declined)' : ''} |`;
  })
  .join('\n')}
`;
}
