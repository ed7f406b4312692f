// Runs the GraphQL-over-HTTP audit of the `graphql-http` package against a
// Stafett server and prints one JSON line per result. Exit code 1 when any
// result is an error or a warning (notices are MAYs and are reported only).
//
//   node graphql-http-audit.mjs <http://127.0.0.1:8080/graphql> <bearer token>
import { auditServer } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: graphql-http-audit.mjs <url> <token>');
  process.exit(2);
}

// Every request carries the token: Stafett answers nothing anonymously.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers ?? {});
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const results = await auditServer({ url, fetchFn });
let bad = 0;
for (const r of results) {
  const line = { status: r.status, id: r.id, name: r.name };
  if (r.status !== 'ok') {
    if (r.status === 'warn' || r.status === 'error') bad += 1;
    line.reason = r.reason;
    try {
      line.response = await r.response.text();
    } catch {}
  }
  console.log(JSON.stringify(line));
}
const count = (s) => results.filter((r) => r.status === s).length;
console.error(
  `${results.length} checks: ${count('ok')} ok, ${count('notice')} notices, ${count('warn')} warnings, ${count('error')} errors`,
);
process.exit(bad === 0 ? 0 : 1);
