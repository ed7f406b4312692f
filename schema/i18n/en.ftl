# English: the texts the server writes for people.

time = { $date } at { $clock }

meeting-invitation = Invitation to a collaboration meeting: { $title }
    Time: { $time }
meeting-place = Place: { $place }
meeting-agenda = Agenda:
meeting-moved = The collaboration meeting “{ $title }” has moved.
    New time: { $time }
    Earlier time: { $before }
meeting-cancelled = The collaboration meeting “{ $title }” on { $time } is cancelled.
meeting-cancel-reason = Reason: { $reason }
meeting-minutes = Minutes of “{ $title }” { $time }:

calendar-summary = Collaboration meeting (Stafett)
calendar-description = Log in to Stafett for the time\, place and agenda.

template-goal = The goal is written at the first collaboration meeting.

notice-new-coordinator = { $name } ({ $unit }) is the new coordinator of the log. The unit leader's reason: { $reason }
notice-someone = A new coordinator
notice-individual-plan = The log is closed because the work goes on in an individual plan (IP) or with a child coordinator.
notice-paper-consent-log = to the log
notice-paper-consent-unit = to the unit { $unit }
notice-paper-consent = { $registrar } has registered a paper consent { $scope } on behalf of one of the log's owners, signed { $signed } (document: { $document }). Under Consents you see whom it concerns. If you do not recognize the consent, you can withdraw it in the log.
notice-guardian-added = You have been added as a guardian in the log. Read the log, and give your consent under Consents if you want the services to work together as the log describes.
notice-withdrawal-registered = The coordinator has registered that a consent was withdrawn, as the family reported on { $reported } ({ $how }). Under Consents you see which. If this is wrong, you can give consent again.
