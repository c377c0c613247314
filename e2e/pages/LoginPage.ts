import { expect, type Page } from '@playwright/test';

/** NetBox's login form. */
export class LoginPage {
  constructor(readonly page: Page) {}

  async logIn(username: string, password: string) {
    await this.page.goto('/login/');
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign In' }).click();
    await expect(this.page).not.toHaveURL(/\/login\//);
  }
}
