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

string_enum!(
    /// How a message travels: e-mail through the organisation's mail
    /// server, SMS or WhatsApp through its message gateway, or a letter
    /// printed in a batch. Each is allowed or not by one consent channel.
    MessageChannel {
        Email = "email",
        Sms = "sms",
        WhatsApp = "whatsapp",
        Letter = "letter",
    } error "error-message-channel-invalid"
);

impl MessageChannel {
    /// The consent that allows it (seed 004 asks for SMS and WhatsApp together).
    pub fn consent(self) -> Channel {
        match self {
            MessageChannel::Email => Channel::Email,
            MessageChannel::Sms | MessageChannel::WhatsApp => Channel::SmsWhatsapp,
            MessageChannel::Letter => Channel::Letter,
        }
    }

    /// Whether the worker sends it (a letter leaves in a printed batch).
    pub fn goes_through_worker(self) -> bool {
        !matches!(self, MessageChannel::Letter)
    }
}

/// Why a message was refused at the moment of sending, as stored in its
/// answer (a message key, so each reader reads it in his language).
pub const REFUSED_NO_CONSENT: &str = "message-refused-no-consent";
pub const REFUSED_NOT_THE_PARTYS: &str = "message-refused-address";

const SUBJECT_MAX: usize = 200;
const BODY_MAX: usize = 100_000;
/// Ten concatenated SMS; WhatsApp takes more, but one text serves both.
pub const TEXT_MAX: usize = 1_530;
/// How many characters of a text name it in the outbox and the history.
const TEXT_SUMMARY: usize = 60;

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

/// A message as typed: to one of the party's addresses (an e-mail, a
/// phone in E.164, a postal address), with a subject and a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageDraft {
    pub channel: MessageChannel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Typed by someone allowed to write to any address, not one of the
    /// party's own.
    pub address_typed: bool,
}

/// Which addresses a draft may go to: the party's own, or any (for whoever
/// holds the right to send to addresses that are not the party's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipients<'a, T> {
    Own(&'a [T]),
    Any(&'a [T]),
}

impl<'a, T: PartialEq> Recipients<'a, T> {
    /// `Some(typed)` when the address may be used: `typed` says whether
    /// it is other than the party's own.
    fn admits(&self, address: &T) -> Option<bool> {
        match self {
            Recipients::Own(known) => known.contains(address).then_some(false),
            Recipients::Any(known) => Some(!known.contains(address)),
        }
    }
}

impl MessageDraft {
    /// An e-mail: the address must be one of `known` (the party's own);
    /// the subject and the text must be there and not too long.
    pub fn email(
        to: &str,
        subject: &str,
        body: &str,
        known: Recipients<'_, Email>,
    ) -> Result<MessageDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let recipient = errors.check("to", Email::parse(to));
        let mut address_typed = false;
        if let Some(recipient) = &recipient {
            match known.admits(recipient) {
                Some(typed) => address_typed = typed,
                None => errors.add("to", "error-message-address-unknown"),
            }
        }
        let (subject, body) = subject_and_body(subject, body, &mut errors);
        match recipient {
            Some(recipient) if errors.is_empty() => Ok(MessageDraft {
                channel: MessageChannel::Email,
                recipient: recipient.as_str().to_string(),
                subject: subject.to_string(),
                body: body.to_string(),
                address_typed,
            }),
            _ => Err(errors),
        }
    }

    /// An SMS or a WhatsApp message: to one of `known` (the party's phones,
    /// E.164), a text short enough for ten SMS. It has no subject: the
    /// outbox and the history name it by its opening words.
    pub fn text(
        channel: MessageChannel,
        to: &str,
        body: &str,
        known: Recipients<'_, String>,
    ) -> Result<MessageDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if !matches!(channel, MessageChannel::Sms | MessageChannel::WhatsApp) {
            errors.add("channel", "error-message-channel-invalid");
        }
        // Spaces, dashes and brackets as people type them; the digits decide.
        let to: String = to.trim().chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
        let mut address_typed = false;
        // A number other than the party's is written whole, in E.164.
        let whole = to.starts_with('+') && (9..=16).contains(&to.len());
        if to.is_empty() {
            errors.add("to", "error-required");
        } else {
            match known.admits(&to) {
                Some(false) => {}
                Some(true) if whole => address_typed = true,
                _ => errors.add("to", "error-message-phone-unknown"),
            }
        }
        let body = body.trim();
        if body.is_empty() {
            errors.add("body", "error-required");
        } else if body.chars().count() > TEXT_MAX {
            errors.add("body", "error-message-text-too-long");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let opening = body.lines().next().unwrap_or_default();
        let subject = if opening.chars().count() > TEXT_SUMMARY || opening.len() < body.len() {
            format!("{}…", opening.chars().take(TEXT_SUMMARY).collect::<String>().trim_end())
        } else {
            opening.to_string()
        };
        Ok(MessageDraft { channel, recipient: to, subject, body: body.to_string(), address_typed })
    }

    /// A letter to one of the party's postal addresses (`known`, each as
    /// printed on an envelope), with a subject line and a text.
    pub fn letter(
        to: &str,
        subject: &str,
        body: &str,
        known: &[String],
    ) -> Result<MessageDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let to = to.trim().replace("\r\n", "\n");
        if to.is_empty() {
            errors.add("to", "error-required");
        } else if !known.contains(&to) {
            errors.add("to", "error-message-postal-unknown");
        }
        let (subject, body) = subject_and_body(subject, body, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(MessageDraft {
            channel: MessageChannel::Letter,
            recipient: to,
            subject: subject.to_string(),
            body: body.to_string(),
            address_typed: false,
        })
    }
}

/// A file sent with an e-mail, as uploaded.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Attachment({:?}, {}, {} bytes)", self.file_name, self.content_type, self.content.len())
    }
}

/// What one e-mail may carry in all: 10 MB, what most mail servers take.
pub const ATTACHMENTS_MAX_BYTES: usize = 10 * 1024 * 1024;
/// How many files one e-mail carries at most.
pub const ATTACHMENTS_MAX_COUNT: usize = 10;

impl Attachment {
    /// The files as uploaded: each name reduced to its last part, without
    /// control characters, and not too long; the content type as given when
    /// it reads as one (else a plain byte stream); an empty file refused,
    /// the whole over [`ATTACHMENTS_MAX_BYTES`] refused.
    pub fn check_all(files: Vec<(String, String, Vec<u8>)>) -> Result<Vec<Attachment>, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if files.len() > ATTACHMENTS_MAX_COUNT {
            errors.add("attachments", "error-attachments-too-many");
        }
        let total: usize = files.iter().map(|(_, _, content)| content.len()).sum();
        if total > ATTACHMENTS_MAX_BYTES {
            errors.add("attachments", "error-attachments-too-large");
        }
        let mut checked = Vec::with_capacity(files.len());
        for (name, content_type, content) in files {
            let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
            let file_name: String = base
                .chars()
                .filter(|c| !c.is_control() && *c != '"')
                .take(150)
                .collect::<String>()
                .trim()
                .to_string();
            if content.is_empty() {
                errors.add("attachments", "error-attachment-empty");
                continue;
            }
            let content_type = content_type.trim().to_ascii_lowercase();
            let plausible = content_type.split_once('/').is_some_and(|(kind, sub)| {
                !kind.is_empty()
                    && !sub.is_empty()
                    && content_type.chars().all(|c| c.is_ascii_alphanumeric() || "/.+-".contains(c))
            });
            checked.push(Attachment {
                file_name: if file_name.is_empty() { "anexo".to_string() } else { file_name },
                content_type: if plausible { content_type } else { "application/octet-stream".to_string() },
                content,
            });
        }
        if errors.is_empty() { Ok(checked) } else { Err(errors) }
    }
}

/// An e-mail template as typed: a name, the language it is written in, a
/// subject and an HTML body with variables. Whether its variables and
/// syntax hold is judged by the template engine (`render::email::check`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateDraft {
    pub kind: TemplateKind,
    pub name: String,
    pub locale: crate::Locale,
    pub subject: String,
    pub body: String,
}

impl TemplateDraft {
    pub fn parse(
        kind: &str,
        name: &str,
        locale: &str,
        subject: &str,
        body: &str,
    ) -> Result<TemplateDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        // Templates were all e-mails before quotes had them: no kind is one.
        let kind = if kind.trim().is_empty() { Ok(TemplateKind::Email) } else { TemplateKind::parse(kind) };
        let kind = kind.unwrap_or_else(|message| {
            errors.add("kind", message);
            TemplateKind::Email
        });
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
                kind,
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
    /// What a template writes: an e-mail to a customer, or a quote
    /// [proposta] — sent as an e-mail's body with its PDF attached, and
    /// shown as the quote's document.
    TemplateKind { Email = "email", Quote = "quote" } error "error-template-kind-invalid"
);

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

/// The organisation's message gateway for SMS and WhatsApp, as typed: the
/// address Vínculo posts each message to, the secret it signs them with
/// (empty keeps the stored one: it is never shown back), and which of the
/// two channels the provider behind it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewaySettings {
    pub url: url::Url,
    pub secret: Option<String>,
    pub sms: bool,
    pub whatsapp: bool,
}

/// A shared secret shorter than this is guessable.
const GATEWAY_SECRET_MIN: usize = 16;

impl GatewaySettings {
    pub fn parse(
        url: &str,
        secret: &str,
        sms: bool,
        whatsapp: bool,
    ) -> Result<GatewaySettings, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let url = crate::webhook::target_url(url, &mut errors);
        let secret = secret.trim();
        if !secret.is_empty() && secret.chars().count() < GATEWAY_SECRET_MIN {
            errors.add("secret", "error-gateway-secret-short");
        } else if secret.chars().count() > 500 {
            errors.add("secret", "error-too-long");
        }
        if !sms && !whatsapp {
            errors.add("channels", "error-gateway-channels-required");
        }
        match url {
            Some(url) if errors.is_empty() => Ok(GatewaySettings {
                url,
                secret: (!secret.is_empty()).then(|| secret.to_string()),
                sms,
                whatsapp,
            }),
            _ => Err(errors),
        }
    }

    pub fn carries(&self, channel: MessageChannel) -> bool {
        match channel {
            MessageChannel::Sms => self.sms,
            MessageChannel::WhatsApp => self.whatsapp,
            MessageChannel::Email | MessageChannel::Letter => false,
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
        let known = known();
        let draft = MessageDraft::email("ANA@example.com ", "Revisão", "Olá", Recipients::Own(&known))
            .expect("accepted");
        assert_eq!((draft.recipient.as_str(), draft.address_typed), ("ana@example.com", false));
        let refused = MessageDraft::email("outro@example.com", "Revisão", "Olá", Recipients::Own(&known))
            .expect_err("refused");
        assert_eq!(refused.fields().collect::<Vec<_>>(), vec!["to"]);
        let typed = MessageDraft::email("outro@example.com", "Revisão", "Olá", Recipients::Any(&known))
            .expect("with the right");
        assert!(typed.address_typed);
    }

    #[test]
    fn a_text_goes_to_one_of_the_partys_phones_and_is_named_by_its_opening() {
        let phones = vec!["+5511987654321".to_string()];
        let draft = MessageDraft::text(
            MessageChannel::Sms,
            "+55 11 98765 4321",
            "Seu carro está pronto.",
            Recipients::Own(&phones),
        )
        .expect("accepted");
        assert_eq!(
            (draft.recipient.as_str(), draft.subject.as_str()),
            ("+5511987654321", "Seu carro está pronto.")
        );
        let long = "Olá! ".repeat(20);
        let draft =
            MessageDraft::text(MessageChannel::WhatsApp, "+5511987654321", &long, Recipients::Own(&phones))
                .expect("accepted");
        assert!(draft.subject.ends_with('…') && draft.subject.chars().count() <= 61);
        let refused = MessageDraft::text(
            MessageChannel::Email,
            "+5511000000000",
            &"x".repeat(TEXT_MAX + 1),
            Recipients::Own(&phones),
        )
        .expect_err("refused");
        let mut fields: Vec<_> = refused.fields().collect();
        fields.sort();
        assert_eq!(fields, vec!["body", "channel", "to"]);
    }

    #[test]
    fn a_gateway_carries_at_least_one_channel_and_signs_with_a_long_secret() {
        let refused = GatewaySettings::parse("ftp://x", "short", false, false).expect_err("refused");
        let mut fields: Vec<_> = refused.fields().collect();
        fields.sort();
        assert_eq!(fields, vec!["channels", "secret", "url"]);
        let ok = GatewaySettings::parse("https://sms.example.com/send", "", true, false).expect("accepted");
        assert!(
            ok.carries(MessageChannel::Sms) && !ok.carries(MessageChannel::WhatsApp) && ok.secret.is_none()
        );
    }

    #[test]
    fn attachments_keep_a_plain_name_and_stay_under_ten_megabytes() {
        let files = vec![
            ("C:\\Users\\ana\\proposta.pdf".to_string(), "application/pdf".to_string(), vec![1u8; 10]),
            ("../../etc/passwd\n".to_string(), "text/plain; evil".to_string(), vec![2u8; 5]),
        ];
        let checked = Attachment::check_all(files).expect("accepted");
        assert_eq!(checked[0].file_name, "proposta.pdf");
        assert_eq!(checked[1].file_name, "passwd");
        assert_eq!(checked[1].content_type, "application/octet-stream");
        let too_big = vec![(
            "a.bin".to_string(),
            "application/octet-stream".to_string(),
            vec![0u8; ATTACHMENTS_MAX_BYTES + 1],
        )];
        assert!(Attachment::check_all(too_big).is_err());
        let empty = vec![("a.txt".to_string(), "text/plain".to_string(), vec![])];
        assert!(Attachment::check_all(empty).is_err());
    }

    #[test]
    fn a_subject_is_one_line() {
        let refused =
            MessageDraft::email("ana@example.com", "a\r\nBcc: x@y.z", "Olá", Recipients::Own(&known()))
                .expect_err("refused");
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
