//! A quote [proposta] as its documents show it: the variables a quote's
//! template names (seed 002: "consultar variáveis"), the standard template
//! used until the organisation writes its own, and the values a template
//! is checked and previewed with. Every value is already written for the
//! customer ("R$ 1.234,56", "10/01/2027"), so a template only places them.
use crate::email::{Customer, Installment, Organisation, Sender, Variables};
use crate::pdf::{Input, PdfError, typeset};
use serde::Serialize;

/// The quote itself, as `proposta.numero`, `proposta.total`, ….
#[derive(Clone, Debug, Default, Serialize)]
pub struct Proposal {
    pub numero: String,
    pub revisao: String,
    pub emissao: String,
    pub validade: String,
    pub condicoes_pagamento: String,
    pub prazo_entrega: String,
    pub observacoes: String,
    pub subtotal: String,
    /// The quote's own discount, as a percentage ("5 %"), empty without one.
    pub desconto_percentual: String,
    pub desconto: String,
    pub frete: String,
    pub total: String,
}

/// One line, as `item.descricao` inside `{% for item in itens %}`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Item {
    pub codigo: String,
    pub descricao: String,
    pub unidade: String,
    pub quantidade: String,
    pub preco_unitario: String,
    /// The line's discount as a percentage ("10 %"), empty without one.
    pub desconto: String,
    pub total: String,
}

/// Every variable of a quote's template, as a person writes it; the
/// `item.` ones inside the loop over `itens`.
pub const VARIABLE_NAMES: &[&str] = &[
    "cliente.nome",
    "cliente.primeiro_nome",
    "cliente.email",
    "cliente.cidade",
    "cliente.uf",
    "usuario.nome",
    "usuario.email",
    "organizacao.nome",
    "proposta.numero",
    "proposta.revisao",
    "proposta.emissao",
    "proposta.validade",
    "proposta.condicoes_pagamento",
    "proposta.prazo_entrega",
    "proposta.observacoes",
    "proposta.subtotal",
    "proposta.desconto_percentual",
    "proposta.desconto",
    "proposta.frete",
    "proposta.total",
    "item.codigo",
    "item.descricao",
    "item.unidade",
    "item.quantidade",
    "item.preco_unitario",
    "item.desconto",
    "item.total",
];

/// How the lines are walked, shown beside the list of variables.
pub const LOOP_EXAMPLE: &str = "{% for item in itens %} … {{ item.descricao }} … {% endfor %}";

/// The subject of a quote's e-mail until the organisation writes its own.
pub const STANDARD_SUBJECT: &str = "Proposta nº {{ proposta.numero }} — {{ organizacao.nome }}";

/// The standard quote document: a greeting, the lines, the totals, the
/// terms. Inline styles only, as mail clients read them.
pub const STANDARD_BODY: &str = r#"<div style="font-family: Arial, sans-serif; color: #1f2933; max-width: 720px">
<h1 style="font-size: 20px">{{ organizacao.nome }} · Proposta nº {{ proposta.numero }}</h1>
<p>Prezado(a) {{ cliente.nome }},</p>
<p>Segue nossa proposta, emitida em {{ proposta.emissao }} e válida até {{ proposta.validade }}.</p>
<table style="border-collapse: collapse; width: 100%">
<thead><tr>
<th style="text-align: left; border-bottom: 1px solid #999; padding: 4px">Descrição</th>
<th style="text-align: right; border-bottom: 1px solid #999; padding: 4px">Qtd.</th>
<th style="text-align: right; border-bottom: 1px solid #999; padding: 4px">Preço unitário</th>
<th style="text-align: right; border-bottom: 1px solid #999; padding: 4px">Desconto</th>
<th style="text-align: right; border-bottom: 1px solid #999; padding: 4px">Total</th>
</tr></thead>
<tbody>
{% for item in itens %}<tr>
<td style="padding: 4px">{% if item.codigo %}{{ item.codigo }} · {% endif %}{{ item.descricao }}</td>
<td style="text-align: right; padding: 4px">{{ item.quantidade }} {{ item.unidade }}</td>
<td style="text-align: right; padding: 4px">{{ item.preco_unitario }}</td>
<td style="text-align: right; padding: 4px">{{ item.desconto }}</td>
<td style="text-align: right; padding: 4px">{{ item.total }}</td>
</tr>{% endfor %}
</tbody>
</table>
<p style="text-align: right">Subtotal: {{ proposta.subtotal }}<br>
{% if proposta.desconto_percentual %}Desconto ({{ proposta.desconto_percentual }}): {{ proposta.desconto }}<br>{% endif %}
Frete: {{ proposta.frete }}<br>
<strong>Total: {{ proposta.total }}</strong></p>
<p>Condições de pagamento: {{ proposta.condicoes_pagamento }}{% if proposta.prazo_entrega %}<br>Entrega: {{ proposta.prazo_entrega }}{% endif %}</p>
{% if proposta.observacoes %}<p>{{ proposta.observacoes }}</p>{% endif %}
<p>Atenciosamente,<br>{{ usuario.nome }}<br>{{ organizacao.nome }}</p>
</div>"#;

impl Variables {
    /// A quote standing in for a real one, to check and preview a quote's template.
    pub fn sample_quote() -> Variables {
        let item =
            |codigo: &str, descricao: &str, quantidade: &str, preco: &str, desconto: &str, total: &str| {
                Item {
                    codigo: codigo.into(),
                    descricao: descricao.into(),
                    unidade: "un".into(),
                    quantidade: quantidade.into(),
                    preco_unitario: preco.into(),
                    desconto: desconto.into(),
                    total: total.into(),
                }
            };
        Variables {
            proposta: Some(Proposal {
                numero: "42".into(),
                revisao: "1".into(),
                emissao: "04/12/2026".into(),
                validade: "03/01/2027".into(),
                condicoes_pagamento: "3 parcelas".into(),
                prazo_entrega: "15 dias".into(),
                observacoes: "Instalação inclusa.".into(),
                subtotal: "R$ 1.350,00".into(),
                desconto_percentual: "5 %".into(),
                desconto: "R$ 67,50".into(),
                frete: "R$ 80,00".into(),
                total: "R$ 1.362,50".into(),
            }),
            itens: Some(vec![
                item("PN-225", "Pneu 225/45 R17", "4", "R$ 300,00", "", "R$ 1.200,00"),
                item("", "Alinhamento e balanceamento", "1", "R$ 150,00", "", "R$ 150,00"),
            ]),
            parcela: Installment::default(),
            ..Variables::sample()
        }
    }

    /// The variables of one quote, for its customer, from its writer.
    pub fn of_quote(
        cliente: Customer,
        usuario: Sender,
        organizacao: Organisation,
        proposta: Proposal,
        itens: Vec<Item>,
    ) -> Variables {
        Variables {
            cliente,
            usuario,
            organizacao,
            parcela: Installment::default(),
            proposta: Some(proposta),
            itens: Some(itens),
        }
    }
}

/// The words a quote's documents print around its values, in the reader's
/// language (the caller takes them from the message catalogue).
#[derive(Clone, Debug, Default, Serialize)]
pub struct SheetLabels {
    /// Payment terms: "À vista".
    pub cash: String,
    /// Payment terms in installments, `{count}` standing for how many.
    pub installments: String,
    pub title: String,
    /// "nº" before the number.
    pub number: String,
    pub revision: String,
    pub customer: String,
    pub issued_on: String,
    pub valid_until: String,
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub discount: String,
    pub total: String,
    pub subtotal: String,
    pub quote_discount: String,
    pub freight: String,
    pub grand_total: String,
    pub payment_terms: String,
    pub delivery_terms: String,
    pub notes: String,
    pub seller: String,
    pub page: String,
}

/// Everything a quote's PDF shows.
pub struct Sheet<'a> {
    pub variables: &'a Variables,
    pub labels: &'a SheetLabels,
    /// The reader's language as a BCP 47 tag ("pt-BR"): hyphenation and quotes.
    pub language: &'a str,
    /// The organisation's logo: a PNG or a JPEG.
    pub logo: Option<&'a [u8]>,
}

#[derive(Serialize)]
struct SheetData<'a> {
    variables: &'a Variables,
    labels: &'a SheetLabels,
    lang: &'a str,
    region: Option<&'a str>,
    logo: Option<&'static str>,
}

/// The quote as a PDF: the organisation's logo and name, the customer,
/// the lines, the totals and the terms, set in DejaVu Sans on A4.
pub fn pdf(sheet: &Sheet) -> Result<Vec<u8>, PdfError> {
    let (lang, region) = match sheet.language.split_once('-') {
        Some((lang, region)) => (lang, Some(region)),
        None => (sheet.language, None),
    };
    let logo_path =
        sheet.logo.map(|logo| if logo.starts_with(&[0xFF, 0xD8, 0xFF]) { "/logo.jpg" } else { "/logo.png" });
    let data = SheetData { variables: sheet.variables, labels: sheet.labels, lang, region, logo: logo_path };
    let data = serde_json::to_vec(&data).map_err(|e| PdfError(e.to_string()))?;
    let mut inputs = vec![Input { path: "/data.json", content: data }];
    if let (Some(path), Some(logo)) = (logo_path, sheet.logo) {
        inputs.push(Input { path, content: logo.to_vec() });
    }
    typeset(include_str!("quote.typ"), inputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::{check, render};

    #[test]
    fn the_standard_template_names_only_known_variables() {
        let filled = check(STANDARD_SUBJECT, STANDARD_BODY, &Variables::sample_quote()).expect("standard");
        assert_eq!(filled.subject, "Proposta nº 42 — Loja Exemplo");
        assert!(filled.text.contains("PN-225 · Pneu 225/45 R17"), "{}", filled.text);
        assert!(filled.text.contains("Total: R$ 1.362,50"), "{}", filled.text);
    }

    #[test]
    fn an_email_cannot_name_a_quote_and_a_quote_cannot_name_an_unknown_field() {
        let (field, error) = check("Oi", "{{ proposta.numero }}", &Variables::sample()).expect_err("e-mail");
        assert_eq!((field, error.key), ("body", "error-template-unknown-variable"));
        let (_, error) =
            check("Oi", "{% for item in itens %}{{ item.cor }}{% endfor %}", &Variables::sample_quote())
                .expect_err("unknown field of a line");
        assert_eq!(error.key, "error-template-unknown-variable");
    }

    fn labels() -> SheetLabels {
        SheetLabels {
            title: "Proposta".into(),
            number: "nº".into(),
            total: "Total".into(),
            grand_total: "Total geral".into(),
            ..SheetLabels::default()
        }
    }

    #[test]
    fn the_pdf_carries_the_customer_the_lines_and_the_total() {
        let variables = Variables::sample_quote();
        let labels = labels();
        let sheet = Sheet { variables: &variables, labels: &labels, language: "pt-BR", logo: None };
        let pdf = pdf(&sheet).expect("typeset");
        assert!(pdf.starts_with(b"%PDF-"), "a PDF");
        assert!(pdf.len() > 1_000, "with content");
    }

    #[test]
    fn a_logo_that_is_not_an_image_is_refused_not_panicked_on() {
        let variables = Variables::sample_quote();
        let labels = labels();
        let sheet =
            Sheet { variables: &variables, labels: &labels, language: "en", logo: Some(b"not a png") };
        assert!(pdf(&sheet).is_err());
    }

    #[test]
    fn every_listed_variable_can_be_used() {
        for name in VARIABLE_NAMES {
            let body = if let Some(field) = name.strip_prefix("item.") {
                format!("{{% for item in itens %}}{{{{ item.{field} }}}}{{% endfor %}}")
            } else {
                format!("{{{{ {name} }}}}")
            };
            render("s", &body, &Variables::sample_quote()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        }
    }
}
