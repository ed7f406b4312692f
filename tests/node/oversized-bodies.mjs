// Sends request bodies larger than the server accepts with Node's own fetch
// (undici, keep-alive by default), then one ordinary query, and prints one
// JSON report: each refusal's status and `connection` header, each request
// that failed instead (EPIPE, ECONNRESET…), and the ordinary query's status.
// Needs no npm packages.
//
//   node oversized-bodies.mjs --url http://127.0.0.1:8080 [--token T] [--path /graphql]
//        [--count 20] [--bytes 5242880] [--chunked]
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    path: { type: 'string', default: '/graphql' },
    count: { type: 'string', default: '20' },
    bytes: { type: 'string', default: String(5 * 1024 * 1024) },
    chunked: { type: 'boolean', default: false },
  },
});
if (!opt.url) {
  console.error('usage: oversized-bodies.mjs --url <http://host:port> [--token T] [--chunked]');
  process.exit(2);
}

const bytes = Number(opt.bytes);
// A JSON document the size asked for, so only its size is wrong.
const payload = Buffer.from(`{"query":"{ me { name } }","extensions":{"pad":"${'x'.repeat(bytes - 48)}"}}`);

/** The body as one buffer (Content-Length) or as a stream of 64 KiB chunks (chunked). */
function body() {
  if (!opt.chunked) return { body: payload };
  let at = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (at >= payload.length) return controller.close();
      controller.enqueue(payload.subarray(at, at + 64 * 1024));
      at += 64 * 1024;
    },
  });
  return { body: stream, duplex: 'half' };
}

function headers() {
  const h = { 'content-type': 'application/json' };
  if (opt.token) h.authorization = `Bearer ${opt.token}`;
  return h;
}

/** Why a request failed, as undici tells it (the cause holds the socket error). */
const reason = (e) => e.cause?.code ?? e.cause?.message ?? e.message;

const report = { statuses: [], connection: [], failures: [], next: null };
for (let i = 0; i < Number(opt.count); i += 1) {
  try {
    const res = await fetch(`${opt.url}${opt.path}`, { method: 'POST', headers: headers(), ...body() });
    await res.text();
    report.statuses.push(res.status);
    report.connection.push(res.headers.get('connection'));
  } catch (e) {
    report.failures.push(reason(e));
  }
}
try {
  const res = await fetch(`${opt.url}/graphql`, {
    method: 'POST',
    headers: headers(),
    body: JSON.stringify({ query: '{ me { name } }' }),
  });
  report.next = { status: res.status, body: await res.text() };
} catch (e) {
  report.next = { failure: reason(e) };
}
console.log(JSON.stringify(report));
