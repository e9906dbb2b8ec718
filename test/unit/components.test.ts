import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allComponents, parseComponents } from '../../server/core/components.js';
import { HttpError } from '../../server/core/errors.js';

const interactive = { interactive: true };

test('parseComponents keeps known fields only and numbers components without an id, around the ids given', () => {
  const rows = parseComponents(
    [
      { type: 1, components: [{ type: 2, style: 1, label: 'A', custom_id: 'a', id: 2, extra: 'dropped' }, { type: 2, style: 2, emoji: { name: '🔥', junk: 1 }, custom_id: 'b' }] },
      { type: 1, id: 7, components: [{ type: 3, custom_id: 'menu', options: [{ label: 'X', value: 'x', description: 'd', default: true }] }] },
    ],
    interactive,
  );
  assert.deepEqual(rows, [
    { type: 1, id: 1, components: [{ type: 2, id: 2, style: 1, label: 'A', custom_id: 'a' }, { type: 2, id: 3, style: 2, emoji: { name: '🔥' }, custom_id: 'b' }] },
    { type: 1, id: 7, components: [{ type: 3, id: 4, custom_id: 'menu', min_values: 1, max_values: 1, options: [{ label: 'X', value: 'x', description: 'd', default: true }] }] },
  ]);
  assert.deepEqual(allComponents(rows).map((c) => c.custom_id), ['a', 'b', 'menu']);
});

test('parseComponents reports every problem at once, each at its path', () => {
  try {
    parseComponents([{ type: 1, components: [{ type: 2, style: 1, custom_id: 'x'.repeat(101), label: 'l' }, { type: 2, style: 5, label: 'Link' }] }, { type: 9 }], interactive);
    assert.fail('expected a 50035');
  } catch (err) {
    assert.ok(err instanceof HttpError);
    assert.equal(err.code, 50035);
    const row0 = (err.errors as any).components['0'].components;
    assert.equal(row0['0'].custom_id._errors[0].code, 'BASE_TYPE_BAD_LENGTH');
    assert.equal(row0['1'].url._errors[0].code, 'BASE_TYPE_REQUIRED');
    assert.equal((err.errors as any).components['1'].type._errors[0].code, 'UNION_TYPE_CHOICES');
  }
});

test('parseComponents lets a sender without an application send link buttons only', () => {
  const link = [{ type: 1, components: [{ type: 2, style: 5, label: 'Site', url: 'https://example.org' }] }];
  assert.equal(parseComponents(link, { interactive: false }).length, 1);
  assert.throws(() => parseComponents([{ type: 1, components: [{ type: 2, style: 1, label: 'B', custom_id: 'b' }] }], { interactive: false }), (err: unknown) => err instanceof HttpError && err.code === 50035);
  assert.throws(() => parseComponents([{ type: 1, components: [{ type: 5, custom_id: 'users' }] }], { interactive: false }), (err: unknown) => err instanceof HttpError && err.code === 50035);
});
