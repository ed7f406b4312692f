// Role views: the same log query as five personas, side by side. Each cell
// says what that persona got for that field — field-level authorization made
// visible.
//
//   ✔  a value          ✖  null with FORBIDDEN          ·  nothing there (null or empty)
//   ?  the log is invisible: the same NOT_FOUND as a log that does not exist
//
//   node role-views/index.mjs [--url http://127.0.0.1:8080] [--log <logId>] [--json]
import { GraphQLClient } from 'graphql-request';
import { demoToken, option } from '../lib/demo.mjs';

const base = option('url', 'http://127.0.0.1:8080');
const logId = option('log', '5afe77e0-0000-4000-8000-000000000064');
const personas = (option('personas', 'guardian,coordinator,participant,unitadmin,outsider')).split(',');

// One row per field of the log page; the query asks for all of them.
const FIELDS = [
  ['status', 'status'],
  ['child.name', 'child { name }'],
  ['child.nationalId', 'child { nationalId }'],
  ['coordinator', 'coordinator { name }'],
  ['participants', 'participants { name }'],
  ['guardians', 'guardians { name }'],
  ['consents', 'consents { id }'],
  ['presentation', 'presentation'],
  ['aboutMe', 'aboutMe'],
  ['childVoice', 'childVoice'],
  ['initiative', 'initiative'],
  ['goals', 'goals { description }'],
  ['meetings', 'meetings(first: 5) { edges { node { title } } }'],
  ['messages', 'messages(first: 5) { edges { node { body } } }'],
  ['accessLog', 'accessLog(first: 5) { edges { node { actorName } } }'],
  ['snapshots', 'snapshots(first: 5) { edges { node { id } } }'],
];
const alias = (name) => name.replace('.', '_');
const query = `query RoleView($id: ID!) { log(id: $id) { ${FIELDS.map(([name, sel]) => `${alias(name)}: ${sel}`).join(' ')} } }`;

function cell(log, errors, name) {
  if (!log) return '?';
  const key = alias(name);
  const forbidden = (errors ?? []).some((e) => e.path?.[0] === 'log' && e.path?.[1] === key && e.extensions?.code === 'FORBIDDEN');
  let value = log[key];
  if (name.startsWith('child.') && value) value = value[name.slice(6)];
  if (forbidden) return '✖';
  if (value == null || (Array.isArray(value) && value.length === 0) || (value.edges && value.edges.length === 0)) return '·';
  return '✔';
}

const columns = {};
for (const persona of personas) {
  const client = new GraphQLClient(`${base}/graphql`, {
    headers: { authorization: `Bearer ${await demoToken(base, persona)}` },
    errorPolicy: 'all',
  });
  const { data, errors } = await client.rawRequest(query, { id: logId });
  columns[persona] = Object.fromEntries(FIELDS.map(([name]) => [name, cell(data?.log, errors, name)]));
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(columns, null, 2));
} else {
  const width = Math.max(...FIELDS.map(([n]) => n.length)) + 2;
  const col = Math.max(...personas.map((p) => p.length)) + 2;
  console.log(`log ${logId}\n`);
  console.log(''.padEnd(width) + personas.map((p) => p.padEnd(col)).join(''));
  for (const [name] of FIELDS) {
    console.log(name.padEnd(width) + personas.map((p) => columns[p][name].padEnd(col)).join(''));
  }
  console.log('\n✔ value   ✖ null + FORBIDDEN   · empty   ? log invisible (NOT_FOUND, as for a log that does not exist)');
}
