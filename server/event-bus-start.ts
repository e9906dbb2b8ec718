import type { Logger } from 'pino';
import type { HearthConfig } from './config/schema.js';
import type { EventBus } from './events/bus.js';
import { LocalBus } from './events/local-bus.js';
import { maskAmqpUrl } from './events/rabbitmq-probe.js';
import { BrokerUnreachableError, RabbitBus } from './events/rabbitmq-bus.js';
import { EXIT_BROKER_UNREACHABLE, UnreachableServiceError } from './startup-errors.js';

/**
 * The node's bus: RabbitMQ when `rabbitmqUrl` is configured (several nodes on one database),
 * else in-process. `onResync` registers what to do after a broker reconnect (no-op locally).
 */
export async function startEventBus(config: HearthConfig, logger: Logger): Promise<{ bus: EventBus; onResync: (fn: () => void) => void }> {
  const onListenerError = (err: unknown) => logger.error({ err }, 'event listener failed');
  if (!config.rabbitmqUrl) return { bus: new LocalBus(onListenerError), onResync: () => undefined };
  try {
    const bus = await RabbitBus.open({
      url: config.rabbitmqUrl,
      exchange: config.rabbitmqExchange,
      onListenerError,
      onWarning: (message) => logger.warn({ service: 'bus' }, message),
    });
    return { bus, onResync: (fn) => void bus.onResync(fn) };
  } catch (err) {
    if (!(err instanceof BrokerUnreachableError)) throw err;
    throw new UnreachableServiceError(`cannot connect to HEARTH_RABBITMQ_URL (${maskAmqpUrl(config.rabbitmqUrl)}): ${err.message}`, EXIT_BROKER_UNREACHABLE);
  }
}
