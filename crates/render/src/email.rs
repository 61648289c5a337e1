//! E-mails from templates an organisation writes [modelos de e-mail]:
//! a subject and an HTML body with variables (`{{ cliente.nome }}`), in a
//! sandbox — no loader, no file or network, a fuel limit so a loop cannot
//! hold the worker — and a text part made from the HTML for mail clients
//! that show text only.
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::Serialize;

/// Enough for any e-mail a person writes; a runaway loop stops here.
const FUEL: u64 = 50_000;

/// What a template may name, grouped as it is written: `cliente.nome`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Variables {
    pub cliente: Customer,
    pub usuario: Sender,
    pub organizacao: Organisation,
    /// The installment a payment reminder is about; empty in other e-mails.
    pub parcela: Installment,
    /// The quote a quote's template writes; absent from e-mails, so naming
    /// it there is an unknown variable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposta: Option<crate::quote::Proposal>,
    /// The quote's lines, for `{% for item in itens %}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub itens: Option<Vec<crate::quote::Item>>,
}

/// An installment as a reminder names it, written for the customer.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Installment {
    pub numero: String,
    /// What is left to pay, with its currency: "R$ 45,00".
    pub valor: String,
    /// The due date: "10/01/2027".
    pub vencimento: String,
    /// Days past due; "0" before.
    pub dias_atraso: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Customer {
    pub nome: String,
    pub primeiro_nome: String,
    pub email: String,
    pub cidade: String,
    pub uf: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Sender {
    pub nome: String,
    pub email: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Organisation {
    pub nome: String,
}

/// Every variable, as a person writes it, for the "show variables" list.
pub const VARIABLE_NAMES: &[&str] = &[
    "cliente.nome",
    "cliente.primeiro_nome",
    "cliente.email",
    "cliente.cidade",
    "cliente.uf",
    "usuario.nome",
    "usuario.email",
    "organizacao.nome",
    "parcela.numero",
    "parcela.valor",
    "parcela.vencimento",
    "parcela.dias_atraso",
];

impl Variables {
    /// Values standing in for a customer, to check and preview a template.
    pub fn sample() -> Variables {
        Variables {
            cliente: Customer {
                nome: "Maria da Silva".into(),
                primeiro_nome: "Maria".into(),
                email: "maria@exemplo.com.br".into(),
                cidade: "São Paulo".into(),
                uf: "SP".into(),
            },
            usuario: Sender { nome: "Carlos Vendedor".into(), email: "carlos@exemplo.com.br".into() },
            organizacao: Organisation { nome: "Loja Exemplo".into() },
            parcela: Installment {
                numero: "2".into(),
                valor: "R$ 150,00".into(),
                vencimento: "10/01/2027".into(),
                dias_atraso: "0".into(),
            },
            proposta: None,
            itens: None,
        }
    }
}

/// Why a template cannot be used: a message key, the line, and the
/// engine's words about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub key: &'static str,
    pub line: Option<usize>,
    pub detail: String,
}

/// An e-mail made from a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub html: String,
    pub text: String,
}

impl RenderedEmail {
    /// The e-mail with a text of the sender's above it (the header of a
    /// sending to customers); its lines kept.
    pub fn headed(self, header: &str) -> RenderedEmail {
        let header = header.trim();
        if header.is_empty() {
            return self;
        }
        let lines = crate::chart::escape(header).replace('\n', "<br>");
        RenderedEmail {
            subject: self.subject,
            html: format!("<p>{lines}</p>\n{}", self.html),
            text: format!("{header}\n\n{}", self.text),
        }
    }
}

fn environment(escape: bool) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_auto_escape_callback(move |_| if escape { AutoEscape::Html } else { AutoEscape::None });
    env
}

fn render_one(source: &str, variables: &Variables, escape: bool) -> Result<String, TemplateError> {
    let env = environment(escape);
    env.render_str(source, variables).map_err(|error| TemplateError {
        key: match error.kind() {
            ErrorKind::SyntaxError | ErrorKind::BadEscape => "error-template-syntax",
            ErrorKind::UndefinedError => "error-template-unknown-variable",
            ErrorKind::OutOfFuel => "error-template-too-long",
            _ => "error-template-invalid",
        },
        line: error.line(),
        detail: error.detail().unwrap_or_default().to_string(),
    })
}

/// Renders a subject (plain text: a variable is not escaped, and the
/// result is one line) and an HTML body (variables escaped), with the
/// body's text part. `Err` names which of the two failed.
pub fn render(
    subject: &str,
    body: &str,
    variables: &Variables,
) -> Result<RenderedEmail, (&'static str, TemplateError)> {
    let subject = render_one(subject, variables, false).map_err(|e| ("subject", e))?;
    let html = render_one(body, variables, true).map_err(|e| ("body", e))?;
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(RenderedEmail { subject, text: text_of(&html), html })
}

/// A template is checked by rendering it with sample values (an e-mail's,
/// or a quote's): a syntax error or an unknown variable is found when it
/// is saved, not when the worker sends it at 3 am.
pub fn check(
    subject: &str,
    body: &str,
    sample: &Variables,
) -> Result<RenderedEmail, (&'static str, TemplateError)> {
    render(subject, body, sample)
}

/// The text a mail client shows for an HTML body: tags dropped, a line
/// break for each block and `<br>`, entities read, link targets kept.
pub fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&decode_entities(&rest[..start]));
        let Some(end) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        let name: String =
            tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        match name.as_str() {
            "br" => text.push('\n'),
            "p" | "div" | "h1" | "h2" | "h3" | "h4" | "ul" | "ol" | "table" | "tr"
                if tag.starts_with('/') =>
            {
                text.push_str("\n\n")
            }
            "li" if !tag.starts_with('/') => text.push_str("\n- "),
            "a" if !tag.starts_with('/') => {
                if let Some(href) = attribute(&rest[start + 1..start + end], "href") {
                    text.push_str(&format!("[{}] ", decode_entities(&href)));
                }
            }
            _ => {}
        }
        rest = &rest[start + end + 1..];
    }
    text.push_str(&decode_entities(rest));
    // At most one blank line in a row, no spaces at line ends.
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_string()
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let value = &tag[at..];
    let quote = value.chars().next()?;
    if quote == '"' || quote == '\'' {
        value[1..].find(quote).map(|end| value[1..1 + end].to_string())
    } else {
        Some(value.split_whitespace().next().unwrap_or_default().to_string())
    }
}

fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_fill_the_subject_and_are_escaped_in_the_body() {
        let mut variables = Variables::sample();
        variables.cliente.nome = "Ana <b>&</b> Cia".into();
        let email = render(
            "Olá, {{ cliente.primeiro_nome }}!",
            "<p>Prezada {{ cliente.nome }},</p><p>até breve.</p>",
            &variables,
        )
        .expect("rendered");
        assert_eq!(email.subject, "Olá, Maria!");
        assert!(email.html.contains("Ana &lt;b&gt;&amp;&lt;&#x2f;b&gt; Cia"), "{}", email.html);
        assert_eq!(email.text, "Prezada Ana <b>&</b> Cia,\n\naté breve.");
    }

    #[test]
    fn an_unknown_variable_or_bad_syntax_is_named_when_checked() {
        let (field, error) =
            check("Oi", "<p>{{ cliente.apelido }}</p>", &Variables::sample()).expect_err("unknown");
        assert_eq!((field, error.key), ("body", "error-template-unknown-variable"));
        let (field, error) =
            check("Oi {{ cliente.nome", "<p>ok</p>", &Variables::sample()).expect_err("syntax");
        assert_eq!((field, error.key, error.line), ("subject", "error-template-syntax", Some(1)));
    }

    #[test]
    fn a_runaway_loop_runs_out_of_fuel() {
        let (_, error) = check(
            "Oi",
            "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
            &Variables::sample(),
        )
        .expect_err("stopped");
        assert_eq!(error.key, "error-template-too-long");
    }

    #[test]
    fn the_text_part_keeps_breaks_lists_and_links() {
        let text = text_of(
            "<h1>Oferta</h1><p>Veja:<br>hoje</p><ul><li>um</li><li>dois</li></ul><a href=\"https://x.com/a?b=1&amp;c=2\">aqui</a>",
        );
        assert_eq!(text, "Oferta\n\nVeja:\nhoje\n\n- um\n- dois\n\n[https://x.com/a?b=1&c=2] aqui");
    }
}
