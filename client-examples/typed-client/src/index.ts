// A typed query: `graphql()` returns a TypedDocumentNode generated from
// schema/schema.graphql, so `data` below is fully typed — a misspelt field
// fails `graphql-codegen`, and a wrong use of a nullable field fails `tsc`.
//
//   npm run typed-client -- [--url http://127.0.0.1:8080] [--persona guardian] [--log <id>]
import { GraphQLClient } from 'graphql-request';
import { graphql } from './gql/index.js';
import { demoToken, option } from '../../lib/demo.mjs';

const DeadlinesOfLog = graphql(`
  query DeadlinesOfLog($id: ID!) {
    log(id: $id) {
      status
      child { name }
      goals {
        description
        measures { description deadline status overdue responsible { name } }
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
const data = await client.request(DeadlinesOfLog, { id: logId });
if (!data.log) {
  console.log('no such log, or no access');
  process.exit(1);
}
// `goals` is nullable (field-level authorization): the type makes us handle it.
const goals = data.log.goals ?? [];
console.log(`${data.log.child.name} (${data.log.status}): ${goals.length} goals`);
for (const goal of goals) {
  console.log(`- ${goal.description}`);
  for (const m of goal.measures) {
    const deadline: string = m.deadline ?? 'no deadline';
    console.log(`    ${m.status.padEnd(11)} ${deadline}${m.overdue ? ' OVERDUE' : ''}  ${m.description} (${m.responsible?.name ?? '-'})`);
  }
}
