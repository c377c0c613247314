import type { Locator } from '@playwright/test';

/** The rows of a table whose attachment-name link reads exactly `name`. */
export function rowNamed(rows: Locator, name: string): Locator {
  return rows.filter({ has: rows.page().getByRole('link', { name, exact: true }) });
}
