// Browser tests of the demo page (/app) in Debian's chromium, driven by
// playwright-core. Run by tests/e2e/browser.rs against a real `stafett demo`;
// by hand:
//
//   node app.test.mjs --url http://127.0.0.1:8080 [--out ../artifacts/browser] [--chromium /usr/bin/chromium]
//
// Each scenario saves screenshots in --out. Exits non-zero on the first
// failed check, naming it.
import { arg, base, launch, runScenarios } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const out = arg('out', 'screenshots');
mkdirSync(out, { recursive: true });

const browser = await launch();
const desktop = { viewport: { width: 1100, height: 900 }, locale: 'nb-NO' };
const phone = { viewport: { width: 375, height: 800 }, locale: 'nb-NO', isMobile: true, hasTouch: true };

async function loginAs(page, persona) {
  await page.goto(`${base}/app/`);
  await page.getByLabel('Velg person').selectOption(persona);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.locator('#whoami').filter({ hasText: 'Innlogget som' }).waitFor();
}

async function openEmma(page) {
  await page.getByRole('button', { name: /^Emma Nordmann/ }).click();
  await page.getByRole('heading', { name: 'Stafettloggen til Emma Nordmann' }).waitFor();
}

const scenarios = {
  async 'the guardian opens Emma\'s log and sees the goals, measures, meetings, messages and access log'() {
    // The coordinator looks first, so the family can see that she did.
    const coordinator = await (await browser.newContext(desktop)).newPage();
    await loginAs(coordinator, 'coordinator');
    await openEmma(coordinator);
    await coordinator.locator('.goal').first().waitFor();

    const page = await (await browser.newContext(desktop)).newPage();
    await loginAs(page, 'guardian');
    await openEmma(page);
    const goals = page.locator('.goal');
    await goals.first().waitFor();
    assert.ok((await goals.count()) > 0, 'goals are shown');
    assert.ok((await page.locator('.measure').count()) > 0, 'measures are shown');
    await assert.doesNotReject(page.getByText(/Frist:/).first().waitFor(), 'deadlines are shown');
    await page.getByRole('heading', { name: 'Møter' }).waitFor();
    await page.getByRole('heading', { name: 'Hvem har sett loggen vår' }).waitFor();
    await page.locator('#access-log tbody tr', { hasText: 'Ingrid Lærer' }).first().waitFor();
    await page.screenshot({ path: join(out, 'family-view.png'), fullPage: true });
    // Nora's closed log says why it closed.
    await page.getByRole('button', { name: /^Nora Nordmann/ }).click();
    await page.getByRole('heading', { name: 'Stafettloggen til Nora Nordmann' }).waitFor();
    await page.locator('#log .meta', { hasText: 'Avsluttet (målene er nådd: Målene er nådd.)' }).waitFor();
  },

  async 'the coordinator posts a message and it appears live for the guardian'() {
    const guardian = await (await browser.newContext(desktop)).newPage();
    await loginAs(guardian, 'guardian');
    await openEmma(guardian);
    await guardian.waitForFunction(() => document.body.dataset.live === 'on');

    const coordinator = await (await browser.newContext(desktop)).newPage();
    await loginAs(coordinator, 'coordinator');
    await openEmma(coordinator);
    const text = `Hei! Vi flytter møtet til torsdag. (${Date.now()})`;
    await coordinator.getByLabel('Skriv en melding til alle i loggen').fill(text);
    await coordinator.getByRole('button', { name: 'Send melding' }).click();
    await coordinator.locator('.message .body', { hasText: text }).waitFor({ timeout: 5000 });
    await coordinator.screenshot({ path: join(out, 'professional-view.png'), fullPage: true });

    // No reload: the message comes over the websocket.
    await guardian.locator('.message .body', { hasText: text }).waitFor({ timeout: 5000 });
    assert.equal(await guardian.locator('.message .body', { hasText: text }).count(), 1, 'the message arrives once');
    await guardian.locator('#messages').screenshot({ path: join(out, 'live-message.png') });
  },

  async 'the unit admin\'s page asks only for what her role may read'() {
    const page = await (await browser.newContext(desktop)).newPage();
    // Every GraphQL answer the page gets: none may carry a FORBIDDEN error,
    // since the page asks viewerPermissions first and @includes the rest.
    const forbidden = [];
    page.on('response', async (res) => {
      if (!res.url().endsWith('/graphql') || res.request().method() !== 'POST') return;
      const body = await res.json().catch(() => ({}));
      for (const e of body.errors ?? []) forbidden.push(`${e.extensions?.code} at ${e.path?.join('.')}`);
    });
    await loginAs(page, 'unitadmin');
    await openEmma(page);
    await page.getByRole('heading', { name: 'Mål og tiltak' }).waitFor();
    await page.locator('section', { has: page.getByRole('heading', { name: 'Mål og tiltak' }) })
      .locator('.denied').waitFor();
    assert.equal(await page.locator('.goal').count(), 0, 'no goals');
    assert.equal(await page.locator('#message-body').count(), 0, 'no message form for a role that may not post');
    assert.deepEqual(forbidden, [], 'the page asked for nothing it may not read');
    assert.ok(!/\bnull\b/.test(await page.locator('#log').innerText()), 'no section left out shows as "null"');
  },

  async 'the unconsented PPT adviser sees no content'() {
    const page = await (await browser.newContext(desktop)).newPage();
    await loginAs(page, 'unconsented');
    // The zero counts below hold for a page that has not rendered yet too:
    // first wait until it shows this persona's own state, her name and a
    // list of logs that is empty (rendered after the listing came back).
    await page.locator('#whoami', { hasText: 'Innlogget som Petter PPT' }).waitFor();
    await page.locator('#logs .empty', { hasText: 'Du har ingen stafettlogger du har tilgang til.' }).waitFor();
    assert.equal(await page.locator('#logs button').count(), 0, 'no log to open');
    assert.ok(await page.locator('#log').isHidden(), 'no log is shown');
    assert.equal(await page.locator('.goal').count(), 0, 'no goals');
    assert.equal(await page.locator('.measure').count(), 0, 'no measures');
    assert.equal(await page.locator('.message').count(), 0, 'no messages');
    assert.equal(await page.locator('#access-log').count(), 0, 'no access log');
    const body = await page.locator('main').innerText();
    assert.ok(!body.includes('Emma'), 'not even the child\'s name');
    await page.screenshot({ path: join(out, 'unconsented-view.png'), fullPage: true });
  },

  async 'the unit admin sees who works in the units of her municipality; the family and the coordinator do not'() {
    const page = await (await browser.newContext(desktop)).newPage();
    await loginAs(page, 'unitadmin');
    const staff = page.locator('#staff');
    await staff.getByRole('heading', { name: 'Ansatte' }).waitFor();
    await staff.getByRole('heading', { name: 'Nordby skole' }).waitFor();
    await staff.locator('li', { hasText: 'Ingrid Lærer' }).first().waitFor();
    await staff.locator('li', { hasText: 'Hanne Helsesøster' }).first().waitFor();
    assert.equal(await staff.locator('li', { hasText: 'Øystein' }).count(), 0, 'no one of Østby');
    await page.screenshot({ path: join(out, 'staff-view.png'), fullPage: true });

    for (const persona of ['guardian', 'coordinator']) {
      const other = await (await browser.newContext(desktop)).newPage();
      await loginAs(other, persona);
      await other.locator('#logs button').first().waitFor();
      assert.ok(await other.locator('#staff').isHidden(), `no staff list for the ${persona}`);
      assert.equal(await other.locator('#staff li').count(), 0, `no staff for the ${persona}`);
    }
  },

  async 'the unit admin of another municipality sees her own school and nothing of Nordby'() {
    const page = await (await browser.newContext(desktop)).newPage();
    await loginAs(page, 'othermunicipality');
    await page.locator('#logs .empty', { hasText: 'Du har ingen stafettlogger du har tilgang til.' }).waitFor();
    const staff = page.locator('#staff');
    await staff.getByRole('heading', { name: 'Østby skole' }).waitFor();
    await staff.locator('li', { hasText: 'Øystein Lærer' }).waitFor();
    await staff.locator('li', { hasText: 'Åse Østby' }).waitFor();
    const body = await page.locator('main').innerText();
    for (const name of ['Nordby', 'Emma', 'Ingrid', 'Hanne', 'Ulla']) {
      assert.ok(!body.includes(name), `nothing of Nordby (${name})`);
    }
  },

  async 'a link carries only an id: it opens the message\'s log, marked, for those who may read it'() {
    const coordinator = await (await browser.newContext(desktop)).newPage();
    await loginAs(coordinator, 'coordinator');
    await openEmma(coordinator);
    const text = `Se denne meldingen. (${Date.now()})`;
    await coordinator.getByLabel('Skriv en melding til alle i loggen').fill(text);
    await coordinator.getByRole('button', { name: 'Send melding' }).click();
    const posted = coordinator.locator('.message', { hasText: text });
    await posted.waitFor({ timeout: 5000 });
    const id = await posted.getAttribute('data-id');

    // The guardian follows the link: `node` names the message and its log.
    const guardian = await (await browser.newContext(desktop)).newPage();
    await guardian.goto(`${base}/app/#${id}`);
    await guardian.getByLabel('Velg person').selectOption('guardian');
    await guardian.getByRole('button', { name: 'Logg inn' }).click();
    await guardian.getByRole('heading', { name: 'Stafettloggen til Emma Nordmann' }).waitFor();
    await guardian.locator('.message.linked', { hasText: text }).waitFor({ timeout: 5000 });

    // The unit admin may not read messages: the id answers null, as a
    // random one would, and the page says the link leads nowhere for her.
    const admin = await (await browser.newContext(desktop)).newPage();
    await admin.goto(`${base}/app/#${id}`);
    await admin.getByLabel('Velg person').selectOption('unitadmin');
    await admin.getByRole('button', { name: 'Logg inn' }).click();
    await admin.locator('#status', { hasText: 'Lenken peker ikke på noe du har tilgang til.' }).waitFor();
    assert.equal(await admin.locator('.linked').count(), 0, 'nothing is marked');
  },

  async 'the language switch shows the page in English and the choice is the person\'s own'() {
    // Kari (guardian2) is in no other scenario: her language changes nothing there.
    const page = await (await browser.newContext(desktop)).newPage();
    await loginAs(page, 'guardian2');
    await page.getByLabel('Språk / Language').selectOption('EN');
    await page.locator('#whoami').filter({ hasText: 'Signed in as' }).waitFor();
    // The page is drawn again, with the log that was open.
    await page.getByRole('heading', { name: /^The log of/ }).waitFor();
    await page.getByRole('button', { name: /^Emma Nordmann/ }).click();
    await page.getByRole('heading', { name: 'The log of Emma Nordmann' }).waitFor();
    await page.getByRole('heading', { name: 'Meetings' }).waitFor();
    await page.getByRole('button', { name: 'To your calendar (.ics)' }).first().waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.screenshot({ path: join(out, 'english-view.png'), fullPage: true });
    // Stored with her: a new sign-in is in English from the start, in nynorsk after the switch.
    const again = await (await browser.newContext(desktop)).newPage();
    await again.goto(`${base}/app/`);
    await again.getByLabel('Velg person').selectOption('guardian2');
    await again.getByRole('button', { name: 'Logg inn' }).click();
    await again.locator('#whoami').filter({ hasText: 'Signed in as' }).waitFor();
    assert.equal(await again.locator('#language').inputValue(), 'EN');
    await again.getByLabel('Språk / Language').selectOption('NN');
    await again.locator('#whoami').filter({ hasText: 'Innlogga som' }).waitFor();
    await again.getByLabel('Språk / Language').selectOption('NB');
    await again.locator('#whoami').filter({ hasText: 'Innlogget som' }).waitFor();
  },

  async 'the page works on a phone-width screen and by keyboard'() {
    const page = await (await browser.newContext(phone)).newPage();
    await page.goto(`${base}/app/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'nb');
    // Keyboard only: the skip link, then the persona picker, then the button.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Hopp til innholdet');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'persona');
    await page.locator('#persona').selectOption('guardian');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Stafettloggen til/ }).waitFor();
    await openEmma(page);
    await page.locator('.goal').first().waitFor();
    // Every form control has a label.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')].filter((e) => e.labels.length === 0).map((e) => e.id));
    assert.deepEqual(unlabelled, [], 'unlabelled controls');
    // Nothing wider than the screen.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the page is ${width}px wide on a 375px screen`);
    await page.screenshot({ path: join(out, 'phone-view.png'), fullPage: true });
  },
};

await runScenarios(browser, scenarios);
