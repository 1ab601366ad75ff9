/**
 * A language model that follows a script: an OpenAI-compatible `POST /v1/chat/completions` on loopback, for
 * n8n's OpenAI Chat Model node (typeVersion 1.2, which speaks Chat Completions) with its credential's Base URL
 * pointed here. Each request is answered by the next turn of the script: a tool call with chosen arguments,
 * or a final answer. Every request is kept as received, headers included, so a test can check what the model
 * was sent (the tools' answers, and that no secret is among them).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_call_id?: string;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
}

export interface ChatRequest {
	headers: http.IncomingHttpHeaders;
	body: {
		model?: string;
		stream?: boolean;
		messages: ChatMessage[];
		tools?: Array<{ function: { name: string; description?: string; parameters?: unknown } }>;
	};
	/** The raw body, for secret scans. */
	text: string;
}

/** A tool call: the first tool whose name contains `tool`, with these arguments. */
export interface ToolCallTurn {
	tool: string;
	args: Record<string, unknown>;
}

/** What the model says next; a function of the request decides from what it was sent. */
export type Turn =
	| ToolCallTurn
	| { answer: string }
	| ((request: ChatRequest) => ToolCallTurn | { answer: string });

export interface OpenAiStub {
	/** The Base URL for the credential (`…/v1`). */
	url: string;
	requests: ChatRequest[];
	/** What a turn threw (a failed expectation about what the model was sent): answered with a 500, kept here. */
	failures: unknown[];
	/** Replaces the script: the turns answer the next requests in order. */
	script(turns: Turn[]): void;
	stop(): Promise<void>;
}

let callCounter = 0;

export async function startOpenAiStub(): Promise<OpenAiStub> {
	const requests: ChatRequest[] = [];
	const failures: unknown[] = [];
	let turns: Turn[] = [];

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
				return;
			}
			const request: ChatRequest = { headers: req.headers, body: JSON.parse(text), text };
			requests.push(request);
			const next = turns.shift();
			if (!next) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: 'the script has no turn left' } }));
				return;
			}
			const turn = typeof next === 'function' ? next(request) : next;
			const message =
				'answer' in turn ? answerMessage(turn.answer) : toolCallMessage(request, turn);
			const finish = 'answer' in turn ? 'stop' : 'tool_calls';
			res.writeHead(200, {
				'content-type': request.body.stream ? 'text/event-stream' : 'application/json',
			});
			res.end(request.body.stream ? streamed(message, finish) : completion(message, finish));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		failures,
		script(next) {
			turns = [...next];
			failures.length = 0;
		},
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

function answerMessage(answer: string): ChatMessage {
	return { role: 'assistant', content: answer };
}

function toolCallMessage(request: ChatRequest, turn: ToolCallTurn): ChatMessage {
	const names = (request.body.tools ?? []).map((tool) => tool.function.name);
	const name = names.find((candidate) => candidate.includes(turn.tool));
	if (!name) throw new Error(`no tool named like "${turn.tool}" among ${names.join(', ')}`);
	return {
		role: 'assistant',
		content: null,
		tool_calls: [
			{
				id: `call_${++callCounter}`,
				type: 'function',
				function: { name, arguments: JSON.stringify(turn.args) },
			} as NonNullable<ChatMessage['tool_calls']>[number],
		],
	};
}

const envelope = (finish: string) => ({
	id: `chatcmpl-${++callCounter}`,
	created: Math.floor(Date.now() / 1000),
	model: 'scripted-model',
	finish,
});

function completion(message: ChatMessage, finish: string): string {
	const { id, created, model } = envelope(finish);
	return JSON.stringify({
		id,
		object: 'chat.completion',
		created,
		model,
		choices: [{ index: 0, message, finish_reason: finish }],
		usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
	});
}

/** The same message as Server-Sent Events, for a client that asked to stream. */
function streamed(message: ChatMessage, finish: string): string {
	const { id, created, model } = envelope(finish);
	const chunk = (delta: object, finishReason: string | null) =>
		`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
	const delta = message.tool_calls
		? {
				role: 'assistant',
				tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })),
			}
		: { role: 'assistant', content: message.content };
	return chunk(delta, null) + chunk({}, finish) + 'data: [DONE]\n\n';
}
