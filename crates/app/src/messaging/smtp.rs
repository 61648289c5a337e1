//! Speaking to the organisation's mail server: open connections kept per
//! organisation, dropped when its settings change.
use db::repo::smtp::SmtpRow;
use domain::message::SmtpTls;
use lettre::Message;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::response::Response;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use uuid::Uuid;

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
    pub attachments: &'a [domain::message::Attachment],
}

/// Keeps each organisation's open connections to its mail server
/// between messages, up to [`IDLE_PER_ORGANISATION`]; its settings changed,
/// the old ones are dropped.
///
/// The connections are our own rather than lettre's pool: lettre writes a
/// message and its final `.` in two writes, and without `TCP_NODELAY` the
/// second waits for the server's delayed acknowledgement — 40 ms a
/// message, measured. Ours set it (plain and STARTTLS servers).
#[derive(Default)]
pub struct Mailer {
    idle: Mutex<HashMap<Uuid, (i64, Vec<AsyncSmtpConnection>)>>,
}

const IDLE_PER_ORGANISATION: usize = 8;
const TIMEOUT: Duration = Duration::from_secs(30);

impl Mailer {
    /// Sends over one of the organisation's open connections (or a new
    /// one); the server's answer.
    pub async fn send(
        &self,
        org: Uuid,
        server: &SmtpRow,
        envelope: &Envelope<'_>,
    ) -> Result<String, SendFailure> {
        let message = compose(server, envelope)?;
        let (addresses, bytes) = (message.envelope().clone(), message.formatted());
        if let Some(mut reused) = self.take_idle(org, server.version) {
            match reused.send(&addresses, &bytes).await {
                Ok(response) => {
                    self.give_back(org, server.version, reused);
                    return Ok(answer_of(&response));
                }
                // A connection the server closed while idle: try a new one.
                Err(error) if !error.is_permanent() => reused.abort().await,
                Err(error) => return Err(failure_of(error)),
            }
        }
        let mut fresh = connect(server).await?;
        let response = fresh.send(&addresses, &bytes).await.map_err(failure_of)?;
        self.give_back(org, server.version, fresh);
        Ok(answer_of(&response))
    }

    /// Sends over a connection of its own, for the settings page's test: the
    /// settings just saved are tried as they are, nothing kept.
    pub async fn send_once(server: &SmtpRow, envelope: &Envelope<'_>) -> Result<String, SendFailure> {
        let message = compose(server, envelope)?;
        let mut connection = connect(server).await?;
        let response = connection.send(message.envelope(), &message.formatted()).await.map_err(failure_of)?;
        let _ = connection.quit().await;
        Ok(answer_of(&response))
    }

    fn take_idle(&self, org: Uuid, version: i64) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match idle.get_mut(&org) {
            Some((kept, connections)) if *kept == version => connections.pop(),
            _ => None,
        }
    }

    fn give_back(&self, org: Uuid, version: i64, connection: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = idle.entry(org).or_insert_with(|| (version, Vec::new()));
        if entry.0 != version {
            *entry = (version, Vec::new());
        }
        if entry.1.len() < IDLE_PER_ORGANISATION {
            entry.1.push(connection);
        }
    }
}

fn answer_of(response: &Response) -> String {
    let words: Vec<&str> = response.message().collect();
    format!("{} {}", response.code(), words.join(" "))
}

fn failure_of(error: lettre::transport::smtp::Error) -> SendFailure {
    SendFailure { permanent: error.is_permanent(), answer: error.to_string() }
}

fn transient(answer: impl ToString) -> SendFailure {
    SendFailure { permanent: false, answer: answer.to_string() }
}

/// A connection, greeted, upgraded to TLS when asked, logged in.
async fn connect(server: &SmtpRow) -> Result<AsyncSmtpConnection, SendFailure> {
    let tls = SmtpTls::parse(&server.tls).map_err(client_failure)?;
    let port = u16::try_from(server.port).map_err(client_failure)?;
    let hello = ClientId::default();
    let parameters = || TlsParameters::new(server.host.clone()).map_err(client_failure);
    let mut connection = match tls {
        SmtpTls::Tls => {
            let wrapped = Some(parameters()?);
            AsyncSmtpConnection::connect_tokio1(
                (server.host.as_str(), port),
                Some(TIMEOUT),
                &hello,
                wrapped,
                None,
            )
            .await
            .map_err(failure_of)?
        }
        SmtpTls::None | SmtpTls::StartTls => {
            let address = (server.host.as_str(), port);
            let stream = tokio::time::timeout(TIMEOUT, tokio::net::TcpStream::connect(address))
                .await
                .map_err(|_| transient("connection timed out"))?
                .map_err(transient)?;
            stream.set_nodelay(true).map_err(transient)?;
            let mut connection = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &hello)
                .await
                .map_err(failure_of)?;
            if tls == SmtpTls::StartTls {
                if !connection.can_starttls() {
                    return Err(client_failure("the server does not offer STARTTLS"));
                }
                connection.starttls(parameters()?, &hello).await.map_err(failure_of)?;
            }
            connection
        }
    };
    if !server.username.is_empty() {
        let credentials = Credentials::new(server.username.clone(), server.password.clone());
        connection.auth(&[Mechanism::Plain, Mechanism::Login], &credentials).await.map_err(failure_of)?;
    }
    Ok(connection)
}

fn client_failure(answer: impl ToString) -> SendFailure {
    SendFailure { permanent: true, answer: answer.to_string() }
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
    if envelope.attachments.is_empty() {
        return match envelope.html {
            Some(html) => builder
                .multipart(MultiPart::alternative_plain_html(envelope.text.to_string(), html.to_string()))
                .map_err(client_failure),
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(envelope.text.to_string())
                .map_err(client_failure),
        };
    }
    let mut mixed = match envelope.html {
        Some(html) => MultiPart::mixed()
            .multipart(MultiPart::alternative_plain_html(envelope.text.to_string(), html.to_string())),
        None => MultiPart::mixed().singlepart(SinglePart::plain(envelope.text.to_string())),
    };
    for file in envelope.attachments {
        let content_type = ContentType::parse(&file.content_type)
            .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("a valid type"));
        mixed = mixed
            .singlepart(Attachment::new(file.file_name.clone()).body(file.content.clone(), content_type));
    }
    builder.multipart(mixed).map_err(client_failure)
}

fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("vinculo.local", |(_, domain)| domain)
}
