// What Mbill's API blueprint and its reference server (`Nebo15/tokenizer.api`) document, written down here for the
// tests to compare the face against. Nothing here is read from the face's code.

/**
 * The reference server's grouping of the processing partner's (Pay2You) codes: a declined transfer's `decline`
 * object carries `code` and, as `reason`, the group of that code (`Processing.Adapters.Pay2You.Error`).
 * (The table also holds the string "074", which no numeric code looks up; it is left out.)
 */
const PAY2YOU_GROUPS: Record<string, number[]> = {
  Internal_Error__Aquier: [-1, 500, 801, 809, 810, 811, 820, 880, 881, 882, 888, 897, 898, 899, 959],
  Internal_Error__P2Y: [
    1, 109, 118, 120, 291, 302, 306, 401, 402, 403, 404, 405, 407, 408, 409, 410, 438, 439, 440, 441, 450, 451, 452, 501, 502, 503, 504,
    505, 506, 507, 508, 509, 510, 511, 512, 601, 800, 902, 903, 904, 905, 909, 911, 912, 914, 915, 1001, 10050,
  ],
  Amount_Invalid: [4],
  CVV_Invalid: [5, 129, 210, 211, 580, 581],
  Card_Expired: [6, 101, 125, 201, 901],
  PAN_Invalid: [7],
  RecipientPAN_Invalid: [8],
  PAN_Empty: [9],
  Declined__Aquier: [290, 411, 412, 413],
  Declined__Emitent: [100, 103, 104, 105, 107, 108, 110, 111, 430, 567, 568, 571, 910, 940],
  Declined__P2Y: [114, 119, 122, 124, 203, 204, 205, 207, 208, 209, 432, 435],
  Funds_Insufficient: [116],
  Limits_Exceeded__P2Y: [121, 123, 130, 406],
  Card_Invalid: [200, 202, 574, 908, 100500],
  Limits_Amount_Exceeded__P2Y: [420, 421, 433, 437],
  '3DS_Failed': [431],
  Limits_Crossborder__P2Y: [434],
  Limits_Count_Exceeded__P2Y: [436],
  Payment_Duplicate__Aquier: [803, 998],
  Limits_Crossborder__Aquier: [906, 907],
  Payment_Duplicate__P2Y: [913],
};

/** The reference server's group of a processing code; undefined for a code it does not know. */
export function pay2youGroup(code: number): string | undefined {
  for (const [group, codes] of Object.entries(PAY2YOU_GROUPS)) if (codes.includes(code)) return group;
  return undefined;
}

/** The blueprint's API token and its `Authorization` header: base64 of `DGRsMpXDCj:` and a newline, as curl -u sent it. */
export const BLUEPRINT_TOKEN = 'DGRsMpXDCj';
export const BLUEPRINT_AUTHORIZATION = 'Basic REdSc01wWERDajoK';

/** `Authorization: Basic base64(TOKEN:)`: the token as the HTTP Basic username, as the blueprint's `curl -uTOKEN` sends it. */
export function basicToken(token: string): string {
  return 'Basic ' + Buffer.from(`${token}:`).toString('base64');
}
