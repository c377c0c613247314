// The suite's own guard: a test that saw a console error, a page error or a failed request must not pass silently.
import { expect, test } from '../fixtures';

/** Makes the page produce one problem of each kind the guard watches for. */
async function provokeProblems(page: import('@playwright/test').Page) {
  await page.evaluate(async () => {
    console.error('deliberate console error');
    setTimeout(() => {
      throw new Error('deliberate page error');
    });
    await fetch('/api/plugins/netbox-attachments/no-such-endpoint/');
    await fetch('http://127.0.0.1:9/unreachable').catch(() => undefined);
  });
}

const EVERY_KIND = [
  expect.stringMatching(/^console error: deliberate console error/),
  expect.stringMatching(/^page error: deliberate page error/),
  expect.stringMatching(/^HTTP 404: GET .*\/no-such-endpoint\/$/),
  expect.stringMatching(/^request failed: GET http:\/\/127\.0\.0\.1:9\/unreachable: net::ERR_/),
];
const DELIBERATE = /deliberate|no-such-endpoint|status of 404|unreachable/;

test('problems a test announces beforehand are recorded and do not fail it', async ({ page, problems }) => {
  await page.goto('/');
  expect(problems.unexpected()).toEqual([]);
  problems.allow(DELIBERATE);

  await provokeProblems(page);

  await expect.poll(() => problems.all()).toEqual(expect.arrayContaining(EVERY_KIND));
  expect(problems.unexpected()).toEqual([]);
});

test('a problem nobody announced fails the test', async ({ page, problems }) => {
  // Expected to fail, in the guard's check after the test: if it passed, the guard would be letting problems by.
  test.fail();
  await page.goto('/');
  await page.evaluate(() => console.error('deliberate console error'));
  await expect.poll(() => problems.unexpected()).toEqual([expect.stringMatching(/deliberate console error/)]);
});

test('announcing a problem after it happened does not excuse it', async ({ page, problems }) => {
  test.fail();
  await page.goto('/');
  await provokeProblems(page);
  await expect.poll(() => problems.unexpected()).toEqual(expect.arrayContaining(EVERY_KIND));
  problems.allow(DELIBERATE);
  expect(problems.unexpected()).toEqual(expect.arrayContaining(EVERY_KIND));
});
