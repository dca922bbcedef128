// The CloudPayments service: the face's only caller of engine writes (payments, payouts, tokens, the face's own
// tables that belong to a state change), named in CloudPayments' words. Routes, pages and jobs call these; each
// runs in the caller's transaction, except `prepare` (the Check notification), which waits for the merchant's
// server outside any transaction. One module per area under service/.
export { checkCardInput, pay, prepare, type PayInput, type Prepared } from './service/payments.js';
export { completeAuthentication, confirm, refund, voidPayment } from './service/transactions.js';
export { listTokens, tokenCard } from './service/tokens.js';
export { topup, type PayoutInput } from './service/payouts.js';
export { cancelSubscription, createSubscription, subscriptionOf, updateSubscription } from './service/subscriptions.js';
export { subscriptionJobs } from './service/subscription-charges.js';
export { cancelOrder, completeOrderAuthentication, createOrder, IN_FLIGHT, PAID, payOrder } from './service/orders.js';
export { seedSettings, updateSettings } from './service/settings.js';
export { createReceipt, receiptOf } from './service/receipts.js';
