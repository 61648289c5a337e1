//! Every message exists in every language, and every key the templates
//! and the code use exists in the catalogue.
use std::collections::BTreeSet;
use std::path::Path;

fn keys(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with(' '))
        .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim().to_string()))
        .collect()
}

/// A key written twice: the later one silently loses, so a new message
/// that reuses a key never shows.
#[test]
fn no_key_is_written_twice() {
    for (locale, source) in web::i18n::CATALOGUES {
        let mut seen = BTreeSet::new();
        let twice: Vec<&str> = source
            .lines()
            .filter(|line| !line.starts_with('#') && !line.starts_with(' '))
            .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim()))
            .filter(|key| !seen.insert(*key))
            .collect();
        assert!(twice.is_empty(), "{}: {twice:?}", locale.tag());
    }
}

#[test]
fn every_language_has_every_message() {
    let catalogues: Vec<(&str, BTreeSet<String>)> =
        web::i18n::CATALOGUES.iter().map(|(locale, source)| (locale.tag(), keys(source))).collect();
    let (reference_tag, reference) = &catalogues[0];
    for (tag, set) in &catalogues[1..] {
        let missing: Vec<_> = reference.difference(set).collect();
        let extra: Vec<_> = set.difference(reference).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{tag} vs {reference_tag}: missing {missing:?}, extra {extra:?}"
        );
    }
}

/// Keys quoted in templates and sources, as `t.get("…")`, `t.with("…"` or
/// message keys such as `"error-…"` returned by the domain.
fn used_keys(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            used_keys(&path, found);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let is_rust = path.extension().is_some_and(|e| e == "rs");
        for marker in [
            "t.get(\"",
            "t.with(\"",
            "t.with_args(\"",
            "render_error_page(StatusCode::FORBIDDEN, locale, \"",
            "\"error-",
            "\"timeline-",
        ] {
            let quoted = marker == "\"error-" || marker == "\"timeline-";
            if quoted && !is_rust {
                continue;
            }
            let mut rest = text.as_str();
            while let Some(start) = rest.find(marker) {
                let after = &rest[start + marker.len()..];
                let end = after.find('"').unwrap_or(0);
                let key = if quoted {
                    format!("{}{}", &marker[1..], &after[..end])
                } else {
                    after[..end].to_string()
                };
                if !key.is_empty() && !key.contains('{') && !key.ends_with('-') {
                    found.insert(key);
                }
                rest = &after[end..];
            }
        }
    }
}

#[test]
fn every_used_key_is_in_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    used_keys(&root.join("templates"), &mut used);
    used_keys(&root.join("src"), &mut used);
    used_keys(&root.join("../domain/src"), &mut used);
    used_keys(&root.join("../app/src"), &mut used);
    assert!(used.len() > 40, "the scan found the keys ({})", used.len());
    let t = web::i18n::tr(domain::Locale::PtBr);
    let missing: Vec<_> = used.iter().filter(|key| !t.has(key)).collect();
    assert!(missing.is_empty(), "keys used but not in the catalogue: {missing:?}");
}

/// Keys the code builds from a code (`format!("channel-{}", …)`), which the
/// scan above cannot read: each enum's every value has its message.
#[test]
fn every_code_built_key_is_in_the_catalogue() {
    use domain::access::{AccessLevel, Permission};
    use domain::appointment::{AppointmentKind, Frequency};
    use domain::interaction::{DEFAULT_NATURES, DEFAULT_STATUSES, InteractionChannel};
    use domain::party::{
        Channel, CustomFieldKind, Lifecycle, PartyKind, PhoneKind, ProspectState, RelationshipKind, Sex,
    };
    use domain::timeline::EventKind;
    let codes = |all: &[&'static str]| all.to_vec();
    let families: Vec<(&str, Vec<&str>)> = vec![
        ("kind-", PartyKind::ALL.iter().map(|k| k.as_str()).collect()),
        ("lifecycle-", Lifecycle::ALL.iter().map(|k| k.as_str()).collect()),
        ("prospect-", ProspectState::ALL.iter().map(|k| k.as_str()).collect()),
        ("status-customer-", codes(&domain::party::DEFAULT_CUSTOMER_STATUSES)),
        ("credit-bureau-", codes(&domain::party::CREDIT_BUREAU_STATUSES)),
        ("channel-", Channel::ALL.iter().map(|k| k.as_str()).collect()),
        ("relationship-", RelationshipKind::ALL.iter().map(|k| k.as_str()).collect()),
        ("sex-", Sex::ALL.iter().map(|k| k.as_str()).collect()),
        ("phone-kind-", PhoneKind::ALL.iter().map(|k| k.as_str()).collect()),
        ("custom-kind-", CustomFieldKind::ALL.iter().map(|k| k.as_str()).collect()),
        ("event-kind-", EventKind::ALL.iter().map(|k| k.as_str()).collect()),
        ("appointment-kind-", AppointmentKind::ALL.iter().map(|k| k.as_str()).collect()),
        ("frequency-", Frequency::ALL.iter().map(|k| k.as_str()).collect()),
        ("interaction-channel-", InteractionChannel::ALL.iter().map(|k| k.as_str()).collect()),
        ("nature-", codes(DEFAULT_NATURES)),
        ("interaction-status-", codes(DEFAULT_STATUSES)),
        ("occurrence-result-", codes(domain::occurrence::DEFAULT_RESULTS)),
        ("access-level-", AccessLevel::ALL.iter().map(|k| k.as_str()).collect()),
        ("audit-action-", domain::audit::AuditAction::ALL.iter().map(|a| a.as_str()).collect()),
        ("audit-entity-", domain::audit::AuditEntity::ALL.iter().map(|a| a.as_str()).collect()),
        ("option-add-", vec!["nature", "status", "result"]),
        ("work-urgency-", domain::work_queue::Urgency::ALL.iter().map(|u| u.as_str()).collect()),
        ("role-", vec![domain::user::Role::Admin.as_str(), domain::user::Role::Member.as_str()]),
        ("weekday-", vec!["1", "2", "3", "4", "5", "6", "7"]),
        ("agenda-view-", vec!["day", "week", "month"]),
        ("month-", vec!["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]),
    ];
    let t = web::i18n::tr(domain::Locale::PtBr);
    let mut missing: Vec<String> = families
        .iter()
        .flat_map(|(prefix, codes)| codes.iter().map(move |code| format!("{prefix}{code}")))
        .filter(|key| !t.has(key))
        .collect();
    // Permission keys replace the code's dots and underscores.
    missing.extend(
        Permission::ALL
            .iter()
            .map(|p| format!("permission-{}", p.as_str().replace(['.', '_'], "-")))
            .filter(|key| !t.has(key)),
    );
    assert!(missing.is_empty(), "keys built from codes but not in the catalogue: {missing:?}");
}
