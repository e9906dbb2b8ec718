import type { GatewayCloseCodes } from 'discord-api-types/v10';

/** Thrown by opcode handlers to close the socket with a Discord close code. */
export class GatewayCloseError extends Error {
  constructor(
    readonly code: GatewayCloseCodes,
    message: string,
  ) {
    super(message);
  }
}
