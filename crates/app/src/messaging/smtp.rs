//! Speaking to the organisation's mail server: one pooled connection set
//! per organisation, built again when its settings change.
use db::repo::smtp::SmtpRow;
use domain::message::SmtpTls;
use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use uuid::Uuid;

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// Why a message did not go: the server's words (or the connection's
/// error), and whether trying again could help (a 4xx answer or no
/// connection) or not (a 5xx answer, an address the server refuses).
#[derive(Clone, Debug)]
pub struct SendFailure {
    pub permanent: bool,
    pub answer: String,
}

/// An e-mail ready to leave.
pub struct Envelope<'a> {
    /// Stable across tries: a resend after a crash carries the same
    /// Message-ID, which mail clients show once.
    pub message_id: Uuid,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    /// A message from a template goes as HTML with the text beside it.
    pub html: Option<&'a str>,
}

/// Keeps each organisation's transport (and its pool of open connections)
/// between messages.
#[derive(Default)]
pub struct Mailer {
    transports: Mutex<HashMap<Uuid, (i64, Transport)>>,
}

const TIMEOUT: Duration = Duration::from_secs(30);

impl Mailer {
    /// Sends through the organisation's pooled transport; its answer's text.
    pub async fn send(
        &self,
        org: Uuid,
        server: &SmtpRow,
        envelope: &Envelope<'_>,
    ) -> Result<String, SendFailure> {
        let transport = self.transport(org, server)?;
        deliver(&transport, server, envelope).await
    }

    /// Sends over a connection of its own, for the settings page's test: the
    /// settings just typed are tried as they are, not a cached transport.
    pub async fn send_once(server: &SmtpRow, envelope: &Envelope<'_>) -> Result<String, SendFailure> {
        let transport = build(server, PoolConfig::new().max_size(1))?;
        deliver(&transport, server, envelope).await
    }

    fn transport(&self, org: Uuid, server: &SmtpRow) -> Result<Transport, SendFailure> {
        let mut transports = self.transports.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((version, transport)) = transports.get(&org) {
            if *version == server.version {
                return Ok(transport.clone());
            }
        }
        let transport = build(server, PoolConfig::new().max_size(8))?;
        transports.insert(org, (server.version, transport.clone()));
        Ok(transport)
    }
}

fn client_failure(answer: impl ToString) -> SendFailure {
    SendFailure { permanent: true, answer: answer.to_string() }
}

fn build(server: &SmtpRow, pool: PoolConfig) -> Result<Transport, SendFailure> {
    let tls = SmtpTls::parse(&server.tls).map_err(client_failure)?;
    let port = u16::try_from(server.port).map_err(client_failure)?;
    let parameters = || TlsParameters::new(server.host.clone()).map_err(client_failure);
    let mut builder = Transport::builder_dangerous(server.host.as_str())
        .port(port)
        .timeout(Some(TIMEOUT))
        .pool_config(pool)
        .tls(match tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(parameters()?),
            SmtpTls::Tls => Tls::Wrapper(parameters()?),
        });
    if !server.username.is_empty() {
        builder = builder.credentials(Credentials::new(server.username.clone(), server.password.clone()));
    }
    Ok(builder.build())
}

fn compose(server: &SmtpRow, envelope: &Envelope<'_>) -> Result<Message, SendFailure> {
    let name = (!server.sender_name.is_empty()).then(|| server.sender_name.clone());
    let from = Mailbox::new(name, server.sender_address.parse().map_err(client_failure)?);
    let mut builder = Message::builder()
        .from(from)
        .to(Mailbox::new(None, envelope.to.parse().map_err(client_failure)?))
        .subject(envelope.subject)
        .message_id(Some(format!("<{}@{}>", envelope.message_id, domain_of(&server.sender_address))));
    if !server.reply_to.is_empty() {
        builder = builder.reply_to(Mailbox::new(None, server.reply_to.parse().map_err(client_failure)?));
    }
    match envelope.html {
        Some(html) => builder
            .multipart(MultiPart::alternative_plain_html(envelope.text.to_string(), html.to_string()))
            .map_err(client_failure),
        None => {
            builder.header(ContentType::TEXT_PLAIN).body(envelope.text.to_string()).map_err(client_failure)
        }
    }
}

fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("vinculo.local", |(_, domain)| domain)
}

async fn deliver(
    transport: &Transport,
    server: &SmtpRow,
    envelope: &Envelope<'_>,
) -> Result<String, SendFailure> {
    let message = compose(server, envelope)?;
    match transport.send(message).await {
        Ok(response) => {
            let words: Vec<&str> = response.message().collect();
            Ok(format!("{} {}", response.code(), words.join(" ")))
        }
        Err(error) => Err(SendFailure { permanent: error.is_permanent(), answer: error.to_string() }),
    }
}
