// The dashboard in Debian's chromium (playwright-core) against a real node: first run through
// the setup link, the overview's service switches, logs, moderation with a member's gateway
// watching, sign-out and a wrong password. Every page is saved to test-artifacts/screenshots/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { OWNER } from '../helpers/admin.js';
import { startBrowser } from '../helpers/browser.js';
import { GatewayClient } from '../helpers/gateway.js';
import { joinedUser, startTestNode } from '../helpers/node.js';

const INTENTS = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 9);

/** Waits until a service card shows `value` as its state. */
function state(page: Page, service: string, value: string): Promise<void> {
  return page.getByTestId(`state-${service}`).filter({ hasText: new RegExp(`^${value}$`) }).waitFor();
}

test('the dashboard: first run, service control, logs, moderation, sign-in errors', async (t) => {
  const { node, base, api } = await startTestNode(t);
  const errors: string[] = [];
  const { page: newPage, screenshot } = await startBrowser(t, errors);
  const page = await newPage();
  page.on('dialog', (dialog) => void dialog.accept());

  // Someone else's guild, with a member who wrote something.
  const owner = await api.register('guildowner');
  const guild = await api.createGuild(owner.token, 'Book Club');
  const member = await joinedUser(api, owner.token, guild.textChannelId, 'reader');
  await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: member.token, body: { content: 'Has anyone finished chapter 3?' } });

  // 1. First run: the setup link (token in the hash) → owner account → wizard → overview.
  assert.ok(node.setupLink);
  await page.goto(node.setupLink.replace(node.publicUrl, base));
  await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
  await page.getByLabel('Username').fill(OWNER.username);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill('short');
  await page.getByLabel('Date of birth').fill(OWNER.date_of_birth);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('.field-error').first().waitFor();
  await screenshot(page, '01-setup-error');
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Name and reach your server' }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the used token leaves the address bar');
  await page.getByLabel('Server name').fill('Family Hearth');
  await page.getByLabel(/The internet, at a public URL/).check();
  await page.getByRole('textbox', { name: 'Public URL' }).fill('https://chat.example.com');
  await screenshot(page, '02-setup-wizard');
  await page.getByRole('button', { name: 'Finish setup' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  assert.deepEqual(await node.core.adminSettings.get(), { server_name: 'Family Hearth', public_url: 'https://chat.example.com', lan_only: false });

  // 2. Overview: stop the gateway from its card; a client is refused; start it again.
  const gatewayState = page.getByTestId('state-gateway');
  await state(page, 'gateway', 'running');
  await screenshot(page, '03-overview');
  await page.getByRole('button', { name: 'Stop Gateway', exact: true }).click();
  await state(page, 'gateway', 'stopped');
  await assert.rejects(GatewayClient.connect(base), /503/);
  await page.getByRole('button', { name: 'Stop REST API', exact: true }).click();
  await state(page, 'api', 'stopped');
  assert.equal((await api.request('GET', '/gateway')).status, 503);
  await screenshot(page, '04-overview-stopped');
  await page.getByRole('button', { name: 'Start Gateway', exact: true }).click();
  await page.getByRole('button', { name: 'Start REST API', exact: true }).click();
  await state(page, 'api', 'running');
  assert.equal(await gatewayState.textContent(), 'running');
  const gw = await GatewayClient.connect(base);
  t.after(() => gw.close());
  await gw.identify(member.token, INTENTS);

  // 3. Logs: the switches above are there; the service filter narrows them.
  await page.getByRole('link', { name: 'Logs' }).click();
  await page.getByRole('cell', { name: 'gateway is stopped' }).waitFor();
  await page.getByLabel('Service').selectOption('api');
  await page.getByRole('cell', { name: 'api is stopped' }).waitFor();
  assert.equal(await page.getByRole('cell', { name: 'gateway is stopped' }).count(), 0);
  await screenshot(page, '05-logs');

  // 4. Moderation: the guild, its members, a ban that the member's gateway sees.
  await page.getByRole('link', { name: 'Moderation' }).click();
  await page.getByRole('link', { name: /Book Club/ }).waitFor();
  await screenshot(page, '06-moderation-guilds');
  await page.getByRole('link', { name: /Book Club/ }).click();
  await page.getByRole('heading', { name: 'Book Club' }).waitFor();
  await page.getByLabel('Search members').fill('rea');
  await page.locator('.member').nth(1).waitFor({ state: 'detached' });
  await page.getByLabel('Search members').fill('');
  await page.getByRole('button', { name: 'Ban reader' }).waitFor();
  await screenshot(page, '07-guild-members');
  await page.getByRole('button', { name: 'Ban reader' }).click();
  const banAdd = await gw.dispatch('GUILD_BAN_ADD');
  assert.equal(banAdd.d.user.id, member.id);
  await page.getByRole('button', { name: 'Ban reader' }).waitFor({ state: 'detached' });
  await page.getByTestId('member-count').filter({ hasText: /^1 member$/ }).waitFor();
  await page.getByRole('tab', { name: 'Bans' }).click();
  await page.getByRole('button', { name: 'Unban reader' }).waitFor();
  await screenshot(page, '08-guild-bans');
  await page.getByRole('tab', { name: 'Channels' }).click();
  await page.getByText('Has anyone finished chapter 3?').waitFor();
  await screenshot(page, '09-guild-channels');
  await page.getByRole('tab', { name: 'Audit log' }).click();
  await page.locator('.audit li').first().waitFor();
  assert.match((await page.locator('.audit li').first().textContent()) ?? '', /^owner banned reader/);
  await screenshot(page, '10-guild-audit');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Server name').waitFor();
  assert.equal(await page.getByLabel('Server name').inputValue(), 'Family Hearth');
  await screenshot(page, '11-settings');

  // 5. Narrow window: the navigation moves on top.
  await page.setViewportSize({ width: 800, height: 800 });
  await page.getByRole('link', { name: 'Overview' }).click();
  await state(page, 'cdn', 'running');
  await screenshot(page, '12-overview-800px');
  await page.setViewportSize({ width: 1280, height: 800 });

  // 6. Sign out; a wrong password shows its error next to the field; the right one signs in.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Hearth' }).waitFor();
  await page.getByLabel('Email or username').fill(OWNER.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const passwordError = page.locator('.field:has(input[name="password"]) .field-error');
  await passwordError.waitFor();
  assert.equal(await passwordError.textContent(), 'Login or password is invalid.');
  assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
  await screenshot(page, '13-login-wrong-password');
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();

  // Reloading a deep link keeps the session (cookie) and the page (SPA fallback).
  await page.goto(`${base}/admin/moderation/${guild.id}`);
  await page.getByRole('heading', { name: 'Book Club' }).waitFor();

  assert.deepEqual(errors, []);
});
