// The child's output as the dashboard sees it: pino lines keep level and message, other lines
// are plain text, chunks are split into whole lines, the ring keeps the latest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter, LogRing, parseLogLine } from '../../app/main/log-lines.js';

test('pino JSON lines keep their level, time and message (with the error message)', () => {
  assert.deepEqual(parseLogLine('{"level":40,"time":1700000000000,"msg":"slow query"}', 'stderr', 5), { time: 1700000000000, source: 'stderr', level: 'warn', message: 'slow query' });
  assert.deepEqual(parseLogLine('{"level":50,"msg":"request failed","err":{"message":"boom"}}', 'stderr', 5), { time: 5, source: 'stderr', level: 'error', message: 'request failed: boom' });
  assert.equal(parseLogLine('{"level":10,"msg":"x"}', 'stdout', 5).level, 'trace');
});

test('other lines are plain text: info on stdout, error on stderr; broken JSON stays text', () => {
  assert.deepEqual(parseLogLine('[hearth] listening', 'stdout', 7), { time: 7, source: 'stdout', level: 'info', message: '[hearth] listening' });
  assert.equal(parseLogLine('Segmentation fault', 'stderr', 7).level, 'error');
  assert.equal(parseLogLine('{"level":"30"', 'stdout', 7).message, '{"level":"30"');
  assert.equal(parseLogLine('{"msg":"no level"}', 'stdout', 7).message, '{"msg":"no level"}');
});

test('LineSplitter joins chunks into whole lines and flushes the last partial one', () => {
  const lines: string[] = [];
  const split = new LineSplitter((l) => lines.push(l));
  split.push('first li');
  split.push('ne\r\nsecond\n\nthi');
  assert.deepEqual(lines, ['first line', 'second']);
  split.push('rd');
  split.flush();
  assert.deepEqual(lines, ['first line', 'second', 'third']);
});

test('LogRing keeps only the latest lines', () => {
  const ring = new LogRing(3);
  for (let i = 0; i < 5; i++) ring.push({ time: i, source: 'host', level: 'info', message: String(i) });
  assert.deepEqual(ring.list().map((l) => l.message), ['2', '3', '4']);
});
