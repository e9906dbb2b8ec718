// A discord.js + @discordjs/voice bot in its own process, driven over IPC by a test. Its own
// process because the voice gateway's certificate is trusted through NODE_EXTRA_CA_CERTS,
// which Node reads at start (the voice library's `ws` client takes no CA option).
import { AudioPlayerStatus, createAudioPlayer, createAudioResource, EndBehaviorType, entersState, joinVoiceChannel, StreamType, VoiceConnectionStatus } from '@discordjs/voice';
import { Client, GatewayIntentBits } from 'discord.js';
import { Readable } from 'node:stream';

type Command = { type: 'listen'; userId: string } | { type: 'play'; frames: number } | { type: 'report' } | { type: 'leave' };

const env = process.env;
const send = (message: unknown) => process.send!(message);

/** Opus frame `i`: a CELT FB 20 ms stereo TOC byte, then a marker and the counter. */
export function frame(i: number): Buffer {
  const buf = Buffer.alloc(40);
  buf[0] = 0xfc;
  buf.write('HEARTH', 1);
  buf.writeUInt32BE(i, 7);
  return buf;
}

async function main(): Promise<void> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], rest: { api: `${env.BASE}/api` } });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(env.TOKEN);
  await ready;
  const guild = client.guilds.cache.get(env.GUILD!)!;
  const connection = joinVoiceChannel({
    guildId: guild.id,
    channelId: env.CHANNEL!,
    adapterCreator: guild.voiceAdapterCreator,
    selfDeaf: false,
    selfMute: false,
    ...(env.DAVE === 'off' ? { daveEncryption: false } : {}),
  });
  connection.on('error', (err) => send({ type: 'error', message: String(err) }));
  await entersState(connection, VoiceConnectionStatus.Ready, 15_000);
  const received: number[] = [];
  let badPayloads = 0;
  const player = createAudioPlayer();
  connection.subscribe(player);
  send({ type: 'ready', userId: client.user!.id });

  process.on('message', (command: Command) => {
    if (command.type === 'listen') {
      const stream = connection.receiver.subscribe(command.userId, { end: { behavior: EndBehaviorType.Manual } });
      stream.on('data', (packet: Buffer) => {
        if (packet.length === 40 && packet.subarray(1, 7).toString() === 'HEARTH') received.push(packet.readUInt32BE(7));
        else if (!(packet.length === 3 && packet[0] === 0xf8)) badPayloads += 1; // 3-byte silence frames end a burst
      });
      stream.on('error', (err) => send({ type: 'error', message: `receive stream: ${String(err)}` }));
      send({ type: 'listening' });
    } else if (command.type === 'play') {
      const frames = Array.from({ length: command.frames }, (_, i) => frame(i));
      player.play(createAudioResource(Readable.from(frames), { inputType: StreamType.Opus }));
      player.once(AudioPlayerStatus.Idle, () => send({ type: 'played', mode: (connection.state as any).networking?.state?.connectionData?.encryptionMode }));
    } else if (command.type === 'report') {
      send({ type: 'report', received, badPayloads, mode: (connection.state as any).networking?.state?.connectionData?.encryptionMode });
    } else if (command.type === 'leave') {
      connection.destroy();
      void client.destroy().then(() => process.exit(0));
    }
  });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: String(err instanceof Error ? err.stack : err) });
  process.exit(1);
});
