//! A filter tree ([`domain::filter::Filter`]) as JSON Schema, written from
//! the fields' kinds and the tests each kind takes ([`FieldKind::tests`]):
//! the document and the server's reading (`Filter::from_json`, then
//! `Filter::check`) come from the same lists and cannot drift.
//!
//! A node is one of: `{"all": [node…]}`, `{"any": [node…]}`,
//! `{"not": node}`, or `{"field": <name>, <test>: <payload>}` where the
//! field's kind decides which tests and payloads fit. Only what JSON Schema
//! cannot state is left to the server: a tree deeper than
//! [`domain::filter::MAX_DEPTH`] and 29 February in a year without one.
use domain::filter::{Field, FieldKind, TestName};
use serde_json::{Value as Json, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// A day of the year, `MM-DD`, as [`domain::filter::month_day`] reads it.
const MONTH_DAY: &str = r"^(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-9]))$";

/// The schema of a tree over `F`, itself named `component` (its branches
/// refer back to it).
pub fn filter_schema<F: Field>(component: &str, description: &str) -> RefOr<Schema> {
    let node = json!({ "$ref": format!("#/components/schemas/{component}") });
    let mut shapes = vec![
        closed(json!({ "all": { "type": "array", "items": node } })),
        closed(json!({ "any": { "type": "array", "items": node } })),
        closed(json!({ "not": node })),
    ];
    for (kind, names) in fields_by_kind::<F>() {
        for test in kind.tests().iter().filter(|test| **test != TestName::IsEmpty) {
            if let Some(payload) = payload(kind, *test) {
                shapes.push(closed(json!({
                    "field": { "type": "string", "enum": names },
                    test.as_str(): payload,
                })));
            }
        }
    }
    let every_field: Vec<&str> = F::FIELDS.iter().map(|field| field.name()).collect();
    shapes.push(closed(json!({
        "field": { "type": "string", "enum": every_field },
        "is_empty": { "type": "boolean", "description": "`true`: no value; `false`: some value." },
    })));
    let schema = json!({ "description": description, "oneOf": shapes });
    // Every piece above is a schema utoipa models; a failure is a bug the
    // document's tests catch (an empty schema would let anything through).
    serde_json::from_value(schema).unwrap_or_else(|_| RefOr::T(Schema::default()))
}

/// The fields grouped by kind, in the order they are declared.
fn fields_by_kind<F: Field>() -> Vec<(FieldKind, Vec<&'static str>)> {
    let mut groups: Vec<(FieldKind, Vec<&'static str>)> = Vec::new();
    for field in F::FIELDS {
        match groups.iter_mut().find(|(kind, _)| *kind == field.kind()) {
            Some((_, names)) => names.push(field.name()),
            None => groups.push((field.kind(), vec![field.name()])),
        }
    }
    groups
}

/// An object with exactly these properties, all required.
fn closed(properties: Json) -> Json {
    let required: Vec<&String> = properties.as_object().map(|p| p.keys().collect()).unwrap_or_default();
    json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false })
}

/// What a test of a field of `kind` holds; `None` where the kind holds no
/// value to compare.
fn payload(kind: FieldKind, test: TestName) -> Option<Json> {
    let value = value(kind)?;
    Some(match test {
        TestName::Equals => value,
        TestName::In => json!({ "type": "array", "items": value, "minItems": 1 }),
        TestName::Range => ends(&value, "Both ends included; null or left out is open."),
        TestName::Contains | TestName::Prefix => json!({
            "type": "string",
            "minLength": 1,
            "description": "Case and accents ignored.",
        }),
        TestName::IsEmpty => json!({ "type": "boolean" }),
        TestName::Relative => ends(
            &json!({ "type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX }),
            "Days from today, both included (`{\"from\": -30}`: the last thirty days).",
        ),
    })
}

/// A value a field of `kind` is compared with.
fn value(kind: FieldKind) -> Option<Json> {
    Some(match kind {
        FieldKind::Text => json!({ "type": "string" }),
        FieldKind::Code(codes) => json!({ "type": "string", "enum": codes }),
        FieldKind::OwnCode => json!({ "type": "string", "minLength": 1 }),
        FieldKind::Id => json!({ "type": "string", "format": "uuid" }),
        FieldKind::Date => json!({ "type": "string", "format": "date" }),
        FieldKind::Number => {
            json!({ "type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX })
        }
        FieldKind::MonthDay => json!({ "type": "string", "pattern": MONTH_DAY }),
        FieldKind::Flag => json!({ "type": "boolean" }),
        FieldKind::Presence => return None,
    })
}

/// `{"from", "to"}`: at least one given and not null.
fn ends(value: &Json, description: &str) -> Json {
    let mut open = value.clone();
    if let Some(kind) = open.get("type").cloned() {
        open["type"] = json!([kind, "null"]);
    }
    let given = |end: &str| {
        let mut properties = json!({ "from": open, "to": open });
        properties[end] = value.clone();
        json!({
            "type": "object",
            "properties": properties,
            "required": [end],
            "additionalProperties": false,
        })
    };
    json!({ "description": description, "anyOf": [given("from"), given("to")] })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::engine::EngineField;

    /// A schema utoipa could not read would have fallen back to one that
    /// takes anything.
    #[test]
    fn the_engine_tree_is_described_whole() {
        let schema =
            serde_json::to_value(filter_schema::<EngineField>("EngineFilter", "clauses")).expect("json");
        let shapes = schema["oneOf"].as_array().expect("one of");
        assert!(shapes.len() > 20, "{schema}");
        let described: Vec<&str> = shapes
            .iter()
            .filter_map(|shape| shape["properties"]["field"]["enum"].as_array())
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        for field in EngineField::ALL {
            assert!(described.contains(&field.as_str()), "{field:?} is not described");
        }
    }
}
