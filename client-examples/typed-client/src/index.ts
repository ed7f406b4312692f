// A typed query: `graphql()` returns a TypedDocumentNode generated from
// schema/schema.graphql, so `data` below is fully typed — a misspelt field
// fails `graphql-codegen`, and a wrong use of a nullable field fails `tsc`.
//
//   npm run typed-client -- [--url http://127.0.0.1:8080] [--persona guardian] [--log <id>]
//                           [--message <text>]   (posts it: a typed mutation)
//                           [--node <id>]        (refetches any object by its id)
import { GraphQLClient } from 'graphql-request';
import { graphql } from './gql/index.js';
import { demoToken, option } from '../../lib/demo.mjs';

// Permissions first: ask what this viewer may read, then ask only for that.
// Asking for a field the viewer may not read adds a FORBIDDEN error, and
// graphql-request (like Apollo Client's default error policy) then throws
// the whole answer away.
const Permissions = graphql(`
  query LogPermissions($id: ID!) {
    log(id: $id) { viewerPermissions { canReadGoals } }
  }
`);

const DeadlinesOfLog = graphql(`
  query DeadlinesOfLog($id: ID!, $goals: Boolean!) {
    log(id: $id) {
      status
      child { name }
      goals @include(if: $goals) {
        description
        viewerCanAddMeasure
        measures { description deadline status overdue viewerCanUpdate responsible { name } }
      }
    }
  }
`);

// A mutation answers with a payload: the new message as an edge of
// `Log.messages` (a list on screen takes it as it is), and `userErrors` for
// input a form shows next to its field. A refused input is data, not an
// error, so graphql-request does not throw it away.
const PostMessage = graphql(`
  mutation PostMessage($input: PostMessageInput!) {
    postMessage(input: $input) {
      messageEdge { cursor node { id body author { name } } }
      userErrors { field code message }
    }
  }
`);

// Any object by its id alone (`Node`): a link or a notification carries
// only an id, and the inline fragments type what each kind has (aliases
// where two kinds' fields share a name with different types).
const Refetch = graphql(`
  query Refetch($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Log { logStatus: status child { name } }
      ... on Goal { description }
      ... on Measure { description deadline measureStatus: status }
      ... on Message { body author { name } }
    }
  }
`);

const base = option('url', 'http://127.0.0.1:8080');
const persona = option('persona', 'guardian');
const logId = option('log', '5afe77e0-0000-4000-8000-000000000064');

const client = new GraphQLClient(`${base}/graphql`, {
  headers: { authorization: `Bearer ${await demoToken(base, persona)}` },
});
const allowed = await client.request(Permissions, { id: logId });
if (!allowed.log) {
  console.log('no such log, or no access');
  process.exit(1);
}
const canReadGoals = allowed.log.viewerPermissions.canReadGoals;
const data = await client.request(DeadlinesOfLog, { id: logId, goals: canReadGoals });
if (!data.log) {
  console.log('no such log, or no access');
  process.exit(1);
}
if (!canReadGoals) {
  console.log(`${data.log.child.name} (${data.log.status}): goals are not for your role`);
  process.exit(0);
}
// `goals` is still nullable in the type (field-level authorization), though
// with the permission asked first it comes back as a list.
const goals = data.log.goals ?? [];
console.log(`${data.log.child.name} (${data.log.status}): ${goals.length} goals`);
for (const goal of goals) {
  console.log(`- ${goal.description}${goal.viewerCanAddMeasure ? ' [+ measure]' : ''}`);
  for (const m of goal.measures) {
    const deadline: string = m.deadline ?? 'no deadline';
    const edit = m.viewerCanUpdate ? ' [edit]' : '';
    console.log(`    ${m.status.padEnd(11)} ${deadline}${m.overdue ? ' OVERDUE' : ''}  ${m.description} (${m.responsible?.name ?? '-'})${edit}`);
  }
}

const message = option('message', undefined);
if (message !== undefined) {
  const { postMessage } = await client.request(PostMessage, { input: { logId, body: message } });
  for (const e of postMessage.userErrors) {
    console.log(`not posted: ${e.field.join('.')}: ${e.message} (${e.code})`);
  }
  if (postMessage.messageEdge) {
    const { node } = postMessage.messageEdge;
    console.log(`posted as ${node.author?.name ?? '?'}: ${node.body}`);
  }
}

const nodeId = option('node', undefined);
if (nodeId !== undefined) {
  const { node } = await client.request(Refetch, { id: nodeId });
  switch (node?.__typename) {
    case undefined:
      console.log(`node ${nodeId}: nothing you may read`);
      break;
    case 'Log':
      console.log(`Log: ${node.child.name} (${node.logStatus})`);
      break;
    case 'Goal':
      console.log(`Goal: ${node.description ?? '-'}`);
      break;
    case 'Measure':
      console.log(`Measure: ${node.description ?? '-'} (${node.measureStatus}, ${node.deadline ?? 'no deadline'})`);
      break;
    case 'Message':
      console.log(`Message from ${node.author?.name ?? '?'}: ${node.body ?? '-'}`);
      break;
    default:
      console.log(`${node?.__typename} ${nodeId}`);
  }
}
