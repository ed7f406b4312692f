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

## Refusals a form shows (`userErrors[].message`, `ApiError`): in the
## language of whoever sent the mutation.

error-unit-deactivated-staff = the unit is deactivated: it takes no new staff
error-log-deleted = the log is deleted; deleted logs cannot be changed
error-log-closed = the log is closed; closed logs cannot be changed
error-log-not-active = the log is { $status ->
        [DRAFT] draft
        [PASSIVE] passive
        [CLOSED] closed
       *[other] not active
    }; only an active log's content can be changed
error-reopen-not-closed = only a closed log can be reopened
error-reopen-waiting = a reopening request is already waiting for the family
error-reopen-none = there is no reopening request to approve
error-reopen-approved = you have already approved reopening
error-minutes-recorded = minutes are already recorded and archived for this meeting
error-meeting-cancelled = the meeting was cancelled
error-meeting-held = the meeting is held; its minutes are recorded
error-deletion-waiting = a deletion request is already waiting
error-deletion-processed = this deletion request is already processed
error-handover-waiting = a handover is already waiting; cancel it first
error-participant-left = this participant has already left
error-coordinator-not-removable = the coordinator cannot be removed; hand over the baton first
error-close-details = details: say why the log closes when the reason is OTHER
error-guardian-last = a child under 18 keeps at least one guardian; add the new one first
error-handover-not-participant = participantId: the baton can only be handed to a current participant of this log
error-handover-no-consent = participantId: the successor's unit has no consent in this log
error-system-owner-no-role = a system owner holds no role that reads personal data; appoint someone else
error-staff-deactivated = this staff member is deactivated; choose another
error-staff-self = you cannot deactivate or reactivate yourself; ask another admin
error-external-id-elsewhere = this externalId is registered in another municipality
error-empty = { $field } must not be empty
error-nul = { $field } must not contain NUL characters
error-one-line = { $field } must be one line, without control characters
error-too-long = { $field } is { $len } characters; at most { $max } are allowed
error-name-character = { $field } may hold Latin letters, digits, spaces and the punctuation - – . , ' ’ & ( ) / : + « » " only; { $char } (U+{ $code }) is none of them
error-past = { $field } must not be in the past
error-future = { $field } must not be in the future
error-leap-second = { $field } is a leap second; give the second before or after
error-not-future = { $field } must be in the future
error-too-far = { $field } must be within { $years } years from now
error-ids-too-many = ids: at most { $max } ids
error-ids-twice = ids: each id once
error-within-days = withinDays must be between 0 and { $max }
error-cursor = invalid cursor: pass a cursor this API returned
error-first = first must be between 0 and { $max }
error-id = { $field } is not a valid id
error-name-search = filter.childName is { $len } characters; give 1 to { $max }
error-status-twice = status and filter.status differ; give one
error-cursor-role = invalid cursor: the role it names is no longer listed; start again from the first page
error-holds-baton = they hold the baton already
error-recipients-too-many = at most { $max } recipients
error-recipients-self = recipientIds: a message needs someone besides you
error-staff-not-in-unit = staffId is not a staff member of unitId
error-unit-deactivated-work = the unit is deactivated: it takes on no new work
error-unit-no-consent = the family has not consented to this unit
error-already-participant = this staff member already takes part in the log
error-not-participant = participantId: not a participant of this log
error-you-hold-baton = you already hold the baton
error-successor-gone = the successor no longer takes part through a consented unit; the coordinator may propose another
error-handover-not-pending = this handover is no longer pending
error-nothing-to-change = nothing to change
error-measure-or-goal = give exactly one of measureId and goalId
error-bti-level = btiLevel must be 1, 2 or 3
error-responsible-no-consent = the responsible participant's unit has no consent in this log
error-child-adult = child: a stafettlogg is for children under 18
error-unit-deactivated-log = the unit is deactivated: it creates no new log
error-coordinator-not-staff = coordinatorId must be a staff member of the unit
error-template-unknown = templateId is not a template of this municipality
error-template-retired-pick = templateId: the template is retired; pick an active one (`templates`)
error-child-has-log = this child already has an open log you can see ({ $log }); add to it instead
error-blank-clear = { $field } is blank; send null to clear it
error-due-date = child.birthDate: a due date is at most a year ahead
error-national-id-format = { $field } must be exactly 11 digits
error-national-id-checksum = { $field }: check digits do not match
error-national-id-date = { $field } does not encode a valid date of birth
error-national-id-century = { $field } does not give the century of its date of birth
error-birth-date-mismatch = child.birthDate does not match child.nationalId
error-born-future = child.birthDate: a child with a national id is born; the date is in the future
error-birth-date-century = child.birthDate is required: child.nationalId does not give the century
error-guardian-count = a log needs 1 to { $max } guardians
error-guardian-is-child = a guardian cannot be the child
error-guardian-twice = guardians[{ $index }] is listed twice
error-log-already-closed = the log is already closed
error-log-already-deleted = the log is already deleted
error-paper-after-choice-on = the family's latest choice here (a consent given, withdrawn or ended) was on { $date }; a paper form must be signed after that day (the owner may consent again in the service)
error-paper-after-choice = the family's latest choice here (a consent given, withdrawn or ended) is on or after the day this form was signed; a paper form must be signed after that day (the owner may consent again in the service)
error-form-before-log = the form is dated before the log existed ({ $date })
error-form-before-proposal-on = the form is dated before the unit's proposal existed ({ $date })
error-form-before-proposal = the form is dated before the unit's proposal existed
error-consent-withdrawn = this consent is already withdrawn
error-unit-unknown = unitId is not a unit of this municipality
error-unit-deactivated-propose = the unit is deactivated: propose an active one
error-unit-own = the log's own unit is covered by the consent to the log
error-unit-proposed = this unit is already proposed
error-unit-not-proposed = the coordinator has not proposed this unit
error-consent-exists = a valid consent already exists; withdraw it first to change it
error-not-owner = ownerId is not an owner of this log: a guardian, or the child at or over the consent age
error-consent-age = consentAge must be 15 or 16
error-already-municipal-admin = this person is already a municipal admin here
error-unit-name-clear = a unit's name cannot be cleared
error-unit-kind-clear = a unit's service kind cannot be cleared
error-unit-state = the unit is { $state ->
        [active] active
       *[deactivated] deactivated
    } already
error-organization-number = organizationNumber must be nine digits
error-name-taken-municipality = a municipality has this name
error-name-taken-unit = a unit of this municipality has this name
error-external-id-race = this externalId was registered at the same moment; try again
error-child-adult-owner = the child is 18 and the log's only owner
error-already-guardian = this person is a guardian of the child already
error-not-guardian = guardianId is not a guardian of this log
error-template-nothing = nothing to change: give a name, sectionPrompts or defaultGoalAreas
error-template-retired = the template is retired; it changes no more (create a new one)
error-template-section-unknown = sectionPrompts: a section is one of presentation, aboutMe, childVoice and initiative
error-template-section-text = the guidance for a section is a text
error-area-twice = defaultGoalAreas: { $area } is given twice
error-not-in-log = { $field }: { $id } is not a participant, guardian or youth owner of this log
error-invitees-too-many = at most { $max } invitees
error-attendees-too-many = at most { $max } attendees
error-meeting-same-time = startsAt: the meeting already starts then
error-agenda-full = the agenda is full: at most { $max } items per meeting
error-name-clear = a name cannot be cleared
error-role-twice = a role is given twice
error-no-role-in-unit = they hold no role in this unit; add them to it with registerStaff
error-unit-deactivated-roles = the unit is deactivated: it takes no new roles
error-last-unit-admin = they are the last unit admin of { $unit }; appoint another first
error-staff-state = this staff member is { $state ->
        [active] active
       *[deactivated] deactivated
    } already
error-last-municipal-admin = they are the last municipal admin; the system owner appoints another first
error-already-in-unit = this person is already registered in this unit
error-scope-log-required = scope.logId is required with kind LOG
error-scope-log-only = scope.logId is only taken with kind LOG
error-kind-twice = settings: { $kind } is given twice
