//! Webhooks [webhooks]: a program of the organisation told of its
//! parties' movements as they happen, each request signed the Standard
//! Webhooks way so the receiver knows it came from here.
use crate::ValidationErrors;
use crate::timeline::EventKind;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

string_enum!(
    /// Where a delivery stands.
    DeliveryState { Queued = "queued", Delivered = "delivered", Failed = "failed" } error "error-delivery-state-invalid"
);

/// A subscription as typed: where to, and which kinds of movement (every
/// kind of a party's history; later capabilities add theirs there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionDraft {
    pub url: url::Url,
    pub events: Vec<EventKind>,
}

impl SubscriptionDraft {
    pub fn parse<'a>(
        url: &str,
        events: impl IntoIterator<Item = &'a str>,
    ) -> Result<SubscriptionDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let parsed = target_url(url, &mut errors);
        let mut kinds = Vec::new();
        for name in events {
            match EventKind::parse(name) {
                Ok(kind) if !kinds.contains(&kind) => kinds.push(kind),
                Ok(_) => {}
                Err(message) => errors.add("events", message),
            }
        }
        if kinds.is_empty() && errors.fields().all(|f| f != "events") {
            errors.add("events", "error-webhook-events-required");
        }
        match parsed {
            Some(url) if errors.is_empty() => Ok(SubscriptionDraft { url, events: kinds }),
            _ => Err(errors),
        }
    }
}

/// An address Vínculo posts to (a webhook, the message gateway): http or
/// https with a host, not absurdly long; a field message on `url` if not.
pub fn target_url(url: &str, errors: &mut ValidationErrors) -> Option<url::Url> {
    match url::Url::parse(url.trim()) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => {
            if url.len() > 2000 {
                errors.add("url", "error-too-long");
            }
            Some(parsed)
        }
        _ => {
            errors.add("url", "error-webhook-url-invalid");
            None
        }
    }
}

/// The event types a subscription names: `party.registration`,
/// `party.consent`, … one per kind of a party's history.
pub fn event_type(kind: EventKind) -> String {
    format!("party.{}", kind.as_str())
}

/// Whether an address is on this machine or a private network: a webhook
/// there could reach what the outside must not (the database, an admin
/// page), so it needs the administrator's permission.
pub fn is_private(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_needs_a_web_address_and_known_events() {
        let ok =
            SubscriptionDraft::parse("https://erp.loja.com.br/hooks", ["consent", "registration", "consent"])
                .expect("accepted");
        assert_eq!(ok.events, vec![EventKind::Consent, EventKind::Registration]);
        let refused = SubscriptionDraft::parse("ftp://x", ["nothing"]).expect_err("refused");
        assert_eq!(refused.fields().collect::<Vec<_>>(), vec!["url", "events"]);
        let none = SubscriptionDraft::parse("http://x.test", []).expect_err("refused");
        assert_eq!(none.fields().collect::<Vec<_>>(), vec!["events"]);
    }

    #[test]
    fn loopback_and_private_networks_are_private() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.4",
            "169.254.1.1",
            "::1",
            "fd00::1",
            "100.64.0.1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(private.parse().expect("ip")), "{private}");
        }
        for public in ["8.8.8.8", "200.147.67.142", "2001:4860:4860::8888"] {
            assert!(!is_private(public.parse().expect("ip")), "{public}");
        }
    }
}
