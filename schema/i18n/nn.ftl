# Nynorsk: the texts the server writes for people.

time = { $date } kl. { $clock }

meeting-invitation = Innkalling til samarbeidsmøte: { $title }
    Tid: { $time }
meeting-place = Stad: { $place }
meeting-agenda = Saksliste:
meeting-moved = Samarbeidsmøtet «{ $title }» er flytta.
    Ny tid: { $time }
    Tidlegare tid: { $before }
meeting-cancelled = Samarbeidsmøtet «{ $title }» { $time } er avlyst.
meeting-cancel-reason = Grunngiving: { $reason }
meeting-minutes = Referat frå «{ $title }» { $time }:

calendar-summary = Samarbeidsmøte (Stafett)
calendar-description = Logg inn i Stafett for tid\, stad og saksliste.

template-goal = Målet blir skrive i det første samarbeidsmøtet.

notice-new-coordinator = { $name } ({ $unit }) er ny stafetthaldar for loggen. Grunngiving frå leiaren for eininga: { $reason }
notice-someone = Ein ny stafetthaldar
notice-individual-plan = Stafettloggen er avslutta fordi arbeidet held fram i ein individuell plan (IP) eller med ein barnekoordinator.
notice-paper-consent-log = til stafettloggen
notice-paper-consent-unit = til eininga { $unit }
notice-paper-consent = { $registrar } har registrert eit samtykke på papir { $scope } på vegner av ein av eigarane av loggen, signert { $signed } (dokument: { $document }). Under Samtykke ser de kven det gjeld. Kjenner de ikkje att samtykket, kan de trekkje det tilbake i loggen.
notice-guardian-added = Du er lagd til som føresett i stafettloggen. Les loggen, og gi samtykke under Samtykke om du vil at tenestene skal samarbeide slik loggen skildrar.
notice-withdrawal-registered = Stafetthaldaren har registrert at eit samtykke er trekt tilbake, slik familien melde { $reported } ({ $how }). Under Samtykke ser de kva for eitt. Stemmer ikkje dette, kan de gi samtykke på nytt.

## Avvisingar eit skjema viser (`userErrors[].message`, `ApiError`): på
## språket til den som sende mutasjonen.

error-unit-deactivated-staff = eininga er deaktivert og tek ikkje inn nye tilsette
error-log-deleted = loggen er sletta; ein sletta logg kan ikkje endrast
error-log-closed = loggen er avslutta; ein avslutta logg kan ikkje endrast
error-log-not-active = loggen er { $status ->
        [DRAFT] eit utkast
        [PASSIVE] passiv
        [CLOSED] avslutta
       *[other] ikkje aktiv
    }; berre innhaldet i ein aktiv logg kan endrast
error-reopen-not-closed = berre ein avslutta logg kan opnast att
error-reopen-waiting = ein førespurnad om å opne loggen att ventar alt på familien
error-reopen-none = det er ingen førespurnad om å opne att å godkjenne
error-reopen-approved = du har alt godkjent at loggen blir opna att
error-minutes-recorded = referat er alt registrert og arkivert for dette møtet
error-meeting-cancelled = møtet er avlyst
error-meeting-held = møtet er halde; referatet er registrert
error-deletion-waiting = ein førespurnad om sletting ventar alt
error-deletion-processed = denne førespurnaden om sletting er alt handsama
error-handover-waiting = ei overlevering ventar alt; avbryt henne først
error-participant-left = denne deltakaren har alt gått ut
error-coordinator-not-removable = stafetthaldaren kan ikkje fjernast; gi stafettpinnen vidare først
error-close-details = details: skriv kvifor loggen blir avslutta når årsaka er OTHER
error-guardian-last = eit barn under 18 held på minst éin føresett; legg til den nye først
error-handover-not-participant = participantId: stafettpinnen kan berre givast til ein noverande deltakar i denne loggen
error-handover-no-consent = participantId: eininga til etterfølgjaren har ikkje samtykke i denne loggen
error-system-owner-no-role = ein systemeigar har inga rolle som les personopplysningar; utnemn ein annan
error-staff-deactivated = denne tilsette er deaktivert; vel ein annan
error-staff-self = du kan ikkje deaktivere eller aktivere deg sjølv; spør ein annan administrator
error-external-id-elsewhere = denne externalId er registrert i ein annan kommune
error-empty = { $field } kan ikkje vere tom
error-nul = { $field } kan ikkje innehalde NUL-teikn
error-one-line = { $field } må vere éi linje, utan kontrollteikn
error-too-long = { $field } er { $len } teikn; høgst { $max } er tillate
error-name-character = { $field } kan berre innehalde latinske bokstavar, siffer, mellomrom og teikna - – . , ' ’ & ( ) / : + « » "; { $char } (U+{ $code }) er ikkje blant dei
error-past = { $field } kan ikkje vere tilbake i tid
error-future = { $field } kan ikkje vere fram i tid
error-leap-second = { $field } er eit skotsekund; oppgi sekundet før eller etter
error-not-future = { $field } må vere fram i tid
error-too-far = { $field } må vere innan { $years } år frå no
error-ids-too-many = ids: høgst { $max } id-ar
error-ids-twice = ids: kvar id éin gong
error-within-days = withinDays må vere mellom 0 og { $max }
error-cursor = ugyldig peikar: send ein peikar dette API-et har gitt
error-first = first må vere mellom 0 og { $max }
error-id = { $field } er ikkje ein gyldig id
error-name-search = filter.childName er { $len } teikn; oppgi 1 til { $max }
error-status-twice = status og filter.status er ulike; oppgi éin
error-cursor-role = ugyldig peikar: rolla han viser til er ikkje lenger i lista; byrj på nytt frå første side
error-holds-baton = vedkomande har alt stafettpinnen
error-recipients-too-many = høgst { $max } mottakarar
error-recipients-self = recipientIds: ei melding treng ein mottakar utanom deg
error-staff-not-in-unit = staffId er ikkje tilsett i unitId
error-unit-deactivated-work = eininga er deaktivert og tek ikkje på seg nytt arbeid
error-unit-no-consent = familien har ikkje gitt samtykke til denne eininga
error-already-participant = denne tilsette er alt med i loggen
error-not-participant = participantId: ikkje ein deltakar i denne loggen
error-you-hold-baton = du har alt stafettpinnen
error-successor-gone = etterfølgjaren er ikkje lenger med gjennom ei eining med samtykke; stafetthaldaren kan føreslå ein annan
error-handover-not-pending = denne overleveringa ventar ikkje lenger
error-nothing-to-change = ingenting å endre
error-measure-or-goal = oppgi nøyaktig éin av measureId og goalId
error-bti-level = btiLevel må vere 1, 2 eller 3
error-responsible-no-consent = eininga til den ansvarlege deltakaren har ikkje samtykke i denne loggen
error-child-adult = child: ein stafettlogg er for barn under 18
error-unit-deactivated-log = eininga er deaktivert og opprettar ingen nye loggar
error-coordinator-not-staff = coordinatorId må vere tilsett i eininga
error-template-unknown = templateId er ikkje ein mal i denne kommunen
error-template-retired-pick = templateId: malen er teken ut av bruk; vel ein aktiv (`templates`)
error-child-has-log = barnet har alt ein open logg du kan sjå ({ $log }); bruk han i staden
error-blank-clear = { $field } er tom; send null for å fjerne verdien
error-due-date = child.birthDate: ein termindato er høgst eitt år fram i tid
error-national-id-format = { $field } må vere nøyaktig 11 siffer
error-national-id-checksum = { $field }: kontrollsifra stemmer ikkje
error-national-id-date = { $field } gir ikkje ein gyldig fødselsdato
error-national-id-century = { $field } viser ikkje kva hundreår fødselsdatoen er i
error-birth-date-mismatch = child.birthDate stemmer ikkje med child.nationalId
error-born-future = child.birthDate: eit barn med fødselsnummer er fødd; datoen er fram i tid
error-birth-date-century = child.birthDate må oppgjevast: child.nationalId viser ikkje hundreåret
error-guardian-count = ein logg treng 1 til { $max } føresette
error-guardian-is-child = ein føresett kan ikkje vere barnet
error-guardian-twice = guardians[{ $index }] er oppgitt to gonger
error-log-already-closed = loggen er alt avslutta
error-log-already-deleted = loggen er alt sletta
error-paper-after-choice-on = det siste valet til familien her (eit samtykke gitt, trekt tilbake eller avslutta) var { $date }; eit papirskjema må vere signert etter den dagen (eigaren kan gi samtykke på nytt i tenesta)
error-paper-after-choice = det siste valet til familien her (eit samtykke gitt, trekt tilbake eller avslutta) er same dag som eller etter at skjemaet vart signert; eit papirskjema må vere signert etter den dagen (eigaren kan gi samtykke på nytt i tenesta)
error-form-before-log = skjemaet er datert før loggen fanst ({ $date })
error-form-before-proposal-on = skjemaet er datert før eininga vart føreslått ({ $date })
error-form-before-proposal = skjemaet er datert før eininga vart føreslått
error-consent-withdrawn = dette samtykket er alt trekt tilbake
error-unit-unknown = unitId er ikkje ei eining i denne kommunen
error-unit-deactivated-propose = eininga er deaktivert; føreslå ei aktiv
error-unit-own = eininga til loggen sjølv er dekt av samtykket til loggen
error-unit-proposed = denne eininga er alt føreslått
error-unit-not-proposed = stafetthaldaren har ikkje føreslått denne eininga
error-consent-exists = eit gyldig samtykke finst alt; trekk det tilbake først for å endre det
error-not-owner = ownerId er ikkje ein eigar av denne loggen: ein føresett, eller barnet når det har nådd samtykkealderen
error-consent-age = consentAge må vere 15 eller 16
error-already-municipal-admin = denne personen er alt kommuneadministrator her
error-unit-name-clear = namnet til ei eining kan ikkje fjernast
error-unit-kind-clear = tenestetypen til ei eining kan ikkje fjernast
error-unit-state = eininga er alt { $state ->
        [active] aktiv
       *[deactivated] deaktivert
    }
error-organization-number = organizationNumber må vere ni siffer
error-name-taken-municipality = ein kommune har alt dette namnet
error-name-taken-unit = ei eining i denne kommunen har alt dette namnet
error-external-id-race = denne externalId vart registrert i same augneblinken; prøv igjen
error-child-adult-owner = barnet er 18 år og den einaste eigaren av loggen
error-already-guardian = denne personen er alt føresett for barnet
error-not-guardian = guardianId er ikkje ein føresett i denne loggen
error-template-nothing = ingenting å endre: oppgi name, sectionPrompts eller defaultGoalAreas
error-template-retired = malen er teken ut av bruk og blir ikkje endra meir (lag ein ny)
error-template-section-unknown = sectionPrompts: ein del er éin av presentation, aboutMe, childVoice og initiative
error-template-section-text = rettleiinga for ein del er ein tekst
error-area-twice = defaultGoalAreas: { $area } er oppgitt to gonger
error-not-in-log = { $field }: { $id } er ikkje deltakar, føresett eller ungdom som eig denne loggen
error-invitees-too-many = høgst { $max } inviterte
error-attendees-too-many = høgst { $max } til stades på møtet
error-meeting-same-time = startsAt: møtet byrjar alt då
error-agenda-full = sakslista er full: høgst { $max } saker per møte
error-name-clear = eit namn kan ikkje fjernast
error-role-twice = ei rolle er oppgitt to gonger
error-no-role-in-unit = vedkomande har inga rolle i denne eininga; legg vedkomande til med registerStaff
error-unit-deactivated-roles = eininga er deaktivert og gir ingen nye roller
error-last-unit-admin = vedkomande er den siste einingsadministratoren i { $unit }; utnemn ein annan først
error-staff-state = denne tilsette er alt { $state ->
        [active] aktiv
       *[deactivated] deaktivert
    }
error-last-municipal-admin = vedkomande er den siste kommuneadministratoren; systemeigaren utnemner ein annan først
error-already-in-unit = denne personen er alt registrert i denne eininga
error-scope-log-required = scope.logId må oppgjevast med kind LOG
error-scope-log-only = scope.logId blir berre teke imot med kind LOG
error-kind-twice = settings: { $kind } er oppgitt to gonger
