// Lets plain-Node scripts (demo, start, bench) require the TypeScript test harness and the node's sources
// without a build step: each .ts file is transpiled on load with the project's own TypeScript. Types are
// checked by `npm run typecheck`, not here.
const fs = require('node:fs');
const ts = require('typescript');

// Node tries extensions in the order they were registered. `.ts` goes before `.json`, so that
// require('./X.node') loads X.node.ts rather than the node's codex file X.node.json.
const loadJson = require.extensions['.json'];
delete require.extensions['.json'];
require.extensions['.ts'] = (module, filename) => {
	const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
			inlineSourceMap: true,
		},
	});
	module._compile(outputText, filename);
};
require.extensions['.json'] = loadJson;
