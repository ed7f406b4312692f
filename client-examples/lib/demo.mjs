// Shared by the examples: command-line options and demo tokens.
//
// `stafett demo` hands out development tokens at /app/token/<persona>, so an
// example can act as any demo persona. Against a real deployment, pass a token
// from your identity provider with --token (or STAFETT_TOKEN) instead.

/** The value of `--name <value>`, or `fallback`. */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

/** A bearer token: --token, STAFETT_TOKEN, or the demo server's token for `persona`. */
export async function demoToken(base, persona) {
  const given = option('token', process.env.STAFETT_TOKEN);
  if (given) return given;
  const res = await fetch(`${base}/app/token/${encodeURIComponent(persona)}`);
  if (!res.ok) throw new Error(`no demo token for ${persona} from ${base} (is it \`stafett demo\`?): HTTP ${res.status}`);
  return (await res.json()).token;
}
