import type { Logger } from 'pino';
import type { HearthConfig } from './config/schema.js';
import { LocalBus } from './events/local-bus.js';
import { maskAmqpUrl } from './events/rabbitmq-probe.js';
import { BrokerUnreachableError, RabbitBus } from './events/rabbitmq-bus.js';
import { SwitchableBus } from './events/switchable-bus.js';
import { EXIT_BROKER_UNREACHABLE, UnreachableServiceError } from './startup-errors.js';

export interface NodeBus {
  /** The node's bus; its transport can change at runtime (the dashboard's RabbitMQ page). */
  bus: SwitchableBus;
  /** Opens a RabbitMQ transport on `url` (not yet in use); throws BrokerUnreachableError. */
  openRabbit(url: string): Promise<RabbitBus>;
  local(): LocalBus;
}

/**
 * The node's bus: RabbitMQ when `rabbitmqUrl` is configured (several nodes on one database),
 * else in-process; a configured broker that cannot be reached stops the start (exit 3).
 */
export async function startEventBus(config: HearthConfig, logger: Logger): Promise<NodeBus> {
  const onListenerError = (err: unknown) => logger.error({ err }, 'event listener failed');
  const local = () => new LocalBus(onListenerError);
  let bus: SwitchableBus | undefined;
  const openRabbit = async (url: string) => {
    const rabbit = await RabbitBus.open({
      url,
      exchange: config.rabbitmqExchange,
      onListenerError,
      onWarning: (message) => logger.warn({ service: 'bus' }, message),
    });
    // After a broker outage this node may have missed events: its sessions identify again.
    rabbit.onResync(() => {
      if (bus?.transport === rabbit) bus.resynced();
    });
    return rabbit;
  };
  if (!config.rabbitmqUrl) return { bus: (bus = new SwitchableBus(local(), onListenerError)), openRabbit, local };
  try {
    bus = new SwitchableBus(await openRabbit(config.rabbitmqUrl), onListenerError);
    return { bus, openRabbit, local };
  } catch (err) {
    if (!(err instanceof BrokerUnreachableError)) throw err;
    throw new UnreachableServiceError(`cannot connect to HEARTH_RABBITMQ_URL (${maskAmqpUrl(config.rabbitmqUrl)}): ${err.message}`, EXIT_BROKER_UNREACHABLE);
  }
}
