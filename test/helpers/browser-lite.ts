// Follows hosted pages over real HTTP as a browser without scripts would: reads the auto-posting
// forms, the ACS form, and redirects. (The real-browser tests live in test/e2e.)
export interface Form {
  action: string;
  fields: Record<string, string>;
}

function decode(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function parseForm(html: string, base: string, id?: string): Form {
  const re = id ? new RegExp(`<form[^>]*id="${id}"[^>]*>([\\s\\S]*?)</form>`) : /<form([^>]*)>([\s\S]*?)<\/form>/;
  const m = re.exec(html);
  if (!m) throw new Error('no form in page: ' + html.slice(0, 300));
  const tag = /<form[^>]*>/.exec(m[0])![0];
  const action = decode(/action="([^"]*)"/.exec(tag)?.[1] ?? '');
  const fields: Record<string, string> = {};
  for (const im of m[0].matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(im[0])?.[1];
    const value = /value="([^"]*)"/.exec(im[0])?.[1] ?? '';
    if (name && /type="hidden"/.test(im[0])) fields[decode(name)] = decode(value);
  }
  return { action: new URL(action, base).toString(), fields };
}

export async function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/**
 * From a page that hands off to the ACS (an auto-posting form), goes through the ACS with the given
 * answer and posts the PaRes back to TermUrl; returns the TermUrl response (a redirect, usually).
 */
export async function passAcs(handoffHtml: string, handoffUrl: string, answer: { approve: boolean } | { otp: string }): Promise<Response> {
  const handoff = parseForm(handoffHtml, handoffUrl);
  const acsPage = await postForm(handoff.action, handoff.fields);
  if (acsPage.status !== 200) throw new Error(`ACS page answered ${acsPage.status}`);
  const acsHtml = await acsPage.text();
  const acsForm = parseForm(acsHtml, handoff.action, 'acs');
  const fields = {
    ...acsForm.fields,
    ...('otp' in answer ? { action: 'otp', otp: answer.otp } : { action: answer.approve ? 'approve' : 'decline' }),
  };
  const back = await postForm(acsForm.action, fields);
  const backHtml = await back.text();
  if (!/PaRes/.test(backHtml)) return new Response(backHtml, { status: back.status });
  const term = parseForm(backHtml, acsForm.action);
  return postForm(term.action, term.fields);
}
