//! The message catalogue: every string the UI shows, in pt-BR, en and
//! pt-PT, looked up by key. Also the one place that formats dates.
use chrono::{DateTime, Utc};
use domain::Locale;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;

type Bundle = FluentBundle<FluentResource>;

pub const CATALOGUES: [(Locale, &str); 3] = [
    (Locale::PtBr, include_str!("../locales/pt-BR.ftl")),
    (Locale::En, include_str!("../locales/en.ftl")),
    (Locale::PtPt, include_str!("../locales/pt-PT.ftl")),
];

static BUNDLES: LazyLock<Vec<(Locale, Bundle)>> = LazyLock::new(|| {
    CATALOGUES
        .iter()
        .map(|(locale, source)| {
            let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(partial, errors)| {
                tracing::error!(locale = locale.tag(), ?errors, "message catalogue has syntax errors");
                partial
            });
            let langid = locale.tag().parse().unwrap_or_default();
            let mut bundle = Bundle::new_concurrent(vec![langid]);
            // Unicode isolation marks would end up inside HTML attributes.
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(locale = locale.tag(), ?errors, "duplicate messages in catalogue");
            }
            (*locale, bundle)
        })
        .collect()
});

/// A translator for one language; cheap to copy into every template.
#[derive(Clone, Copy)]
pub struct Tr {
    pub locale: Locale,
    bundle: &'static Bundle,
    /// Where times are read: the organisation's zone on pages that know
    /// it, UTC (and said so) elsewhere.
    zone: Option<chrono_tz::Tz>,
    /// The currency amounts are in: the organisation's.
    currency: domain::money::Currency,
}

/// The translator of a signed-in user: his language, his organisation's time zone.
pub fn tr_for(actor: &app::Actor) -> Tr {
    Tr { currency: actor.currency, ..tr(actor.locale).in_zone(actor.time_zone) }
}

pub fn tr(locale: Locale) -> Tr {
    let bundle = BUNDLES
        .iter()
        .find(|(l, _)| *l == locale)
        .or_else(|| BUNDLES.first())
        .map(|(_, b)| b)
        .unwrap_or_else(|| unreachable!("the catalogue list is a non-empty constant"));
    Tr { locale, bundle, zone: None, currency: domain::money::Currency::Brl }
}

impl Tr {
    pub fn get(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// A message with one argument, the common case in templates.
    pub fn with(&self, key: &str, name: &str, value: impl ToString) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_string()));
        self.format(key, Some(&args))
    }

    /// A message with a `$count` argument that chooses the plural form.
    pub fn count(&self, key: &str, count: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        self.format(key, Some(&args))
    }

    /// A message with several numbers, each able to choose a plural form.
    pub fn counts(&self, key: &str, numbers: &[(&str, i64)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in numbers {
            args.set(*name, FluentValue::from(*value));
        }
        self.format(key, Some(&args))
    }

    pub fn with_args(&self, key: &str, pairs: &[(&str, String)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in pairs {
            args.set(*name, FluentValue::from(value.clone()));
        }
        self.format(key, Some(&args))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, locale = self.locale.tag(), "message missing from catalogue");
            return key.to_string();
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, ?errors, "message formatting errors");
        }
        text.into_owned()
    }

    pub fn has(&self, key: &str) -> bool {
        self.bundle.has_message(key)
    }

    /// The same translator, showing times in `zone`; pages of a signed-in
    /// user take [`tr_for`], which sets the organisation's.
    pub fn in_zone(self, zone: chrono_tz::Tz) -> Tr {
        Tr { zone: Some(zone), ..self }
    }

    /// Date and time as people of this language write them, in the
    /// organisation's zone when the page set it, else in UTC (and said so).
    pub fn datetime(&self, at: &DateTime<Utc>) -> String {
        let format = match self.locale {
            Locale::PtBr | Locale::PtPt => "%d/%m/%Y %H:%M",
            Locale::En => "%Y-%m-%d %H:%M",
        };
        match self.zone {
            Some(zone) => at.with_timezone(&zone).format(format).to_string(),
            None => format!("{} UTC", at.format(format)),
        }
    }

    /// A number with one decimal, with the language's decimal mark: 2,5 / 2.5.
    pub fn one_decimal(&self, value: f64) -> String {
        let text = format!("{value:.1}");
        match self.locale {
            Locale::En => text,
            Locale::PtBr | Locale::PtPt => text.replace('.', ","),
        }
    }

    /// The day of an instant, in the page's zone (UTC when none was set).
    pub fn day(&self, at: &DateTime<Utc>) -> String {
        let day = match self.zone {
            Some(zone) => at.with_timezone(&zone).date_naive(),
            None => at.date_naive(),
        };
        self.date(&day)
    }

    /// Date and time as a `datetime-local` field holds them
    /// (`2026-12-07T09:30`), in the page's zone.
    pub fn datetime_input(&self, at: &DateTime<Utc>) -> String {
        match self.zone {
            Some(zone) => at.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string(),
            None => at.format("%Y-%m-%dT%H:%M").to_string(),
        }
    }

    /// The time of day, `14:30`, in the page's zone.
    pub fn time(&self, at: &DateTime<Utc>) -> String {
        match self.zone {
            Some(zone) => at.with_timezone(&zone).format("%H:%M").to_string(),
            None => at.format("%H:%M").to_string(),
        }
    }

    /// The local day of an instant, in the page's zone.
    pub fn local_day(&self, at: &DateTime<Utc>) -> chrono::NaiveDate {
        match self.zone {
            Some(zone) => at.with_timezone(&zone).date_naive(),
            None => at.date_naive(),
        }
    }

    /// A calendar date: 17/05/1980, or 1980-05-17 in English.
    pub fn date(&self, date: &chrono::NaiveDate) -> String {
        match self.locale {
            Locale::PtBr | Locale::PtPt => date.format("%d/%m/%Y").to_string(),
            Locale::En => date.format("%Y-%m-%d").to_string(),
        }
    }

    /// Money in cents, in the organisation's currency and the reader's
    /// language: R$ 1.234,56 / R$1,234.56 for reais, 1.234,56 € / €1,234.56
    /// for euros — a real is a real whoever reads it.
    pub fn money(&self, cents: i64) -> String {
        use domain::money::Currency;
        let plain = domain::Money(cents).format_plain();
        let english = || plain.replace('.', "\u{0}").replace(',', ".").replace('\u{0}', ",");
        match (self.currency, self.locale) {
            (Currency::Brl, Locale::En) => format!("R${}", english()),
            (Currency::Brl, _) => format!("R$ {plain}"),
            (Currency::Eur, Locale::En) => format!("€{}", english()),
            (Currency::Eur, _) => format!("{plain} €"),
        }
    }

    /// A whole number with the language's thousands separator: 35.000, 35,000.
    pub fn integer(&self, value: i64) -> String {
        let digits = value.unsigned_abs().to_string();
        let separator = if self.locale == Locale::En { ',' } else { '.' };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(c);
        }
        if value < 0 { format!("-{out}") } else { out }
    }

    pub fn role(&self, role: domain::user::Role) -> String {
        self.get(&format!("role-{}", role.as_str()))
    }
}
