// Way2Pay's P2P desk: requisites and pay-in confirmation through the admin API and in the dashboard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, shot } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { client, EMPTY, GEN1, W2P_SEED } from '../faces/way2pay/helpers.js';

describe.each(STORES)('Way2Pay operator tools on %s', (store) => {
  let h: TestGateway;
  let browser: Browser;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${h.url}/admin/api/faces/way2pay${path}`, {
      method,
      headers: { authorization: `Bearer ${h.gw.adminToken}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  beforeAll(async () => {
    h = await startTestGateway(store, W2P_SEED);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('adds requisites (a waiting pay-in gets one) and confirms pay-ins through the admin API', async () => {
    expect((await fetch(`${h.url}/admin/api/faces/way2pay/requisites?merchant=${EMPTY.merchantId}`)).status).toBe(401);
    const waiting = await client(h, EMPTY).createPayIn({
      externalID: 'adm-wait-1',
      currency: 'RUB',
      callbackURL: 'http://127.0.0.1:1/cb',
      description: 'x',
      amount: '500',
    });
    expect(waiting.status).toBe('CREATED');
    const added = await admin('POST', '/requisites', {
      merchant: EMPTY.merchantId,
      bank: 'SBER',
      kind: 'card',
      value: '2200123456789012',
      holder: 'Иванов Иван',
    });
    expect(added.status).toBe(201);
    expect(added.json.assigned).toBe(1);
    const list = await admin('GET', `/pay-ins?merchant=${EMPTY.merchantId}&status=PENDING`);
    expect(list.json.items.map((p: { externalId: string }) => p.externalId)).toContain('adm-wait-1');
    const id = list.json.items.find((p: { externalId: string }) => p.externalId === 'adm-wait-1').id;
    const short = await admin('POST', `/pay-ins/${id}/confirm`, { amount: '499.99' });
    expect(short.json.status).toBe('INCORRECT_AMOUNT');
    expect((await admin('POST', `/pay-ins/${id}/confirm`, {})).status).toBe(409);
    expect(
      (await admin('POST', '/requisites', { merchant: EMPTY.merchantId, kind: 'pigeon', bank: 'SBER', value: 'x', holder: 'y' })).status,
    ).toBe(400);
  });

  it('confirms a pay-in from the dashboard P2P page', async () => {
    const p = await client(h, GEN1).createPayIn({
      externalID: 'dash-p2p-1',
      currency: 'RUB',
      callbackURL: 'http://127.0.0.1:1/cb',
      description: 'x',
      amount: '1250.50',
    });
    const page = await browser.newPage();
    await page.goto(`${h.url}/dashboard/login`);
    await page.fill('#token', h.gw.adminToken);
    await Promise.all([page.waitForURL(`${h.url}/dashboard`), page.click('#sign-in')]);
    await page.goto(`${h.url}/dashboard/p2p?merchant=${GEN1.merchantId}&status=PENDING`);
    expect(await page.textContent('#payins')).toContain('dash-p2p-1');
    // the face's page is in the dashboard's navigation, marked as the current one
    expect(await page.getAttribute('nav.main a[href="/dashboard/p2p"]', 'aria-current')).toBe('page');
    await shot(page, 'dashboard-p2p');
    await Promise.all([page.waitForLoadState('load'), page.click(`#confirm-${p.id}`)]);
    await page.waitForSelector('#flash');
    expect(await page.textContent('#flash')).toBe(`Pay-in ${p.id}: COMPLETED.`);
    const after = await client(h, GEN1).getPayIn(p.id);
    expect(after.status).toBe('COMPLETED');
    await page.fill('#req-value', '+79991234567');
    await page.selectOption('#req-kind', 'phone');
    await page.fill('#req-holder', 'Петров Пётр');
    await Promise.all([page.waitForLoadState('load'), page.click('#req-add')]);
    expect(await page.textContent('#requisites')).toContain('+79991234567');
    await page.close();
  });
});
