/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// test/queue starts n8n main + two workers and runs alone, after the rest: `npm run test:queue`.
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/queue/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// Each suite starts its own loopback portal; two workers suit the 2-core machines we run on.
	maxWorkers: 2,
	testTimeout: 30_000,
};
