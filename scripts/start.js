#!/usr/bin/env node
// `npm start` — try the node the way a newcomer would: a stand-in portal and a local n8n editor with this
// package, a ready credential and examples/delete-lost-deals.json (Get Opportunities → Delete Opportunities).
// Stops (and cleans up) on Ctrl+C.
const { setUpDemo, step } = require('./lib/demoSetup');

const EDITOR_PORT = Number(process.env.N8N_PORT ?? 5678);
const PORTAL_PORT = Number(process.env.PORTAL_PORT ?? 8765);

async function main() {
	const { portal, n8n, workflow } = await setUpDemo({ portalPort: PORTAL_PORT });
	step(`Starting the n8n editor on http://localhost:${EDITOR_PORT}`);
	const server = await n8n.startServer({ port: EDITOR_PORT });
	await server.signInAsOwner();
	const stop = async () => {
		console.log('\nStopping n8n and the portal…');
		await n8n.cleanup();
		await portal.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	console.log(`
n8n is ready: http://localhost:${EDITOR_PORT}
  log in as        ${server.owner.email} / ${server.owner.password}
  open             the workflow "${workflow.name}", then Execute workflow
Stand-in ONLYOFFICE portal: ${portal.url}
  API token        ${portal.token}
  e-mail/password  ${portal.users.admin.email} / ${portal.users.admin.password}
Press Ctrl+C to stop (the scratch n8n is removed).`);
}

main().catch((error) => {
	console.error(`\n✖ ${error.message}`);
	process.exit(1);
});
