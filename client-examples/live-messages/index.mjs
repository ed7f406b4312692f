// Live messages: subscribes to `messageAdded` as a persona and prints each
// message as it arrives. When the connection drops, it reconnects and
// resumes from the last cursor it saw, so no message is missed, and it
// skips any cursor it has already printed (delivery is at-least-once).
//
//   node live-messages/index.mjs --token "$(stafett token guardian)" [--log <logId>]
//        [--url ws://127.0.0.1:8080/graphql] [--count N]
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const url = args.url ?? 'ws://127.0.0.1:8080/graphql';
const token = args.token ?? process.env.STAFETT_TOKEN;
const logId = args.log ?? null;
const count = args.count ? Number(args.count) : Infinity;
if (!token) {
  console.error('usage: index.mjs --token <bearer token> [--log <logId>] [--url <ws url>] [--count N]');
  process.exit(2);
}

const query = `subscription ($logId: ID, $after: String) {
  messageAdded(logId: $logId, after: $after) {
    cursor
    message { body createdAt author { name } }
  }
}`;

let lastCursor = args.after ?? null;
const seen = new Set();
let printed = 0;
let active = null;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  // Stay connected (and keep reconnecting) even between subscriptions.
  lazy: false,
  // A fresh token could be fetched here on every (re)connect.
  connectionParams: () => ({ authorization: `Bearer ${token}` }),
  retryAttempts: Infinity,
  shouldRetry: () => true,
  retryWait: async (retries) => new Promise((r) => setTimeout(r, Math.min(250 * 2 ** retries, 5000))),
  on: {
    connected: () => {
      console.error(`connected; resuming after ${lastCursor ?? 'now'}`);
      subscribe();
    },
    closed: () => {
      // Drop the old subscription: graphql-ws would resend it with its old
      // cursor; we subscribe again from the newest one when reconnected.
      if (active) active();
      active = null;
    },
  },
});

function subscribe() {
  if (active) active();
  active = client.subscribe(
    { query, variables: { logId, after: lastCursor } },
    {
      next: ({ data, errors }) => {
        if (errors) {
          console.error('error:', errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; '));
          return;
        }
        const event = data.messageAdded;
        if (seen.has(event.cursor)) return;
        seen.add(event.cursor);
        lastCursor = event.cursor;
        const m = event.message;
        console.log(`[${m.createdAt}] ${m.author?.name ?? '?'}: ${m.body}`);
        printed += 1;
        if (printed >= count) {
          client.dispose();
          process.exit(0);
        }
      },
      error: (e) => console.error('subscription error:', e?.message ?? JSON.stringify(e)),
      complete: () => {},
    },
  );
}

client.on('connecting', () => console.error(`connecting to ${url}`));
