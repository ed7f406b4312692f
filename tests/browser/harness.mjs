// What both browser test files share: their command-line arguments, the
// browser, and running named scenarios as TAP-like lines that
// tests/e2e/browser.rs counts ("ok - name" / "not ok - name").
import { chromium } from 'playwright-core';

export const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

export const base = arg('url', 'http://127.0.0.1:8080');

export const launch = () =>
  chromium.launch({
    executablePath: arg('chromium', process.env.CHROMIUM ?? '/usr/bin/chromium'),
    headless: true,
    args: ['--no-sandbox'],
  });

/** Runs each scenario, reports it, closes the browser and exits non-zero if any failed. */
export async function runScenarios(browser, scenarios) {
  let failed = 0;
  for (const [name, run] of Object.entries(scenarios)) {
    try {
      await run();
      console.log(`ok - ${name}`);
    } catch (e) {
      failed += 1;
      console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).split('\n').join('\n  ')}`);
    }
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
}
