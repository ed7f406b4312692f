// Deadline dashboard: a live table of open measures with deadlines in the
// logs you coordinate (or the ones you are responsible for, with --scope
// MINE), overdue first, kept up to date from `deadlineChanges`.
//
//   node deadline-dashboard/index.mjs [--url http://127.0.0.1:8080] [--persona coordinator]
//        [--scope COORDINATED|MINE] [--count N]
//
// On a terminal it redraws in place; piped, it prints the table after each
// event. --count N exits after N events (for scripts and tests).
import { GraphQLClient } from 'graphql-request';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { demoToken, option } from '../lib/demo.mjs';

const base = option('url', 'http://127.0.0.1:8080');
const persona = option('persona', 'coordinator');
const scope = option('scope', 'COORDINATED');
const count = Number(option('count', 'Infinity'));
const token = await demoToken(base, persona);

// Each measure names its log as an object, so the child's name comes with it.
const MEASURE = 'id description deadline status overdue responsible { name } log { child { name } }';
const http = new GraphQLClient(`${base}/graphql`, { headers: { authorization: `Bearer ${token}` } });
// `myDeadlines` is a connection: page through it (100 is the largest page).
const measures = new Map();
let initial;
for (let after = null; ;) {
  initial = await http.request(`query ($after: String) {
    me { name }
    myDeadlines(scope: { kind: ${scope} }, first: 100, after: $after) {
      totalCount edges { node { ${MEASURE} } } pageInfo { hasNextPage endCursor }
    }
  }`, { after });
  for (const { node: m } of initial.myDeadlines.edges) if (m.deadline) measures.set(m.id, m);
  if (!initial.myDeadlines.pageInfo.hasNextPage) break;
  after = initial.myDeadlines.pageInfo.endCursor;
}
let lastEvent = 'waiting for changes…';

function draw() {
  const rows = [...measures.values()].sort((a, b) => (b.overdue - a.overdue) || a.deadline.localeCompare(b.deadline));
  const lines = [
    `Deadlines for ${initial.me.name} (${scope}) — ${rows.length} open measures`,
    '',
    `${'deadline'.padEnd(12)}${'state'.padEnd(9)}${'child'.padEnd(16)}${'responsible'.padEnd(22)}measure`,
    ...rows.map((m) =>
      `${m.deadline.padEnd(12)}${(m.overdue ? 'OVERDUE' : 'open').padEnd(9)}${(m.log.child.name ?? '').padEnd(16)}` +
      `${(m.responsible?.name ?? '-').padEnd(22)}${m.description}`),
    '',
    `last event: ${lastEvent}`,
  ];
  if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
  else console.log('---');
  console.log(lines.join('\n'));
}

function apply(event) {
  const m = event.measure;
  const done = event.kind === 'DONE' || event.kind === 'REMOVED' || !m || !m.deadline ||
    m.status === 'DONE' || m.status === 'CANCELLED';
  if (m && done) measures.delete(m.id);
  else if (m) measures.set(m.id, m);
  const prev = event.previousDeadline ? ` (was ${event.previousDeadline})` : '';
  lastEvent = `${event.kind} ${m?.description ?? ''} → ${event.deadline ?? 'no deadline'}${prev}`;
}

draw();
let seen = 0;
const ws = createClient({
  url: `${base.replace(/^http/, 'ws')}/graphql`,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
  retryAttempts: Infinity,
  shouldRetry: () => true,
});
let after = null;
const subscribe = () => ws.subscribe(
  {
    query: `subscription ($scope: DeadlineScope!, $after: String) {
      deadlineChanges(scope: $scope, after: $after) { cursor kind deadline previousDeadline measure { ${MEASURE} } }
    }`,
    variables: { scope: { kind: scope }, after },
  },
  {
    next: ({ data, errors }) => {
      if (errors) return console.error('error:', errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; '));
      after = data.deadlineChanges.cursor;
      apply(data.deadlineChanges);
      draw();
      seen += 1;
      if (seen >= count) {
        ws.dispose();
        process.exit(0);
      }
    },
    error: (e) => console.error('subscription error:', e?.message ?? JSON.stringify(e)),
    complete: () => {},
  },
);
ws.on('connected', () => console.error('connected; following deadline changes'));
subscribe();
