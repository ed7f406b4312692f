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
