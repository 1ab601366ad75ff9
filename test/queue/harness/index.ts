/** n8n in queue mode (main, workers, Redis, PostgreSQL) for the queue suite and the queue benchmark. */
export * from './queueStack';
export * from './queueWorker';
export * from './services';
export * from './communityPackage';
export { stopAllNow, trackFolder } from './cleanup';
