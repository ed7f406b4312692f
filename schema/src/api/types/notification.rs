//! How you are told of things outside the app (issue 20, point 1): one
//! setting per kind, your choice or the default.

use crate::db::enums::{NotificationChannel, NotificationKind, NotificationTiming};
use crate::db::notifications::Chosen;
use async_graphql::SimpleObject;

/// The default for a kind nobody chose for: what is addressed to you comes
/// at once by e-mail; SMS is off until you turn it on.
pub const DEFAULT_CHANNEL: NotificationChannel = NotificationChannel::Email;
/// The default timing: at once.
pub const DEFAULT_TIMING: NotificationTiming = NotificationTiming::Immediate;

/// How you are told of one kind of thing outside the app. E-mails and SMS
/// say only *that* something happened and where to read it, never what:
/// no child's name, no message text, no unit that tells a service.
#[derive(SimpleObject, Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotificationSetting {
    /// what it is about
    pub kind: NotificationKind,
    /// by e-mail, SMS, both, or not outside the app
    pub channel: NotificationChannel,
    /// as it happens, or in the daily digest
    pub timing: NotificationTiming,
    /// false while it is the default (immediate e-mail)
    pub chosen: bool,
}

impl NotificationSetting {
    /// Every kind, in the order of `NotificationKind`: the person's choice
    /// where she made one, else the default.
    pub fn all(chosen: &[Chosen]) -> Vec<NotificationSetting> {
        NotificationKind::ALL
            .iter()
            .map(|kind| match chosen.iter().find(|c| c.kind == *kind) {
                Some(c) => NotificationSetting { kind: *kind, channel: c.channel, timing: c.timing, chosen: true },
                None => {
                    NotificationSetting { kind: *kind, channel: DEFAULT_CHANNEL, timing: DEFAULT_TIMING, chosen: false }
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_setting_and_the_default_is_immediate_email() {
        let chosen = [Chosen {
            kind: NotificationKind::Meeting,
            channel: NotificationChannel::EmailAndSms,
            timing: NotificationTiming::DailyDigest,
        }];
        let all = NotificationSetting::all(&chosen);
        assert_eq!(all.len(), NotificationKind::ALL.len());
        let meeting = all.iter().find(|s| s.kind == NotificationKind::Meeting).unwrap();
        assert_eq!(
            (meeting.channel, meeting.timing, meeting.chosen),
            (NotificationChannel::EmailAndSms, NotificationTiming::DailyDigest, true)
        );
        let message = all.iter().find(|s| s.kind == NotificationKind::Message).unwrap();
        assert_eq!(
            (message.channel, message.timing, message.chosen),
            (NotificationChannel::Email, NotificationTiming::Immediate, false)
        );
    }
}
