/** The server's public API: the only import the Electron shell and the CLI use. */
export { startNode, type NodeHandle, type NodeStatus, type StartOptions } from './node.js';
export { loadConfig, maskConfig, ConfigError } from './config/load.js';
export type { HearthConfig } from './config/schema.js';
export { UnreachableServiceError } from './startup-errors.js';
