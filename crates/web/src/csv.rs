//! CSV as Brazilian and Portuguese spreadsheets open it: `;` between
//! fields (the comma is the decimal mark there), UTF-8 with a BOM so
//! accents survive, CRLF line ends.
use crate::i18n::Tr;
use app::parties::PartyListItem;

const BOM: &str = "\u{feff}";

fn field(value: &str) -> String {
    if value.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

fn line(out: &mut String, fields: &[String]) {
    let cells: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&cells.join(";"));
    out.push_str("\r\n");
}

pub fn parties(rows: &[PartyListItem], t: &Tr) -> String {
    let yes_no = |b: bool| if b { t.get("yes") } else { t.get("no") };
    let mut out = String::from(BOM);
    let headers = [
        "party-name",
        "party-trade-name",
        "party-kind",
        "party-lifecycle",
        "party-status",
        "party-document",
        "party-phone",
        "party-email",
        "address-city",
        "address-state",
        "channel-sms_whatsapp",
        "channel-email",
        "channel-phone",
        "channel-letter",
        "csv-id",
    ];
    line(&mut out, &headers.map(|h| t.get(h)));
    for row in rows {
        line(
            &mut out,
            &[
                row.full_name.clone(),
                row.trade_name.clone().unwrap_or_default(),
                t.get(&format!("kind-{}", row.kind)),
                t.get(&format!("lifecycle-{}", row.lifecycle)),
                crate::html::customers::Labels::status(t, &row.lifecycle, row.status.as_deref()),
                row.document.clone().unwrap_or_default(),
                row.phone.clone().unwrap_or_default(),
                row.email.clone().unwrap_or_default(),
                row.city.clone(),
                row.state.clone(),
                yes_no(row.consent.sms_whatsapp),
                yes_no(row.consent.email),
                yes_no(row.consent.phone),
                yes_no(row.consent.letter),
                row.id.to_string(),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(field("São Paulo"), "São Paulo");
        assert_eq!(field("a;b"), "\"a;b\"");
        assert_eq!(field("diz \"oi\""), "\"diz \"\"oi\"\"\"");
    }
}
