//! Messages to parties [mensagens]: the outbox's rows and the rules a
//! message obeys before it may leave (seed 004: nobody is contacted
//! through a channel he has not allowed), and how the organisation's
//! mail server is reached.
use crate::party::Channel;
use crate::{Email, ValidationErrors};
use serde::{Deserialize, Serialize};

string_enum!(
    /// Where a message stands: queued until the worker takes it; sending
    /// while the server is being spoken to; then sent, failed (the server
    /// refused or could not be reached, tries used up), refused (the party
    /// did not allow the channel when it was time to send) or cancelled.
    MessageState {
        Queued = "queued",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
        Refused = "refused",
        Cancelled = "cancelled",
    } error "error-message-state-invalid"
);

impl MessageState {
    /// A message still waiting may be cancelled; one that ended badly may
    /// be tried again.
    pub fn can_cancel(self) -> bool {
        matches!(self, MessageState::Queued)
    }

    pub fn can_retry(self) -> bool {
        matches!(self, MessageState::Failed | MessageState::Refused | MessageState::Cancelled)
    }
}

/// Why a message was refused at the moment of sending, as stored in its
/// answer (a message key, so each reader reads it in his language).
pub const REFUSED_NO_CONSENT: &str = "message-refused-no-consent";
pub const REFUSED_NOT_THE_PARTYS: &str = "message-refused-address";

const SUBJECT_MAX: usize = 200;
const BODY_MAX: usize = 100_000;

/// A subject (one line, not too long) and a text (not empty, not a book),
/// trimmed; what is wrong with them goes into `errors`.
fn subject_and_body<'a>(
    subject: &'a str,
    body: &'a str,
    errors: &mut ValidationErrors,
) -> (&'a str, &'a str) {
    let subject = subject.trim();
    if subject.is_empty() {
        errors.add("subject", "error-required");
    } else if subject.chars().count() > SUBJECT_MAX || subject.contains(['\r', '\n']) {
        errors.add("subject", "error-too-long");
    }
    let body = body.trim();
    if body.is_empty() {
        errors.add("body", "error-required");
    } else if body.len() > BODY_MAX {
        errors.add("body", "error-too-long");
    }
    (subject, body)
}

/// A message as typed: to one of the party's addresses, with a subject and
/// a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageDraft {
    pub channel: Channel,
    pub recipient: Email,
    pub subject: String,
    pub body: String,
}

impl MessageDraft {
    /// An e-mail: the address must be one of `known` (the party's own);
    /// the subject and the text must be there and not too long.
    pub fn email(
        to: &str,
        subject: &str,
        body: &str,
        known: &[Email],
    ) -> Result<MessageDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let recipient = errors.check("to", Email::parse(to));
        if let Some(recipient) = &recipient {
            if !known.contains(recipient) {
                errors.add("to", "error-message-address-unknown");
            }
        }
        let (subject, body) = subject_and_body(subject, body, &mut errors);
        match recipient {
            Some(recipient) if errors.is_empty() => Ok(MessageDraft {
                channel: Channel::Email,
                recipient,
                subject: subject.to_string(),
                body: body.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

/// An e-mail template as typed: a name, the language it is written in, a
/// subject and an HTML body with variables. Whether its variables and
/// syntax hold is judged by the template engine (`render::email::check`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateDraft {
    pub name: String,
    pub locale: crate::Locale,
    pub subject: String,
    pub body: String,
}

impl TemplateDraft {
    pub fn parse(
        name: &str,
        locale: &str,
        subject: &str,
        body: &str,
    ) -> Result<TemplateDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = name.trim();
        if name.is_empty() {
            errors.add("name", "error-required");
        } else if name.chars().count() > 120 {
            errors.add("name", "error-too-long");
        }
        let locale = crate::Locale::parse(locale);
        if locale.is_none() {
            errors.add("locale", "error-locale-invalid");
        }
        let (subject, body) = subject_and_body(subject, body, &mut errors);
        match locale {
            Some(locale) if errors.is_empty() => Ok(TemplateDraft {
                name: name.to_string(),
                locale,
                subject: subject.to_string(),
                body: body.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

string_enum!(
    /// How the connection to the mail server is protected: not at all (a
    /// relay on the same machine), upgraded with STARTTLS (port 587), or
    /// TLS from the first byte (port 465).
    SmtpTls { None = "none", StartTls = "starttls", Tls = "tls" } error "error-smtp-tls-invalid"
);

/// The organisation's mail server, as typed. An empty password keeps the
/// one stored: it is never shown back, so the form cannot carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: String,
    pub password: Option<String>,
    pub sender_name: String,
    pub sender_address: Email,
    pub reply_to: Option<Email>,
}

impl SmtpSettings {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        host: &str,
        port: &str,
        tls: &str,
        username: &str,
        password: &str,
        sender_name: &str,
        sender_address: &str,
        reply_to: &str,
    ) -> Result<SmtpSettings, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let host = host.trim();
        if host.is_empty() {
            errors.add("host", "error-required");
        } else if host.len() > 253 || !host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        {
            errors.add("host", "error-smtp-host-invalid");
        }
        let port = match port.trim().parse::<u16>() {
            Ok(port) if port > 0 => Some(port),
            _ => {
                errors.add("port", "error-smtp-port-invalid");
                None
            }
        };
        let tls = errors.check("tls", SmtpTls::parse(tls));
        let username = username.trim();
        if username.chars().count() > 254 {
            errors.add("username", "error-too-long");
        }
        if password.chars().count() > 500 {
            errors.add("password", "error-too-long");
        }
        let sender_name = sender_name.trim();
        if sender_name.chars().count() > 120 || sender_name.contains(['\r', '\n', '"']) {
            errors.add("sender_name", "error-too-long");
        }
        let sender_address = errors.check("sender_address", Email::parse(sender_address));
        let reply_to =
            if reply_to.trim().is_empty() { None } else { errors.check("reply_to", Email::parse(reply_to)) };
        match (port, tls, sender_address) {
            (Some(port), Some(tls), Some(sender_address)) if errors.is_empty() => Ok(SmtpSettings {
                host: host.to_string(),
                port,
                tls,
                username: username.to_string(),
                password: (!password.is_empty()).then(|| password.to_string()),
                sender_name: sender_name.to_string(),
                sender_address,
                reply_to,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<Email> {
        vec![Email::parse("ana@example.com").expect("accepted")]
    }

    #[test]
    fn an_email_goes_only_to_the_partys_own_address() {
        let draft = MessageDraft::email("ANA@example.com ", "Revisão", "Olá", &known()).expect("accepted");
        assert_eq!(draft.recipient.as_str(), "ana@example.com");
        let refused =
            MessageDraft::email("outro@example.com", "Revisão", "Olá", &known()).expect_err("refused");
        assert_eq!(refused.fields().collect::<Vec<_>>(), vec!["to"]);
    }

    #[test]
    fn a_subject_is_one_line() {
        let refused =
            MessageDraft::email("ana@example.com", "a\r\nBcc: x@y.z", "Olá", &known()).expect_err("refused");
        assert_eq!(refused.fields().collect::<Vec<_>>(), vec!["subject"]);
    }

    #[test]
    fn smtp_settings_name_each_bad_field() {
        let refused = SmtpSettings::parse("", "70000", "ssl", "", "", "", "nope", "").expect_err("refused");
        let mut fields: Vec<_> = refused.fields().collect();
        fields.sort();
        assert_eq!(fields, vec!["host", "port", "sender_address", "tls"]);
        let ok = SmtpSettings::parse(
            "smtp.example.com",
            "587",
            "starttls",
            "u",
            "",
            "Loja",
            "crm@example.com",
            "",
        )
        .expect("accepted");
        assert_eq!(ok.password, None);
    }
}
