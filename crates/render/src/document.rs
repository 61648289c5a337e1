//! Plain documents typeset as PDFs: a contract generated when a sale
//! closes with surplus products, a visit sheet. A title, the facts the
//! document states, a table and paragraphs, with the organisation's logo.
use crate::pdf::{Input, PdfError, typeset};
use serde::Serialize;

/// What a document shows, already in the reader's words.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Document {
    pub title: String,
    pub organisation: String,
    /// (label, value) lines under the title.
    pub facts: Vec<(String, String)>,
    /// The table's headings; no table when `rows` is empty.
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub paragraphs: Vec<String>,
    /// "Página" before the page numbers.
    pub page_label: String,
}

#[derive(Serialize)]
struct Data<'a> {
    #[serde(flatten)]
    document: &'a Document,
    lang: &'a str,
    region: Option<&'a str>,
    logo: Option<&'static str>,
}

/// The document as a PDF in `language` (a BCP 47 tag, "pt-BR"), with the
/// logo (PNG or JPEG) when there is one.
pub fn pdf(document: &Document, language: &str, logo: Option<&[u8]>) -> Result<Vec<u8>, PdfError> {
    let (lang, region) = match language.split_once('-') {
        Some((lang, region)) => (lang, Some(region)),
        None => (language, None),
    };
    let logo_path =
        logo.map(|logo| if logo.starts_with(&[0xFF, 0xD8, 0xFF]) { "/logo.jpg" } else { "/logo.png" });
    let data = Data { document, lang, region, logo: logo_path };
    let data = serde_json::to_vec(&data).map_err(|e| PdfError(e.to_string()))?;
    let mut inputs = vec![Input { path: "/data.json", content: data }];
    if let (Some(path), Some(logo)) = (logo_path, logo) {
        inputs.push(Input { path, content: logo.to_vec() });
    }
    typeset(include_str!("document.typ"), inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_with_its_facts_table_and_markup_left_as_text() {
        let document = Document {
            title: "Contrato #1 [excedente]".into(),
            organisation: "Loja *Centro*".into(),
            facts: vec![("Cliente".into(), "Marcos = Teixeira".into())],
            head: vec!["Código".into(), "Produto".into()],
            rows: vec![vec!["SEG-AUTO".into(), "Seguro #auto".into()]],
            paragraphs: vec!["Assinaturas: _____".into()],
            page_label: "Página".into(),
        };
        let pdf = pdf(&document, "pt-BR", None).expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
