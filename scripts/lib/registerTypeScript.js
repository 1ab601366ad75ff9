// Lets plain-Node scripts (demo, start, bench) require the TypeScript test harness and the node's sources
// without a build step: each .ts file is transpiled on load with the project's own TypeScript. Types are
// checked by `npm run typecheck`, not here.
const fs = require('node:fs');
const ts = require('typescript');

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
