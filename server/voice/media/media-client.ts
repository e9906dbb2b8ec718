import type { RtpCipher } from './rtp-crypto.js';
import { ReplayWindow } from './rtp-crypto.js';

/**
 * The media side of one voice connection: its SSRC, its UDP address, its key. It outlives a
 * voice WebSocket that drops and resumes, so audio keeps flowing across a resume.
 */
export class MediaClient {
  remote: { address: string; port: number } | undefined;
  cipher: RtpCipher | undefined;
  readonly replay = new ReplayWindow();
  /** SPEAK in the channel and not server-muted. */
  canSend = true;
  /** Server-deafened: nothing is forwarded to it. */
  deaf = false;
  speaking = 0;

  constructor(
    readonly userId: string,
    readonly guildId: string,
    readonly ssrc: number,
  ) {}
}
