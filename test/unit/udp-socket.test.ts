import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindSocket, createMediaSocket } from '../../server/voice/media/udp-socket.js';

test('a media socket sends to an IP literal and to a host name alike', async () => {
  const receiver = createMediaSocket({ type: 'udp4' });
  const sender = createMediaSocket({ type: 'udp4' });
  try {
    await bindSocket(receiver, 0, '127.0.0.1');
    await bindSocket(sender, 0, '127.0.0.1');
    const got: string[] = [];
    const both = new Promise<void>((resolve) => {
      receiver.on('message', (msg) => {
        got.push(msg.toString());
        if (got.length === 2) resolve();
      });
    });
    const port = receiver.address().port;
    sender.send(Buffer.from('literal'), port, '127.0.0.1');
    sender.send(Buffer.from('name'), port, 'localhost');
    await both;
    assert.deepEqual(got.sort(), ['literal', 'name']);
  } finally {
    receiver.close();
    sender.close();
  }
});

test('a send to a name that does not resolve reports the error on the socket, not as a throw', async () => {
  const sender = createMediaSocket({ type: 'udp4' });
  try {
    await bindSocket(sender, 0, '127.0.0.1');
    const err = await new Promise<Error | null>((resolve) => sender.send(Buffer.from('x'), 9, 'no-such-host.invalid', (e) => resolve(e)));
    assert.ok(err, 'the callback gets the lookup error');
  } finally {
    sender.close();
  }
});

test('binding a port that is taken rejects', async () => {
  const first = createMediaSocket({ type: 'udp4' });
  const second = createMediaSocket({ type: 'udp4' });
  try {
    await bindSocket(first, 0, '127.0.0.1');
    await assert.rejects(bindSocket(second, first.address().port, '127.0.0.1'));
  } finally {
    first.close();
    second.close();
  }
});
