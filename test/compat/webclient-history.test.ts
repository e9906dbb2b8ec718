// 10,000 messages in one channel, in the web client (Debian's chromium, real node): the list is
// virtualised (the DOM holds a window of rows, not the history), and scrolling up loads older
// pages until the channel's first message, keeping the reader's place each time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBrowser } from '../helpers/browser.js';
import { startTestNode } from '../helpers/node.js';
import { openSignedIn } from '../helpers/webclient.js';

const TOTAL = 10_000;
const PARALLEL = 16;

test('10,000 messages: only a window of rows is in the DOM, and scrolling up loads all older history', async (t) => {
  const { base, api } = await startTestNode(t);
  const errors: string[] = [];
  const { page: newPage, screenshot } = await startBrowser(t, errors);
  const owner = await api.register('historian');
  const guild = await api.createGuild(owner.token, 'Archive');

  // Seed through the API, 16 at a time (rate limits are off in tests).
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < TOTAL) {
        const i = next++;
        const res = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: `message ${i + 1} of ${TOTAL}` } });
        assert.equal(res.status, 200);
      }
    }),
  );
  const newest = (await api.request('GET', `/channels/${guild.textChannelId}/messages?limit=1`, { token: owner.token })).body[0];

  const page = await newPage();
  await openSignedIn(page, base, owner.token, `/channels/${guild.id}/${guild.textChannelId}`);
  // The newest message is shown at the bottom.
  await page.locator(`article[data-message-id="${newest.id}"]`).waitFor();
  const rowsAtStart = await page.locator('.message-row').count();
  assert.ok(rowsAtStart > 5 && rowsAtStart < 60, `a window of rows (${rowsAtStart})`);
  await screenshot(page, 'webclient-30-history-bottom');

  // Scroll to the top again and again: older pages load until the channel's start.
  const scroller = page.getByRole('log', { name: 'Messages in #general' });
  const start = page.getByRole('heading', { name: 'Welcome to #general!' });
  // One older page: the message that was at the top stays in view (the reader keeps their place).
  // (Measured before scrolling: on a busy machine the next page may land before a later read.)
  const firstPage = (await api.request('GET', `/channels/${guild.textChannelId}/messages?limit=100`, { token: owner.token })).body;
  const oldestLoaded = firstPage.at(-1).id as string;
  const heightBefore = await page.locator('.message-rows').evaluate((el) => el.getBoundingClientRect().height);
  await scroller.evaluate((el) => (el.scrollTop = 0));
  await page.waitForFunction((h) => (globalThis as any).document.querySelector('.message-rows').getBoundingClientRect().height > h, heightBefore);
  await page.waitForTimeout(100);
  const kept = page.locator(`article[data-message-id="${oldestLoaded}"]`);
  assert.equal(await kept.count(), 1, 'the former top message is still rendered after the page above it loaded');
  const top = await kept.evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 800, `and still on screen (top ${Math.round(top)} px)`);
  let maxRows = 0;
  let rounds = 0;
  const began = Date.now();
  while (!(await start.isVisible())) {
    await scroller.evaluate((el) => (el.scrollTop = 0));
    await page.waitForTimeout(40);
    maxRows = Math.max(maxRows, await page.locator('.message-row').count());
    if (++rounds > 2000) assert.fail('history never reached the first message');
  }
  const totalHeight = await page.locator('.message-rows').evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(totalHeight > TOTAL * 30, `the list spans all ${TOTAL} messages (${Math.round(totalHeight)} px)`);
  assert.ok(maxRows < 80, `never more than a window of rows in the DOM (max ${maxRows})`);
  assert.ok((await page.locator('article.message').count()) < 80);
  await page.getByText(`message 1 of ${TOTAL}`, { exact: true }).waitFor();
  await screenshot(page, 'webclient-31-history-top');
  t.diagnostic(`loaded ${TOTAL} messages by scrolling in ${Date.now() - began} ms over ${rounds} scrolls; max ${maxRows} rows in the DOM`);

  // Jump back to the bottom: the newest message renders again from the same list.
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.locator(`article[data-message-id="${newest.id}"]`).waitFor();
  assert.deepEqual(errors, []);
});
