// Runs once per server before its tests: makes the roles' users and permissions through the API, logs each role in
// through the login form, and keeps their browser state and API tokens for every test.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { test as setup } from './fixtures';
import { LoginPage } from './pages/LoginPage';
import { NetBoxApi } from './support/api';
import { ROLES, storageStateOf, tokensFileOf, type RoleName } from './support/roles';

setup('log in every role', async ({ browser, baseURL, server, problems }) => {
  const adminToken = await NetBoxApi.provisionToken(baseURL!, ROLES.admin.username, ROLES.admin.password);
  const admin = await NetBoxApi.open(baseURL!, adminToken);
  const tokens: Partial<Record<RoleName, string>> = { admin: adminToken };
  for (const [name, role] of Object.entries(ROLES) as [RoleName, (typeof ROLES)[RoleName]][]) {
    if (role.permissions.length) {
      const user = await admin.post<{ id: number }>('/api/users/users/', {
        username: role.username,
        password: role.password,
        is_active: true,
      });
      for (const [index, permission] of role.permissions.entries()) {
        await admin.post('/api/users/permissions/', {
          name: `e2e ${name} ${index + 1}`,
          actions: permission.actions,
          object_types: permission.objectTypes,
          users: [user.id],
        });
      }
    }
    tokens[name] ??= await NetBoxApi.provisionToken(baseURL!, role.username, role.password);

    const context = await browser.newContext({ baseURL });
    problems.watch(context);
    const login = new LoginPage(await context.newPage());
    await login.logIn(role.username, role.password);
    const statePath = storageStateOf(server, name);
    mkdirSync(path.dirname(statePath), { recursive: true });
    await context.storageState({ path: statePath });
    await context.close();
  }
  writeFileSync(tokensFileOf(server), JSON.stringify(tokens));
  await admin.dispose();
});
