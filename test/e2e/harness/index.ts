/** End-to-end test harness: a scratch n8n (pinned version from .cache/) with this package installed. */
export * from './n8nInstallation';
export * from './n8nInstance';
export * from './n8nServer';
export * from './executionResult';
export * from './linearWorkflow';
export { freePort, waitFor, WaitAborted } from './processes';
export * from './restRuns';
