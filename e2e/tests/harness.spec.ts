// The suite's own guard: a test that saw a console error, a page error or a failed request must not pass silently.
import { expect, test } from '../fixtures';

test('the guard records console errors, page errors, HTTP errors and network failures', async ({ page, problems }) => {
  await page.goto('/');
  expect(problems.unexpected()).toEqual([]);

  await page.evaluate(async () => {
    console.error('deliberate console error');
    setTimeout(() => {
      throw new Error('deliberate page error');
    });
    await fetch('/api/plugins/netbox-attachments/no-such-endpoint/');
    await fetch('http://127.0.0.1:9/unreachable').catch(() => undefined);
  });

  await expect
    .poll(() => problems.unexpected())
    .toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^console error: deliberate console error/),
        expect.stringMatching(/^page error: deliberate page error/),
        expect.stringMatching(/^HTTP 404: GET .*\/no-such-endpoint\/$/),
        expect.stringMatching(/^request failed: GET http:\/\/127\.0\.0\.1:9\/unreachable: net::ERR_/),
      ]),
    );
  // Announced problems no longer count; the rest still would.
  problems.allow(/deliberate|no-such-endpoint|status of 404|unreachable/);
  expect(problems.unexpected()).toEqual([]);
});
