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
