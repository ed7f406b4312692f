// The Stafett demo page: choose a persona, read a log as that persona, post
// messages and see new ones arrive live. Plain JavaScript with no build step;
// it speaks GraphQL over HTTP with fetch and graphql-transport-ws with the
// browser's WebSocket. Everything from the server is put in the page with
// textContent, never as HTML.

const PERSONAS = {
  guardian: 'Ola Nordmann – far til Emma, Jonas og Nora',
  guardian2: 'Kari Nordmann – mor til Emma, Jonas og Nora',
  youth: 'Sara Berg – 16 år, eier sin egen logg',
  outsider: 'Per Utenfor – innbygger uten logg',
  coordinator: 'Ingrid Lærer – kontaktlærer og stafettholder',
  participant: 'Hanne Helsesøster – helsestasjonen, har samtykke',
  unconsented: 'Petter PPT – PPT, uten samtykke',
  unitadmin: 'Ulla Enhetsadmin – enhetsadministrator, Nordby skole',
  municipaladmin: 'Mona Kommuneadmin – kommuneadministrator',
  systemowner: 'Sven Systemeier – systemeier',
  othermunicipality: 'Åse Østby – enhetsadministrator i en annen kommune',
};

const LABELS = {
  DRAFT: 'Utkast', ACTIVE: 'Aktiv', PASSIVE: 'Passiv', CLOSED: 'Avsluttet',
  HOME_LEISURE: 'Hjem og fritid', KINDERGARTEN_SCHOOL: 'Barnehage og skole', OTHER_SERVICES: 'Andre tjenester',
  PLANNED: 'Planlagt', IN_PROGRESS: 'Pågår', DONE: 'Utført', CANCELLED: 'Avlyst',
  SCHEDULED: 'Planlagt', HELD: 'Avholdt',
  GUARDIAN: 'Foresatt', YOUTH: 'Ungdom', COORDINATOR: 'Stafettholder', PARTICIPANT: 'Deltaker',
  COORDINATOR_METADATA_ONLY: 'Stafettholder (bare oversikt)',
  UNIT_ADMIN: 'Enhetsadministrator', UNIT_LEADER: 'Enhetsleder', MUNICIPAL_ADMIN: 'Kommuneadministrator',
  SYSTEM_OWNER: 'Systemeier', STAFF: 'Ansatt', EMPLOYEE: 'Ansatt',
  GOALS_REACHED: 'målene er nådd', INDIVIDUAL_PLAN: 'videre i individuell plan eller med barnekoordinator',
  MOVED_MUNICIPALITY: 'flyttet til en annen kommune', FAMILY_DEMANDED: 'familien ba om det', OTHER: 'annen grunn',
  READ: 'leste', CREATE: 'opprettet', UPDATE: 'endret', DELETE: 'slettet',
};
const OBJECTS = {
  LOG: 'loggen', GOAL: 'et mål', MEASURE: 'et tiltak', EVALUATION: 'en evaluering', COMMENT: 'en kommentar',
  MEETING: 'et møte', MESSAGE: 'en melding', CONSENT: 'et samtykke', PARTICIPANT: 'en deltaker',
  UNIT_PROPOSAL: 'et forslag om tjeneste', HANDOVER: 'en overføring', SNAPSHOT: 'et arkivbilde',
  ACCESS_LOG: 'tilgangsloggen', REOPEN_REQUEST: 'en gjenåpning', DELETION_REQUEST: 'en sletting',
};
// The page in three languages (issue 19): the switch in the header sets the
// signed-in person's language (`setLanguage`), which the server also writes
// her messages and calendar files in. Statuses, roles and the page's
// headings and buttons follow it; the label tables above are bokmål.
const TEXTS = {
  NN: {
    DRAFT: 'Utkast', ACTIVE: 'Aktiv', PASSIVE: 'Passiv', CLOSED: 'Avslutta',
    HOME_LEISURE: 'Heim og fritid', KINDERGARTEN_SCHOOL: 'Barnehage og skule', OTHER_SERVICES: 'Andre tenester',
    PLANNED: 'Planlagt', IN_PROGRESS: 'Pågår', DONE: 'Utført', CANCELLED: 'Avlyst', SCHEDULED: 'Planlagt', HELD: 'Halde',
    GUARDIAN: 'Føresett', YOUTH: 'Ungdom', COORDINATOR: 'Stafetthaldar', PARTICIPANT: 'Deltakar',
    'Møter': 'Møte', 'Meldinger': 'Meldingar', 'Mål og tiltak': 'Mål og tiltak', 'Oversikt': 'Oversikt',
    'Deltakere': 'Deltakarar', 'Hvem har sett loggen vår': 'Kven har sett loggen vår', 'Dine stafettlogger': 'Stafettloggane dine',
    'Ansatte': 'Tilsette', 'Send melding': 'Send melding', 'Innlogget som': 'Innlogga som', 'Status': 'Status',
    'Til kalenderen (.ics)': 'Til kalenderen (.ics)', 'Ingen møter.': 'Ingen møte.', 'Ingen meldinger ennå.': 'Ingen meldingar enno.',
    'Ingen mål ennå.': 'Ingen mål enno.', 'Du har ikke tilgang til dette.': 'Du har ikkje tilgang til dette.',
    'Skriv en melding til alle i loggen': 'Skriv ei melding til alle i loggen', 'Stafettloggen til': 'Stafettloggen til',
    'Når': 'Når', 'Hvem': 'Kven', 'Rolle': 'Rolle', 'Hva': 'Kva', 'flyttet': 'flytta', 'Avlyst': 'Avlyst', 'Til stede': 'Til stades',
  },
  EN: {
    DRAFT: 'Draft', ACTIVE: 'Active', PASSIVE: 'Passive', CLOSED: 'Closed',
    HOME_LEISURE: 'Home and leisure', KINDERGARTEN_SCHOOL: 'Kindergarten and school', OTHER_SERVICES: 'Other services',
    PLANNED: 'Planned', IN_PROGRESS: 'In progress', DONE: 'Done', CANCELLED: 'Cancelled', SCHEDULED: 'Scheduled', HELD: 'Held',
    GUARDIAN: 'Guardian', YOUTH: 'Youth', COORDINATOR: 'Coordinator', PARTICIPANT: 'Participant',
    'Møter': 'Meetings', 'Meldinger': 'Messages', 'Mål og tiltak': 'Goals and measures', 'Oversikt': 'Overview',
    'Deltakere': 'Participants', 'Hvem har sett loggen vår': 'Who has seen our log', 'Dine stafettlogger': 'Your logs',
    'Ansatte': 'Staff', 'Send melding': 'Send message', 'Innlogget som': 'Signed in as', 'Status': 'Status',
    'Til kalenderen (.ics)': 'To your calendar (.ics)', 'Ingen møter.': 'No meetings.', 'Ingen meldinger ennå.': 'No messages yet.',
    'Ingen mål ennå.': 'No goals yet.', 'Du har ikke tilgang til dette.': 'You do not have access to this.',
    'Skriv en melding til alle i loggen': 'Write a message to everyone in the log', 'Stafettloggen til': 'The log of',
    'Når': 'When', 'Hvem': 'Who', 'Rolle': 'Role', 'Hva': 'What', 'flyttet': 'moved', 'Avlyst': 'Cancelled', 'Til stede': 'Present',
  },
};
const t = (text) => TEXTS[state.language]?.[text] ?? text;
const label = (v) => TEXTS[state.language]?.[v] ?? LABELS[v] ?? v;

const LOGS = `query Logs {
  me { name kind language units { role } municipalRoles }
  logs(first: 20) { edges { node { id status child { name } } } }
}`;
// The staff list, for those who administer staff (unit admins and leaders,
// the municipal admin): the units of their municipality with who works there,
// the first 20 of each (the server bounds what one query may return, and
// counts `units` as 100 of them).
const STAFF = `query Staff {
  units { id name active staff(first: 20) { totalCount edges { node { id name role title active } } } }
}`;
const ADMIN_UNIT_ROLES = ['UNIT_ADMIN', 'UNIT_LEADER'];
// Permissions first: the page asks what this viewer may read and do, then
// asks only for that (`@include`), so a role's page carries no FORBIDDEN
// errors; and it goes live from the page's own `eventCursor`, so a message
// posted while the page loads is neither lost nor shown twice.
const PERMISSIONS = `query Permissions($id: ID!) {
  log(id: $id) {
    viewerPermissions {
      canReadTexts canReadGoals canReadMeetings canReadMessages canReadAccessLog canReadChildBirthDate canPostMessage
      canReadClosedReason
    }
  }
}`;
const LOG_PAGE = `query LogPage($id: ID!, $texts: Boolean!, $goals: Boolean!, $meetings: Boolean!,
                            $messages: Boolean!, $accessLog: Boolean!, $age: Boolean!, $closed: Boolean!) {
  log(id: $id) {
    id status myRoles eventCursor
    closedReason @include(if: $closed)
    closedReasonDetails @include(if: $closed)
    child { name age @include(if: $age) }
    unit { name }
    coordinator { name title unit { name } }
    participants { id name title role unit { name } }
    presentation @include(if: $texts)
    goals @include(if: $goals) {
      id area description status btiLevel
      measures { id description deadline status overdue responsible { name } }
    }
    meetings(first: 20) @include(if: $meetings) { totalCount edges { node { id title startsAt location status sequence cancellationReason agendaItems { id text addedBy { name } } attendees { name } } } }
    messages(first: 20) @include(if: $messages) { edges { cursor node { id body createdAt toAll author { name } } } }
    accessLog(first: 15) @include(if: $accessLog) {
      edges { node { id at actorName actorRole action objectType actorUnit { name } } }
    }
  }
}`;
// The payload's edge is the new message as `Log.messages` lists it; a
// refused input comes back as `userErrors`, shown next to the text box.
const POST = `mutation Post($input: PostMessageInput!) {
  postMessage(input: $input) {
    messageEdge { cursor node { id body createdAt toAll author { name } } }
    userErrors { field code message }
  }
}`;
// A link carries only an id (`/app/#<id>`, as a notification would): `node`
// says what it names and, for a message or a measure, its log. An id the
// viewer may not read answers null, like one that does not exist.
const LINKED = `query Linked($id: ID!) {
  node(id: $id) { __typename id ... on Message { log { id } } ... on Measure { log { id } } }
}`;
const SET_LANGUAGE = `mutation SetLanguage($language: Language!) {
  setLanguage(input: { language: $language }) { language userErrors { message } }
}`;
const LIVE = `subscription Live($logId: ID, $after: String) {
  messageAdded(logId: $logId, after: $after) { cursor message { id body createdAt toAll author { name } } }
}`;

const state = {
  persona: null, token: null, renewal: null, renewing: null, language: 'NB',
  logId: null, live: null, seen: new Set(), early: [],
};
const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c != null) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function say(text) {
  $('status').textContent = text;
}

const dateFmt = new Intl.DateTimeFormat('nb-NO', { dateStyle: 'medium' });
// Norwegian local time wherever the browser is (issue 19: times shown to people).
const timeFmt = new Intl.DateTimeFormat('nb-NO', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Oslo' });
const day = (d) => (d ? dateFmt.format(new Date(`${d}T12:00:00`)) : 'ingen frist');
const when = (t) => timeFmt.format(new Date(t));

async function gql(query, variables = {}) {
  const send = () => fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${state.token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  let res = await send();
  // An expired token (a tab that slept through its renewal): renew once and
  // ask again. A 401 comes before anything ran, so a mutation is not doubled.
  if (res.status === 401 && (await renewToken())) res = await send();
  return res.json();
}

// Tokens. The demo's token endpoint hands them out; `?ttl=<seconds>` on the
// page asks for short-lived ones, to watch the renewal work.
const TTL = new URLSearchParams(location.search).get('ttl');

async function fetchToken(persona) {
  const query = TTL ? `?ttl=${encodeURIComponent(TTL)}` : '';
  const res = await fetch(`/app/token/${encodeURIComponent(persona)}${query}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

/**
 * Uses a token and plans its renewal while a fifth of its life is left: at
 * most a minute, at least 2 s (its expiry is in whole seconds, so it may
 * have a second less than `expiresIn` says).
 */
function useToken({ token, expiresIn }) {
  state.token = token;
  clearTimeout(state.renewal);
  const ahead = Math.min(60, Math.max(2, expiresIn / 5));
  state.renewal = setTimeout(async () => {
    // The live socket moves to the new token before the server closes the old one.
    if (await renewToken()) state.live?.renew();
  }, Math.max(1, expiresIn - ahead) * 1000);
}

/**
 * A new token for the current persona, one request at a time however many
 * ask. Failures are retried after 1, 2, 4 and 8 s; then it gives up (false)
 * and the next renewal is asked for by whatever needs a token next.
 */
function renewToken() {
  const persona = state.persona;
  if (state.renewing) return state.renewing;
  const renewing = (async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      if (attempt > 0) await sleep(1000 * 2 ** (attempt - 1));
      if (state.persona !== persona) return false;
      try {
        const fresh = await fetchToken(persona);
        if (state.persona !== persona) return false;
        useToken(fresh);
        return true;
      } catch {
        // the token endpoint is down or unreachable: the next attempt waits longer
      }
    }
    return false;
  })().finally(() => {
    if (state.renewing === renewing) state.renewing = null;
  });
  state.renewing = renewing;
  return renewing;
}

/** The codes of the errors whose path starts with `path`. */
function codesAt(errors, ...path) {
  return (errors ?? [])
    .filter((e) => path.every((p, i) => e.path?.[i] === p))
    .map((e) => e.extensions?.code);
}

function denied(text = 'Du har ikke tilgang til dette.') {
  return el('p', { class: 'denied' }, t(text));
}

async function login(persona) {
  let fresh;
  try {
    fresh = await fetchToken(persona);
  } catch {
    say('Kunne ikke logge inn.');
    return;
  }
  state.persona = persona;
  state.renewing = null;
  useToken(fresh);
  stopLive();
  const { data, errors } = await gql(LOGS);
  if (!data) {
    say(`Feil: ${errors?.[0]?.message ?? 'ukjent'}`);
    return;
  }
  setLanguage(data.me.language);
  $('whoami').textContent = `${t('Innlogget som')} ${data.me.name}`;
  $('intro').hidden = true;
  await showStaff(data.me);
  const logs = data.logs.edges.map((e) => e.node);
  const nav = $('logs');
  nav.replaceChildren();
  nav.hidden = false;
  $('log').hidden = true;
  $('log').replaceChildren();
  if (logs.length === 0) {
    nav.append(el('p', { class: 'empty' }, 'Du har ingen stafettlogger du har tilgang til.'));
    say('');
    return;
  }
  nav.append(el('h2', { class: 'visually-plain' }, t('Dine stafettlogger')));
  for (const log of logs) {
    nav.append(
      el('button', { type: 'button', 'data-log': log.id, onclick: () => openLog(log.id) },
        `${log.child.name} (${label(log.status)})`),
    );
  }
  const linked = await openLinked();
  if (linked !== 'opened') await openLog(logs[0].id);
  if (linked === 'missing') say('Lenken peker ikke på noe du har tilgang til.');
}

/** Shows the staff list to those who administer staff, and hides it from everyone else. */
async function showStaff(me) {
  const section = $('staff');
  section.replaceChildren();
  const admin = me.units.some((u) => ADMIN_UNIT_ROLES.includes(u.role)) || me.municipalRoles.includes('MUNICIPAL_ADMIN');
  section.hidden = !admin;
  if (!admin) return;
  const { data } = await gql(STAFF);
  section.append(el('h2', { id: 'h-staff' }, t('Ansatte')));
  for (const unit of data?.units ?? []) {
    const staff = unit.staff?.edges.map((e) => e.node) ?? [];
    section.append(
      el('h3', {}, unit.name, unit.active ? '' : el('span', { class: 'badge' }, 'deaktivert')),
      staff.length === 0
        ? el('p', { class: 'empty' }, 'Ingen ansatte registrert.')
        : el('ul', { class: 'plain', 'data-unit': unit.id },
          staff.map((s) => el('li', { 'data-staff': s.id }, s.name, s.title ? `, ${s.title}` : '',
            el('span', { class: 'badge' }, label(s.role)),
            s.active ? '' : el('span', { class: 'badge' }, 'deaktivert')))),
      unit.staff && unit.staff.totalCount > staff.length
        ? el('p', { class: 'meta' }, `Viser ${staff.length} av ${unit.staff.totalCount}.`)
        : '',
    );
  }
}

/**
 * Opens what the address's `#<id>` names: a log, or the log of a message or
 * measure with that item marked. 'none' without such a link, 'missing' when
 * the id names nothing this viewer may read, 'opened' otherwise.
 */
async function openLinked() {
  const id = decodeURIComponent(location.hash.slice(1));
  if (!id || !state.persona) return 'none';
  const { data } = await gql(LINKED, { id });
  const node = data?.node;
  const logId = node?.__typename === 'Log' ? node.id : node?.log?.id;
  if (!logId) return 'missing';
  await openLog(logId);
  const item = document.querySelector(`[data-id="${CSS.escape(node.id)}"]`);
  if (item && node.__typename !== 'Log') {
    item.classList.add('linked');
    item.scrollIntoView({ block: 'center' });
  }
  return 'opened';
}

async function openLog(id) {
  state.logId = id;
  state.seen = new Set();
  for (const b of $('logs').querySelectorAll('button')) b.setAttribute('aria-current', String(b.dataset.log === id));
  // Live first, then the page: a message posted in between arrives on the
  // subscription and is shown once (messages are deduplicated by id).
  const article = $('log');
  article.replaceChildren();
  stopLive();
  const missing = () => {
    article.hidden = false;
    article.replaceChildren(denied('Loggen finnes ikke, eller du har ikke tilgang til den.'));
  };
  const asked = await gql(PERMISSIONS, { id });
  // Another log was chosen meanwhile: its answer is the one to show.
  if (state.logId !== id) return;
  const may = asked.data?.log?.viewerPermissions;
  if (!may) return missing();
  const { data, errors } = await gql(LOG_PAGE, {
    id,
    texts: may.canReadTexts,
    goals: may.canReadGoals,
    meetings: may.canReadMeetings,
    messages: may.canReadMessages,
    accessLog: may.canReadAccessLog,
    age: may.canReadChildBirthDate,
    closed: may.canReadClosedReason,
  });
  if (state.logId !== id) return;
  article.hidden = false;
  if (!data?.log) return missing();
  renderLog(article, data.log, may, errors);
  if (may.canReadMessages) startLive(id, data.log.eventCursor);
  say('');
}

function renderLog(article, log, may, errors) {
  const family = log.myRoles.some((r) => r === 'GUARDIAN' || r === 'YOUTH');
  const canPost = may.canPostMessage;
  article.replaceChildren(
    el('h2', { id: 'log-title' }, `${t('Stafettloggen til')} ${log.child.name}`),
    el('p', { class: 'meta' },
      `${t('Status')}: ${label(log.status)}`,
      log.closedReason ? ` (${label(log.closedReason)}${log.closedReasonDetails ? `: ${log.closedReasonDetails}` : ''})` : '',
      log.child.age != null ? ` · ${log.child.age} år` : '',
      log.unit ? ` · Opprettet av ${log.unit.name}` : '',
      ` · Din rolle: ${log.myRoles.map(label).join(', ') || 'ingen'}`),
    overview(log),
    goals(log, errors),
    meetings(log),
    messages(log, canPost),
    // replaceChildren would show a null as the text "null": an empty string shows nothing.
    family || may.canReadAccessLog ? accessLog(log) : '',
  );
}

function overview(log) {
  const section = el('section', { 'aria-labelledby': 'h-overview' }, el('h3', { id: 'h-overview' }, t('Oversikt')));
  section.append(el('p', {}, 'Stafettholder: ',
    log.coordinator ? `${log.coordinator.name}${log.coordinator.unit ? `, ${log.coordinator.unit.name}` : ''}` : 'ingen'));
  if (log.presentation) section.append(el('p', {}, log.presentation));
  section.append(el('h4', {}, t('Deltakere')));
  section.append(el('ul', { class: 'plain' },
    log.participants.map((p) => el('li', {}, p.name, p.title ? `, ${p.title}` : '', p.unit ? ` – ${p.unit.name}` : '',
      el('span', { class: 'badge' }, label(p.role))))));
  return section;
}

function goals(log, errors) {
  const section = el('section', { 'aria-labelledby': 'h-goals' }, el('h3', { id: 'h-goals' }, t('Mål og tiltak')));
  if (log.goals == null) return section.append(denied()), section;
  if (log.goals.length === 0) section.append(el('p', {}, t('Ingen mål ennå.')));
  for (const g of log.goals) {
    section.append(el('div', { class: 'card goal' },
      el('p', { class: 'meta' }, `${label(g.area)} · BTI-nivå ${g.btiLevel} · ${label(g.status)}`),
      el('p', { class: 'goal-text' }, el('strong', {}, g.description)),
      el('ul', { class: 'plain' }, g.measures.map((m) => el('li', { class: 'measure', 'data-id': m.id },
        m.description,
        el('br'),
        el('span', { class: m.overdue ? 'overdue' : 'meta' },
          `Frist: ${day(m.deadline)}${m.overdue ? ' (forfalt)' : ''} · ${label(m.status)}`,
          ` · Ansvarlig: ${m.responsible?.name ?? 'ikke satt'}`)))),
    ));
  }
  if (codesAt(errors, 'log', 'goals').includes('FORBIDDEN')) section.append(denied());
  return section;
}

function meetings(log) {
  const section = el('section', { 'aria-labelledby': 'h-meetings' }, el('h3', { id: 'h-meetings' }, t('Møter')));
  if (log.meetings == null) return section.append(denied()), section;
  const shown = log.meetings.edges.map((e) => e.node);
  if (shown.length === 0) section.append(el('p', {}, t('Ingen møter.')));
  section.append(el('ul', { class: 'plain' }, shown.map((m) =>
    el('li', { class: 'meeting', 'data-id': m.id },
      el('strong', {}, m.title), ` – ${when(m.startsAt)}`, m.location ? `, ${m.location}` : '', ` (${label(m.status)})`,
      m.status === 'SCHEDULED' && m.sequence > 0 ? el('span', { class: 'meta' }, ` · ${t('flyttet')}`) : null,
      m.cancellationReason ? el('div', { class: 'meta' }, `${t('Avlyst')}: ${m.cancellationReason}`) : null,
      m.agendaItems.length > 0
        ? el('ul', { class: 'agenda' }, m.agendaItems.map((a) => el('li', {}, a.text, el('span', { class: 'meta' }, ` (${a.addedBy?.name ?? 'ukjent'})`))))
        : null,
      m.attendees.length > 0 ? el('div', { class: 'meta' }, `${t('Til stede')}: ${m.attendees.map((p) => p.name).join(', ')}`) : null,
      el('button', { type: 'button', class: 'link', onclick: () => downloadCalendar(m.id) }, t('Til kalenderen (.ics)'))))));
  const more = log.meetings.totalCount - shown.length;
  if (more > 0) section.append(el('p', {}, `… og ${more} til.`));
  return section;
}

// The calendar file needs the bearer token, so it is fetched and handed to
// the browser as a download rather than linked.
async function downloadCalendar(id) {
  const res = await fetch(`/calendar/meetings/${encodeURIComponent(id)}.ics`, {
    headers: { authorization: `Bearer ${state.token}` },
  });
  if (!res.ok) return say(`Kalenderfilen kunne ikke hentes (HTTP ${res.status}).`);
  const url = URL.createObjectURL(await res.blob());
  const a = el('a', { href: url, download: 'samarbeidsmote.ics' });
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

function messageItem(m, fresh = false) {
  return el('li', { class: `message${fresh ? ' new' : ''}`, 'data-id': m.id },
    el('span', { class: 'who' }, m.author?.name ?? 'Ukjent'),
    el('span', { class: 'meta' }, ` · ${when(m.createdAt)}${m.toAll ? '' : ' · til utvalgte'}`),
    el('br'),
    el('span', { class: 'body' }, m.body));
}

function messages(log, canPost) {
  const section = el('section', { 'aria-labelledby': 'h-messages' }, el('h3', { id: 'h-messages' }, t('Meldinger')));
  if (log.messages == null) return section.append(denied()), section;
  const list = el('ul', { id: 'messages', class: 'plain', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  for (const e of log.messages.edges) {
    state.seen.add(e.node.id);
    list.append(messageItem(e.node));
  }
  if (log.messages.edges.length === 0) section.append(el('p', { id: 'no-messages' }, t('Ingen meldinger ennå.')));
  section.append(list);
  if (canPost) {
    const text = el('textarea', { id: 'message-body', name: 'body', required: true, maxlength: '4000' });
    const form = el('form', { class: 'post', onsubmit: async (ev) => {
      ev.preventDefault();
      const body = text.value.trim();
      if (!body) return;
      const { data, errors } = await gql(POST, { input: { logId: log.id, body } });
      const refused = data?.postMessage?.userErrors?.[0] ?? errors?.[0];
      if (!data?.postMessage?.messageEdge) {
        say(`Meldingen ble ikke sendt: ${refused?.message ?? 'ukjent feil'}`);
        return;
      }
      text.value = '';
      addMessage(data.postMessage.messageEdge.node);
      say('Meldingen er sendt.');
    } },
    el('label', { for: 'message-body' }, t('Skriv en melding til alle i loggen')),
    text,
    el('div', {}, el('button', { type: 'submit', class: 'primary' }, t('Send melding'))));
    section.append(form);
  }
  return section;
}

function addMessage(m) {
  if (!$('messages')) {
    // The page is still loading: show it when the list is there.
    state.early.push(m);
    return;
  }
  if (state.seen.has(m.id)) return;
  state.seen.add(m.id);
  $('no-messages')?.remove();
  $('messages')?.prepend(messageItem(m, true));
}

function accessLog(log) {
  const section = el('section', { 'aria-labelledby': 'h-access' }, el('h3', { id: 'h-access' }, t('Hvem har sett loggen vår')));
  if (log.accessLog == null) return section.append(denied('Tilgangsloggen er bare synlig for familien.')), section;
  const rows = log.accessLog.edges.map(({ node: a }) => el('tr', {},
    el('td', {}, when(a.at)),
    el('td', {}, a.actorName ?? '(en i familien)', a.actorUnit ? `, ${a.actorUnit.name}` : ''),
    el('td', {}, label(a.actorRole)),
    el('td', {}, `${label(a.action)} ${OBJECTS[a.objectType] ?? a.objectType}`)));
  section.append(el('table', { id: 'access-log' },
    el('caption', { class: 'meta' }, 'De siste oppslagene og endringene, nyeste først'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('Når')), el('th', { scope: 'col' }, t('Hvem')),
      el('th', { scope: 'col' }, t('Rolle')), el('th', { scope: 'col' }, t('Hva')))),
    el('tbody', {}, rows)));
  return section;
}

// graphql-transport-ws, the small part a page needs: init, subscribe, pong,
// and reconnect from the last event's cursor so no message is missed.
//
// The server closes a socket when its token expires (4403). A renewed token
// gets a new socket before that happens (make before break: the old one is
// closed a second after the new one is subscribed; a message both deliver is
// shown once). A 4403 all the same gets a new token before the next try,
// never the dead one again, and three refusals in a row stop the updates.
function startLive(logId, cursor) {
  stopLive();
  state.early = [];
  // Not live for this log until its socket is acknowledged.
  document.body.dataset.live = 'off';
  const live = { logId, cursor, socket: null, stopped: false, retry: 0, refused: 0 };
  live.renew = () => {
    // While reconnecting, the next try takes the new token anyway.
    if (live.socket) connect(live, true);
  };
  live.close = () => {
    live.stopped = true;
    retire(live.socket);
  };
  state.live = live;
  connect(live, false);
}

const backoff = (n) => Math.min(250 * 2 ** n, 5000);

/** Closes a socket this page no longer listens to. */
function retire(ws) {
  if (!ws) return;
  ws.retired = true;
  ws.close(1000);
}

function connect(live, replacing) {
  if (live.stopped) return;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const token = state.token;
  if (!replacing) live.socket = ws;
  ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  ws.onmessage = (ev) => {
    if (ws.retired || live.stopped) return;
    const msg = JSON.parse(ev.data);
    if (msg.type === 'connection_ack') {
      live.retry = 0;
      live.refused = 0;
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: LIVE, variables: { logId: live.logId, after: live.cursor } } }));
      if (live.socket !== ws) {
        const old = live.socket;
        live.socket = ws;
        setTimeout(() => retire(old), 1000);
      }
      document.body.dataset.live = 'on';
    } else if (msg.type === 'ping') {
      ws.send(JSON.stringify({ type: 'pong' }));
    } else if (msg.type === 'next' && msg.payload?.data?.messageAdded) {
      const e = msg.payload.data.messageAdded;
      live.cursor = e.cursor;
      addMessage(e.message);
    } else if (msg.type === 'error' || msg.payload?.errors) {
      const error = (msg.payload?.errors ?? msg.payload ?? [])[0];
      say(error?.extensions?.code === 'FORBIDDEN'
        ? 'Direkteoppdateringene stoppet: du har ikke lenger tilgang.'
        : `Direkteoppdateringene stoppet: ${error?.message ?? 'ukjent feil'}`);
      live.close();
    }
  };
  ws.onclose = (ev) => {
    // A replacement that failed leaves the current socket to carry on.
    if (ws.retired || live.stopped || live.socket !== ws) return;
    live.socket = null;
    document.body.dataset.live = 'off';
    if (ev.code === 4403) {
      afterRefusal(live, token);
      return;
    }
    live.retry += 1;
    setTimeout(() => connect(live, false), backoff(live.retry));
  };
}

/** The token was refused (expired): reconnect with a new one, or stop. */
async function afterRefusal(live, token) {
  live.refused += 1;
  const stop = (text) => {
    live.stopped = true;
    say(`Direkteoppdateringene stoppet: ${text}`);
  };
  if (live.refused > 3) return stop('innloggingen ble ikke godtatt.');
  // Renewed since this socket opened: the new token is already there.
  const renewed = token !== state.token || (await renewToken());
  if (live.stopped) return;
  if (!renewed) return stop('innloggingen kunne ikke fornyes. Logg inn på nytt.');
  setTimeout(() => connect(live, false), live.refused === 1 ? 0 : backoff(live.refused));
}

/** Shows the page in `language` (NB, NN or EN), as the switch and `me.language` say. */
function setLanguage(language) {
  state.language = TEXTS[language] || language === 'NB' ? language : 'NB';
  document.documentElement.lang = { NB: 'nb', NN: 'nn', EN: 'en' }[state.language];
  $('language').value = state.language;
}

/** The switch: the signed-in person's language is stored, and the page is drawn again in it. */
async function chooseLanguage(language) {
  if (!state.persona) return setLanguage(language);
  const { data, errors } = await gql(SET_LANGUAGE, { language });
  if (!data?.setLanguage?.language) return say(`Feil: ${errors?.[0]?.message ?? 'ukjent'}`);
  const open = state.logId;
  await login(state.persona);
  if (open && state.logId !== open) await openLog(open);
}

function stopLive() {
  state.live?.close();
  state.live = null;
}

function init() {
  const select = $('persona');
  select.append(el('option', { value: '' }, '– velg –'));
  for (const [handle, text] of Object.entries(PERSONAS)) select.append(el('option', { value: handle }, text));
  $('language').addEventListener('change', (ev) => chooseLanguage(ev.target.value).catch((e) => say(`Feil: ${e.message}`)));
  $('login').addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (select.value) login(select.value).catch((e) => say(`Feil: ${e.message}`));
  });
  window.addEventListener('hashchange', () => openLinked()
    .then((linked) => linked === 'missing' && say('Lenken peker ikke på noe du har tilgang til.'))
    .catch((e) => say(`Feil: ${e.message}`)));
  const wanted = new URLSearchParams(location.search).get('persona');
  if (wanted && PERSONAS[wanted]) {
    select.value = wanted;
    login(wanted).catch((e) => say(`Feil: ${e.message}`));
  }
}

init();
