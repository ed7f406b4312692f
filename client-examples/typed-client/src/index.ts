// A typed query: `graphql()` returns a TypedDocumentNode generated from
// schema/schema.graphql, so `data` below is fully typed — a misspelt field
// fails `graphql-codegen`, and a wrong use of a nullable field fails `tsc`.
//
//   npm run typed-client -- [--url http://127.0.0.1:8080] [--persona guardian] [--log <id>]
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
