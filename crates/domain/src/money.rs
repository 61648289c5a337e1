//! Money as whole cents: no floating point anywhere near a balance.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub i64);

string_enum!(
    /// The organisation's currency: every amount it holds is in it.
    Currency {
        Brl = "BRL",
        Eur = "EUR",
    } error "error-currency-invalid"
);

impl Currency {
    /// An amount as a customer reads it in Portuguese: "R$ 1.234,56", "1.234,56 €".
    pub fn written(self, amount: Money) -> String {
        match self {
            Currency::Brl => format!("R$ {}", amount.format_plain()),
            Currency::Eur => format!("{} €", amount.format_plain()),
        }
    }
}

impl Money {
    /// Accepts "1.234,56" (Brazil, Portugal), "1234.56", "1234" and "R$ 1.234,56".
    /// The last `,` or `.` followed by one or two digits is the decimal mark.
    pub fn parse(input: &str) -> Result<Money, &'static str> {
        let cleaned: String = input
            .trim()
            .trim_start_matches("R$")
            .trim_start_matches('€')
            .trim_end_matches('€')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if cleaned.is_empty() {
            return Err("error-required");
        }
        let negative = cleaned.starts_with('-');
        let body = cleaned.trim_start_matches('-');
        if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
            return Err("error-money-invalid");
        }
        let (whole, fraction) = match body.rfind([',', '.']) {
            Some(pos) if body.len() - pos - 1 <= 2 && body.len() - pos > 1 => {
                (&body[..pos], &body[pos + 1..])
            }
            _ => (body, ""),
        };
        let whole_digits: String = whole.chars().filter(char::is_ascii_digit).collect();
        if whole_digits.len() > 15 || (whole_digits.is_empty() && fraction.is_empty()) {
            return Err("error-money-invalid");
        }
        let units: i64 = if whole_digits.is_empty() {
            0
        } else {
            whole_digits.parse().map_err(|_| "error-money-invalid")?
        };
        let cents: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| "error-money-invalid")? * 10,
            _ => fraction.parse().map_err(|_| "error-money-invalid")?,
        };
        let total = units * 100 + cents;
        Ok(Money(if negative { -total } else { total }))
    }

    /// An amount that cannot be below zero (a price, a discount, freight),
    /// as [`Money::parse`] reads it; empty is zero.
    pub fn parse_non_negative(input: &str) -> Result<Money, &'static str> {
        if input.trim().is_empty() {
            return Ok(Money(0));
        }
        match Money::parse(input)? {
            Money(cents) if cents < 0 => Err("error-money-negative"),
            amount => Ok(amount),
        }
    }

    /// "R$ 1.234,56" style, the way Brazil and Portugal group digits.
    pub fn format_plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let units = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in units.chars().enumerate() {
            if i > 0 && (units.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(c);
        }
        format!("{sign}{grouped},{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_local_formats() {
        assert_eq!(Money::parse("1.234,56"), Ok(Money(123456)));
        assert_eq!(Money::parse("R$ 1.234,5"), Ok(Money(123450)));
        assert_eq!(Money::parse("1234.56"), Ok(Money(123456)));
        assert_eq!(Money::parse("1.234"), Ok(Money(123400)));
        assert_eq!(Money::parse("500"), Ok(Money(50000)));
        assert!(Money::parse("12a").is_err());
        assert_eq!(Money(123456).format_plain(), "1.234,56");
        assert_eq!(Money(5).format_plain(), "0,05");
    }
}
