// Child-process side of `npm run bench:messages`: runs the node in its own process (own event
// loop, own core) so that the load generator in the parent does not share its event loop.
// Protocol over the IPC channel: child → {type:'ready', baseUrl, databaseUrl} | {type:'error', message};
// parent → {type:'stop'} | {type:'stats'} (answered with {type:'stats', queries, memory, sessions}). The child
// also stops when the parent goes away (IPC disconnect).
import { startBenchNode, type BenchNode } from './node-host.js';

const dataDir = process.argv[2];
if (!dataDir || !process.send) {
  console.error('usage: forked by bench/messages.ts with <dataDir> and an IPC channel');
  process.exit(2);
}
const send = (message: unknown): void => void process.send?.(message);

let started: BenchNode | undefined;
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await started?.node.stop();
  } finally {
    process.disconnect?.();
    // process.exit (not a kill) so that --cpu-prof can write its profile.
    process.exit(code);
  }
}

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'stop') void stop(0);
  else if (message?.type === 'stats') {
    // With --expose-gc (bench/gateway.ts) the heap is collected first, so figures are live memory.
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    send({ type: 'stats', queries: started?.queryCount() ?? 0, memory: { rss, heapUsed, external, arrayBuffers }, sessions: started?.node.status().gatewaySessions ?? 0 });
  }
});
process.on('disconnect', () => void stop(0));

try {
  started = await startBenchNode(dataDir);
  send({ type: 'ready', baseUrl: started.baseUrl, databaseUrl: started.databaseUrl, pid: process.pid });
} catch (err) {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  await stop(1);
}
