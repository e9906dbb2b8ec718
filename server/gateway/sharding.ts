/** A session's `shard: [shard_id, num_shards]`. */
export type Shard = readonly [id: number, count: number];

/** Parses IDENTIFY's `shard`; undefined when absent, null when invalid (close 4010). */
export function parseShard(value: unknown): Shard | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [id, count] = value as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count)) return null;
  if ((count as number) < 1 || (id as number) < 0 || (id as number) >= (count as number)) return null;
  return [id as number, count as number];
}

/** Discord's formula: `shard_id = (guild_id >> 22) % num_shards`. */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** Whether a session on `shard` receives events of `guildId`; DMs (no guild) go to shard 0 only. */
export function inShard(shard: Shard | undefined, guildId: string | undefined): boolean {
  if (!shard || shard[1] === 1) return true;
  if (guildId === undefined) return shard[0] === 0;
  return shardOfGuild(guildId, shard[1]) === shard[0];
}
