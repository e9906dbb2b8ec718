import type { NodeRepository } from '../../db/repositories/nodes.js';
import type { VoiceOwnerRepository } from '../../db/repositories/voice-owners.js';

/** How long a claim lives without renewal: a dead node's channels are free again after it. */
export const VOICE_CLAIM_TTL_MS = 30_000;

/**
 * Which node hosts each active voice channel, so that every member of a channel is sent to the
 * same voice server whichever node their main gateway session is on. The first node a member
 * joins through claims the channel (`voice_channel_owners`, INSERT … ON CONFLICT), renews the
 * claim while the channel has members and deletes it when the channel empties; a claim not
 * renewed for 30 s (its node died) is taken over by the next join.
 */
export class VoiceChannelOwners {
  private readonly owned = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private started: Promise<void>;
  /** Runs after each renewal round (the voice states drop those of dead nodes). */
  onTick: (() => Promise<void>) | undefined;

  constructor(
    private readonly repo: VoiceOwnerRepository,
    private readonly nodes: NodeRepository,
    readonly nodeId: string,
    /** Whether a channel still has members (anywhere in the deployment). */
    private readonly active: (channelId: string) => boolean,
    private readonly onError: (err: unknown) => void,
    private readonly ttlMs = VOICE_CLAIM_TTL_MS,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(1000, Math.floor(ttlMs / 3)));
    this.timer.unref();
    // Alive from the start: other nodes keep the voice states of live nodes only.
    this.started = this.nodes.beat(this.nodeId, this.ttlMs).catch(this.onError);
  }

  /** Whether this node holds the claim on `channelId`. */
  owns(channelId: string): boolean {
    return this.owned.has(channelId);
  }

  /** The nodes among `nodeIds` that are alive (heartbeat renewed within the claim TTL). */
  alive(nodeIds: readonly string[]): Promise<Set<string>> {
    return this.nodes.liveNodes(nodeIds);
  }

  /**
   * The voice endpoint for members of `channelId`: the live owner's; else this node's, which
   * claims the channel, when it runs voice (`own`); else null (no node can host it).
   */
  async endpointFor(guildId: string, channelId: string, own: string | undefined): Promise<string | null> {
    if (own === undefined || this.closed) return (await this.repo.find(channelId))?.endpoint ?? null;
    const owner = await this.repo.claim(channelId, guildId, this.nodeId, own, this.ttlMs);
    if (owner?.nodeId === this.nodeId) this.owned.add(channelId);
    return owner?.endpoint ?? own;
  }

  /** A channel emptied: its claim, if this node holds it, is released. */
  emptied(channelId: string): void {
    if (!this.owned.delete(channelId)) return;
    this.repo.release(this.nodeId, [channelId]).catch(this.onError);
  }

  /** Stops renewing and releases every claim of this node. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const ids = [...this.owned];
    this.owned.clear();
    await this.started;
    await this.repo.release(this.nodeId, ids).catch(this.onError);
    await this.nodes.forget(this.nodeId).catch(this.onError);
  }

  private async renew(): Promise<void> {
    const ids = [...this.owned];
    const idle = ids.filter((id) => !this.active(id));
    for (const id of idle) this.owned.delete(id);
    try {
      await this.nodes.beat(this.nodeId, this.ttlMs);
      await this.repo.release(this.nodeId, idle);
      await this.repo.renew(this.nodeId, [...this.owned], this.ttlMs);
      await this.onTick?.();
    } catch (err) {
      this.onError(err);
    }
  }
}
