/**
 * A service the configuration names could not be reached at start: the CLI prints the message
 * as one line and exits with `exitCode` (3: RabbitMQ, 4: the external PostgreSQL).
 */
export class UnreachableServiceError extends Error {
  override name = 'UnreachableServiceError';

  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export const EXIT_BROKER_UNREACHABLE = 3;
export const EXIT_DATABASE_UNREACHABLE = 4;
