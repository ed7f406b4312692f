# Bokmål: the texts the server writes for people. Every key here is in
# nn.ftl and en.ftl too (schema/src/i18n.rs tests it).

time = { $date } kl. { $clock }

meeting-invitation = Invitasjon til samarbeidsmøte: { $title }
    Tid: { $time }
meeting-place = Sted: { $place }
meeting-agenda = Saksliste:
meeting-moved = Samarbeidsmøtet «{ $title }» er flyttet.
    Ny tid: { $time }
    Tidligere tid: { $before }
meeting-cancelled = Samarbeidsmøtet «{ $title }» { $time } er avlyst.
meeting-cancel-reason = Begrunnelse: { $reason }
meeting-minutes = Referat fra «{ $title }» { $time }:

calendar-summary = Samarbeidsmøte (Stafett)
calendar-description = Logg inn i Stafett for tid\, sted og saksliste.

template-goal = Målet skrives i første samarbeidsmøte.

notice-new-coordinator = { $name } ({ $unit }) er ny stafettholder for loggen. Begrunnelse fra enhetens leder: { $reason }
notice-someone = En ny stafettholder
notice-individual-plan = Stafettloggen er avsluttet fordi arbeidet fortsetter i en individuell plan (IP) eller med en barnekoordinator.
notice-paper-consent-log = til stafettloggen
notice-paper-consent-unit = til enheten { $unit }
notice-paper-consent = { $registrar } har registrert et samtykke på papir { $scope } på vegne av en av eierne av loggen, signert { $signed } (dokument: { $document }). Under Samtykker ser dere hvem det gjelder. Kjenner dere ikke igjen samtykket, kan dere trekke det tilbake i loggen.
notice-guardian-added = Du er lagt til som foresatt i stafettloggen. Les loggen, og gi samtykke under Samtykker om du vil at tjenestene skal samarbeide slik loggen beskriver.
notice-withdrawal-registered = Stafettholderen har registrert at et samtykke er trukket tilbake, slik familien meldte { $reported } ({ $how }). Under Samtykker ser dere hvilket. Stemmer ikke dette, kan dere gi samtykke på nytt.

## Avvisninger et skjema viser (`userErrors[].message`, `ApiError`): på
## språket til den som sendte mutasjonen.

error-unit-deactivated-staff = enheten er deaktivert og tar ikke inn nye ansatte
error-log-deleted = loggen er slettet; en slettet logg kan ikke endres
error-log-closed = loggen er avsluttet; en avsluttet logg kan ikke endres
error-log-not-active = loggen er { $status ->
        [DRAFT] et utkast
        [PASSIVE] passiv
        [CLOSED] avsluttet
       *[other] ikke aktiv
    }; bare innholdet i en aktiv logg kan endres
error-reopen-not-closed = bare en avsluttet logg kan gjenåpnes
error-reopen-waiting = en forespørsel om gjenåpning venter allerede på familien
error-reopen-none = det er ingen forespørsel om gjenåpning å godkjenne
error-reopen-approved = du har allerede godkjent gjenåpning
error-minutes-recorded = referat er allerede registrert og arkivert for dette møtet
error-meeting-cancelled = møtet er avlyst
error-meeting-held = møtet er holdt; referatet er registrert
error-deletion-waiting = en sletteforespørsel venter allerede
error-deletion-processed = denne sletteforespørselen er allerede behandlet
error-handover-waiting = en overlevering venter allerede; avbryt den først
error-participant-left = denne deltakeren har allerede gått ut
error-coordinator-not-removable = stafettholderen kan ikke fjernes; gi stafettpinnen videre først
error-close-details = details: skriv hvorfor loggen avsluttes når årsaken er OTHER
error-guardian-last = et barn under 18 beholder minst én foresatt; legg til den nye først
error-handover-not-participant = participantId: stafettpinnen kan bare gis til en nåværende deltaker i denne loggen
error-handover-no-consent = participantId: etterfølgerens enhet har ikke samtykke i denne loggen
error-system-owner-no-role = en systemeier har ingen rolle som leser personopplysninger; utnevn en annen
error-staff-deactivated = denne ansatte er deaktivert; velg en annen
error-staff-self = du kan ikke deaktivere eller aktivere deg selv; spør en annen administrator
error-external-id-elsewhere = denne externalId er registrert i en annen kommune
error-empty = { $field } kan ikke være tom
error-nul = { $field } kan ikke inneholde NUL-tegn
error-one-line = { $field } må være én linje, uten kontrolltegn
error-too-long = { $field } er { $len } tegn; høyst { $max } er tillatt
error-name-character = { $field } kan bare inneholde latinske bokstaver, sifre, mellomrom og tegnene - – . , ' ’ & ( ) / : + « » "; { $char } (U+{ $code }) er ikke blant dem
error-past = { $field } kan ikke være tilbake i tid
error-future = { $field } kan ikke være fram i tid
error-leap-second = { $field } er et skuddsekund; oppgi sekundet før eller etter
error-not-future = { $field } må være fram i tid
error-too-far = { $field } må være innen { $years } år fra nå
error-ids-too-many = ids: høyst { $max } id-er
error-ids-twice = ids: hver id én gang
error-within-days = withinDays må være mellom 0 og { $max }
error-cursor = ugyldig markør: send en markør dette API-et har gitt
error-first = first må være mellom 0 og { $max }
error-id = { $field } er ikke en gyldig id
error-name-search = filter.childName er { $len } tegn; oppgi 1 til { $max }
error-status-twice = status og filter.status er ulike; oppgi én
error-cursor-role = ugyldig markør: rollen den viser til er ikke lenger i listen; begynn på nytt fra første side
error-holds-baton = vedkommende har allerede stafettpinnen
error-recipients-too-many = høyst { $max } mottakere
error-recipients-self = recipientIds: en melding trenger en mottaker foruten deg
error-staff-not-in-unit = staffId er ikke ansatt i unitId
error-unit-deactivated-work = enheten er deaktivert og tar ikke på seg nytt arbeid
error-unit-no-consent = familien har ikke gitt samtykke til denne enheten
error-already-participant = denne ansatte deltar allerede i loggen
error-not-participant = participantId: ikke en deltaker i denne loggen
error-you-hold-baton = du har allerede stafettpinnen
error-successor-gone = etterfølgeren deltar ikke lenger gjennom en enhet med samtykke; stafettholderen kan foreslå en annen
error-handover-not-pending = denne overleveringen venter ikke lenger
error-nothing-to-change = ingenting å endre
error-measure-or-goal = oppgi nøyaktig én av measureId og goalId
error-bti-level = btiLevel må være 1, 2 eller 3
error-responsible-no-consent = enheten til den ansvarlige deltakeren har ikke samtykke i denne loggen
error-child-adult = child: en stafettlogg er for barn under 18
error-unit-deactivated-log = enheten er deaktivert og oppretter ingen nye logger
error-coordinator-not-staff = coordinatorId må være ansatt i enheten
error-template-unknown = templateId er ikke en mal i denne kommunen
error-template-retired-pick = templateId: malen er tatt ut av bruk; velg en aktiv (`templates`)
error-child-has-log = barnet har allerede en åpen logg du kan se ({ $log }); bruk den i stedet
error-blank-clear = { $field } er tom; send null for å fjerne verdien
error-due-date = child.birthDate: en termindato er høyst ett år fram i tid
error-national-id-format = { $field } må være nøyaktig 11 sifre
error-national-id-checksum = { $field }: kontrollsifrene stemmer ikke
error-national-id-date = { $field } gir ikke en gyldig fødselsdato
error-national-id-century = { $field } viser ikke hvilket århundre fødselsdatoen er i
error-birth-date-mismatch = child.birthDate stemmer ikke med child.nationalId
error-born-future = child.birthDate: et barn med fødselsnummer er født; datoen er fram i tid
error-birth-date-century = child.birthDate må oppgis: child.nationalId viser ikke århundret
error-guardian-count = en logg trenger 1 til { $max } foresatte
error-guardian-is-child = en foresatt kan ikke være barnet
error-guardian-twice = guardians[{ $index }] er oppgitt to ganger
error-log-already-closed = loggen er allerede avsluttet
error-log-already-deleted = loggen er allerede slettet
error-paper-after-choice-on = familiens siste valg her (et samtykke gitt, trukket tilbake eller avsluttet) var { $date }; et papirskjema må være signert etter den dagen (eieren kan gi samtykke på nytt i tjenesten)
error-paper-after-choice = familiens siste valg her (et samtykke gitt, trukket tilbake eller avsluttet) er samme dag som eller etter at skjemaet ble signert; et papirskjema må være signert etter den dagen (eieren kan gi samtykke på nytt i tjenesten)
error-form-before-log = skjemaet er datert før loggen fantes ({ $date })
error-form-before-proposal-on = skjemaet er datert før enheten ble foreslått ({ $date })
error-form-before-proposal = skjemaet er datert før enheten ble foreslått
error-consent-withdrawn = dette samtykket er allerede trukket tilbake
error-unit-unknown = unitId er ikke en enhet i denne kommunen
error-unit-deactivated-propose = enheten er deaktivert; foreslå en aktiv
error-unit-own = loggens egen enhet er dekket av samtykket til loggen
error-unit-proposed = denne enheten er allerede foreslått
error-unit-not-proposed = stafettholderen har ikke foreslått denne enheten
error-consent-exists = et gyldig samtykke finnes allerede; trekk det tilbake først for å endre det
error-not-owner = ownerId er ikke en eier av denne loggen: en foresatt, eller barnet når det har nådd samtykkealderen
error-consent-age = consentAge må være 15 eller 16
error-already-municipal-admin = denne personen er allerede kommuneadministrator her
error-unit-name-clear = en enhets navn kan ikke fjernes
error-unit-kind-clear = en enhets tjenestetype kan ikke fjernes
error-unit-state = enheten er allerede { $state ->
        [active] aktiv
       *[deactivated] deaktivert
    }
error-organization-number = organizationNumber må være ni sifre
error-name-taken-municipality = en kommune har allerede dette navnet
error-name-taken-unit = en enhet i denne kommunen har allerede dette navnet
error-external-id-race = denne externalId ble registrert i samme øyeblikk; prøv igjen
error-child-adult-owner = barnet er 18 år og loggens eneste eier
error-already-guardian = denne personen er allerede foresatt for barnet
error-not-guardian = guardianId er ikke en foresatt i denne loggen
error-template-nothing = ingenting å endre: oppgi name, sectionPrompts eller defaultGoalAreas
error-template-retired = malen er tatt ut av bruk og endres ikke mer (lag en ny)
error-template-section-unknown = sectionPrompts: en del er én av presentation, aboutMe, childVoice og initiative
error-template-section-text = veiledningen for en del er en tekst
error-area-twice = defaultGoalAreas: { $area } er oppgitt to ganger
error-not-in-log = { $field }: { $id } er ikke deltaker, foresatt eller ungdom som eier denne loggen
error-invitees-too-many = høyst { $max } inviterte
error-attendees-too-many = høyst { $max } til stede på møtet
error-meeting-same-time = startsAt: møtet starter allerede da
error-agenda-full = sakslisten er full: høyst { $max } saker per møte
error-name-clear = et navn kan ikke fjernes
error-role-twice = en rolle er oppgitt to ganger
error-no-role-in-unit = vedkommende har ingen rolle i denne enheten; legg vedkommende til med registerStaff
error-unit-deactivated-roles = enheten er deaktivert og gir ingen nye roller
error-last-unit-admin = vedkommende er den siste enhetsadministratoren i { $unit }; utnevn en annen først
error-staff-state = denne ansatte er allerede { $state ->
        [active] aktiv
       *[deactivated] deaktivert
    }
error-last-municipal-admin = vedkommende er den siste kommuneadministratoren; systemeieren utnevner en annen først
error-already-in-unit = denne personen er allerede registrert i denne enheten
error-scope-log-required = scope.logId må oppgis med kind LOG
error-scope-log-only = scope.logId tas bare imot med kind LOG
error-kind-twice = settings: { $kind } er oppgitt to ganger
