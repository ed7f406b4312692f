// The demo page keeps its live updates across token expiry, in Debian's
// chromium (playwright-core). The page asks for 6-second tokens (`?ttl=6`),
// so several expire during a scenario. Run by tests/e2e/browser.rs; by hand:
//
//   node renewal.test.mjs --url http://127.0.0.1:8080 [--chromium /usr/bin/chromium]
import { base, launch, runScenarios } from './harness.mjs';
import assert from 'node:assert/strict';

// Short enough that several tokens expire in a scenario, long enough that a
// page on a loaded CI machine (every e2e test at once) can use one: with 4 s
// the first scenario once timed out there while its log was opening.
const TTL = 6;

const browser = await launch();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The guardian's page on Emma's log, live; with the log's id. */
async function guardianOnEmma(context) {
  const page = await context.newPage();
  await page.goto(`${base}/app/?persona=guardian&ttl=${TTL}`);
  const emma = page.getByRole('button', { name: /^Emma Nordmann/ });
  await emma.click();
  await page.getByRole('heading', { name: 'Stafettloggen til Emma Nordmann' }).waitFor({ timeout: 60000 });
  await page.waitForFunction(() => document.body.dataset.live === 'on');
  return { page, logId: await emma.getAttribute('data-log') };
}

/** The coordinator posts to the log over HTTP, with a token of her own. */
async function post(logId, body) {
  const { token } = await (await fetch(`${base}/app/token/coordinator`)).json();
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }',
      variables: { i: { logId, body } },
    }),
  });
  const answer = await res.json();
  assert.ok(answer.data?.postMessage?.message, `posted: ${JSON.stringify(answer)}`);
}

async function seesLive(page, logId, text) {
  await post(logId, text);
  await page.locator('.message .body', { hasText: text }).waitFor({ timeout: 5000 });
  assert.equal(await page.locator('.message .body', { hasText: text }).count(), 1, 'the message arrives once');
}

const scenarios = {
  async 'the page renews its token before it expires and stays live'() {
    const context = await browser.newContext({ locale: 'nb-NO' });
    let tokens = 0;
    context.on('request', (r) => { if (r.url().includes('/app/token/guardian')) tokens += 1; });
    const { page, logId } = await guardianOnEmma(context);
    // Every change of the live state, from now on.
    await page.evaluate(() => {
      window.liveStates = [];
      new MutationObserver(() => window.liveStates.push(document.body.dataset.live))
        .observe(document.body, { attributes: true, attributeFilter: ['data-live'] });
    });
    // Two and a half lifetimes.
    await sleep(TTL * 2500);
    await seesLive(page, logId, `Etter tre tokener (${Date.now()})`);
    assert.ok(tokens >= 3, `tokens fetched: ${tokens}`);
    // Moved to each new token before the old one expired: never closed by the server.
    const states = await page.evaluate(() => window.liveStates);
    assert.ok(!states.includes('off'), `the live updates were interrupted: ${states}`);
    await context.close();
  },

  async 'a token that expired unrenewed is replaced, not retried, and the page is live again'() {
    const context = await browser.newContext({ locale: 'nb-NO' });
    // The token endpoint fails after the login's token, so that token
    // expires (the server closes the socket with 4403) and the page cannot
    // get a new one until it is unblocked.
    let asked = 0;
    let unblocked = false;
    let refusedTokens = 0;
    await context.route('**/app/token/**', (route) => {
      asked += 1;
      if (asked === 1 || unblocked) return route.continue();
      refusedTokens += 1;
      return route.fulfill({ status: 503, body: 'unavailable' });
    });
    const { page, logId } = await guardianOnEmma(context);
    let sockets = 0;
    page.on('websocket', () => { sockets += 1; });
    await sleep(TTL * 1000 + 2000);
    assert.equal(await page.evaluate(() => document.body.dataset.live), 'off', 'the server closed the expired socket');
    assert.equal(sockets, 0, 'no reconnect with the expired token');
    assert.ok(refusedTokens >= 2, `renewal retried: ${refusedTokens}`);
    assert.ok(refusedTokens <= 4, `renewal backs off: ${refusedTokens} tries in ${TTL + 2} s`);
    unblocked = true;
    await page.waitForFunction(() => document.body.dataset.live === 'on', null, { timeout: 15000 });
    assert.equal(sockets, 1, 'one new socket, with the new token');
    await seesLive(page, logId, `Etter en utløpt token (${Date.now()})`);
    await context.close();
  },

  async 'when no new token can be had, the page says so and stops asking'() {
    const context = await browser.newContext({ locale: 'nb-NO' });
    let asked = 0;
    await context.route('**/app/token/**', (route) => {
      asked += 1;
      return asked === 1 ? route.continue() : route.fulfill({ status: 503, body: 'unavailable' });
    });
    const { page } = await guardianOnEmma(context);
    let sockets = 0;
    page.on('websocket', () => { sockets += 1; });
    // Tries after 2 s (the renewal), then 1, 2, 4 and 8 s later: 17 s.
    await page.locator('#status', { hasText: 'innloggingen kunne ikke fornyes' }).waitFor({ timeout: 25000 });
    const tries = asked - 1;
    assert.equal(tries, 5, 'five tries to renew');
    await sleep(5000);
    assert.equal(asked - 1, tries, 'no tries after giving up');
    assert.equal(sockets, 0, 'no reconnect with the expired token');
    assert.equal(await page.evaluate(() => document.body.dataset.live), 'off');
    await context.close();
  },
};

await runScenarios(browser, scenarios);
