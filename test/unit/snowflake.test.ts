// Snowflakes as Discord makes them (contract §3), cross-checked with discord.js's own decoder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SnowflakeUtil } from 'discord.js';
import { DISCORD_EPOCH, isSnowflake, SnowflakeGenerator, snowflakeFromTimestamp, snowflakeTimestamp } from '../../server/core/ids/snowflake.js';

test('the epoch is Discord’s (2015-01-01T00:00:00Z)', () => {
  assert.equal(DISCORD_EPOCH, BigInt(Date.parse('2015-01-01T00:00:00Z')));
  assert.equal(DISCORD_EPOCH, SnowflakeUtil.epoch);
});

test('ids made today are 19-digit strings that discord.js dates to now', () => {
  const gen = new SnowflakeGenerator();
  const before = Date.now();
  const id = gen.next();
  const after = Date.now();
  assert.equal(typeof id, 'string');
  assert.match(id, /^\d{19}$/);
  assert.match(id, /^\d{17,19}$/, '@discordjs/rest buckets only 17–19 digit ids');
  const ts = SnowflakeUtil.timestampFrom(id);
  assert.ok(ts >= before && ts <= after, `${ts} within [${before}, ${after}]`);
  assert.ok(isSnowflake(id));
});

test('10,000 ids in the same millisecond are distinct and strictly increasing', () => {
  const gen = new SnowflakeGenerator();
  const now = Date.parse('2025-06-01T12:00:00Z');
  let previous = -1n;
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const id = gen.next(now);
    const value = BigInt(id);
    assert.ok(value > previous, `id #${i} ${id} > ${previous}`);
    previous = value;
    seen.add(id);
  }
  assert.equal(seen.size, 10_000);
  // The 12-bit increment wraps after 4096 ids: time borrows a millisecond rather than repeat.
  assert.ok(snowflakeTimestamp(previous.toString()) - now <= 3, 'at most a few borrowed milliseconds');
});

test('a clock that steps back never produces a smaller id', () => {
  const gen = new SnowflakeGenerator();
  const now = Date.parse('2025-06-01T12:00:00Z');
  const a = BigInt(gen.next(now));
  const b = BigInt(gen.next(now - 60_000));
  const c = BigInt(gen.next(now + 1));
  assert.ok(a < b && b < c, `${a} < ${b} < ${c}`);
});

test('snowflakeTimestamp round-trips and agrees with discord.js', () => {
  const gen = new SnowflakeGenerator();
  for (const iso of ['2015-01-01T00:00:00.001Z', '2020-02-29T23:59:59.999Z', '2025-06-01T12:00:00.123Z', '2080-01-01T00:00:00Z']) {
    const ms = Date.parse(iso);
    const id = gen.next(ms);
    assert.equal(snowflakeTimestamp(id), ms, iso);
    assert.equal(SnowflakeUtil.timestampFrom(id), ms, iso);
    const bound = snowflakeFromTimestamp(ms);
    assert.equal(snowflakeTimestamp(bound), ms);
    assert.ok(BigInt(bound) <= BigInt(id), 'the bound of a time is ≤ every id of that time');
    assert.ok(BigInt(snowflakeFromTimestamp(ms + 1)) > BigInt(id), 'and the next millisecond’s bound is above it');
  }
  assert.equal(snowflakeTimestamp('175928847299117063'), 1462015105796, 'the example id of Discord’s docs');
});

test('worker and process ids land in bits 17–21 and 12–16', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  const parts = SnowflakeUtil.deconstruct(new SnowflakeGenerator(31, 5).next(now));
  assert.equal(parts.workerId, 31n);
  assert.equal(parts.processId, 5n);
  assert.equal(parts.increment, 0n);
  assert.equal(parts.timestamp, BigInt(now));
  assert.throws(() => new SnowflakeGenerator(32, 0), RangeError);
  assert.throws(() => new SnowflakeGenerator(0, -1), RangeError);
});

test('isSnowflake accepts digit strings below 2^63 only', () => {
  assert.ok(isSnowflake('0'));
  assert.ok(isSnowflake('9223372036854775807'));
  for (const bad of ['9223372036854775808', '99999999999999999999', '', 'abc', '-1', '1e5', ' 1', 123 as unknown, null]) {
    assert.equal(isSnowflake(bad), false, String(bad));
  }
});
