//! What the edge refuses in text, written into the document: every string
//! a caller sends (query values and request bodies) without a format or an
//! enum of its own gets the pattern the server enforces — no control
//! characters (`extract::refuse_control_characters`), tabs and line breaks
//! only in multi-line fields, at least one visible character where the
//! field is required (`#[schema(min_length = 1)]`), and an id's digits
//! where the format is `uuid` (a day's and an instant's digits for
//! `date` and `date-time`). Property names, and whatever a caller adds
//! that the operation does not read, hold no control characters either
//! ([`EXTRA_VALUE`]). An optional query value may be sent empty: it means
//! "not set" (`extract::parse_urlencoded`). Written once here, the
//! document and the server cannot drift field by field.
use crate::extract::MULTI_LINE_FIELDS;
use std::collections::BTreeSet;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayItems, KnownFormat, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{OpenApi, Ref, RefOr, Required};

/// Any text on one line: Unicode's control characters (Cc) refused.
const SINGLE_LINE: &str = r"^[^\u0000-\u001f\u007f-\u009f]*$";
/// A text area: tab, line feed and carriage return are text.
const MULTI_LINE: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$";
/// An id, as the server reads it (a format alone lets a generator send any
/// text).
const UUID: &str = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
/// A calendar day as the server reads it (`YYYY-MM-DD`, a real month and
/// day): JSON Schema's `format` is only a note, and generators send "".
/// 29 February passes in every year: a pattern cannot count leap years.
const DATE: &str = r"^[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-9]))$";
/// An instant in RFC 3339, as the server reads it.
const DATE_TIME: &str = r"^[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-9]))T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$";
/// A required text area: something besides spaces and line breaks.
const REQUIRED_MULTI_LINE: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$";
/// A required value (`minLength: 1`): one line with something besides
/// spaces, which the server trims away.
const REQUIRED: &str =
    r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$";

/// The component any extra property of a request must fit.
const EXTRA_VALUE: &str = "ExtraValue";

pub fn describe_text_rules(document: &mut OpenApi) {
    let mut bodies = BTreeSet::new();
    for item in document.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            for parameter in operation.parameters.iter_mut().flatten() {
                if matches!(parameter.parameter_in, ParameterIn::Query) {
                    if matches!(parameter.required, Required::False) {
                        // utoipa leaves the keyword out (OpenAPI deprecates
                        // it), but it is what tells a client "name=" is taken.
                        parameter
                            .extensions
                            .get_or_insert_with(Default::default)
                            .insert("allowEmptyValue".to_string(), serde_json::Value::Bool(true));
                    }
                    if let Some(schema) = parameter.schema.as_mut() {
                        apply(&parameter.name, schema, &mut bodies);
                    }
                }
            }
            for content in operation.request_body.iter_mut().flat_map(|body| body.content.values_mut()) {
                if let Some(schema) = content.schema.as_mut() {
                    apply("body", schema, &mut bodies);
                }
            }
        }
    }
    // Request types name others (a party's phones, its address); each is
    // described once, however many bodies reach it.
    let components = document.components.get_or_insert_with(Default::default);
    components.schemas.insert(EXTRA_VALUE.to_string(), extra_value());
    let mut done = BTreeSet::new();
    while let Some(name) = bodies.iter().find(|name| !done.contains(*name)).cloned() {
        done.insert(name.clone());
        if let Some(schema) = components.schemas.get_mut(&name) {
            apply("body", schema, &mut bodies);
        }
    }
}

/// Sets the pattern of `schema` (named `field`), or of what it holds;
/// notes the components it refers to.
fn apply(field: &str, schema: &mut RefOr<Schema>, referred: &mut BTreeSet<String>) {
    match schema {
        RefOr::Ref(reference) => {
            if let Some(name) = reference.ref_location.strip_prefix("#/components/schemas/") {
                referred.insert(name.to_string());
            }
        }
        RefOr::T(Schema::Array(array)) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                apply(field, items, referred);
            }
        }
        RefOr::T(Schema::Object(object)) => {
            if object_may_hold_properties(&object.schema_type) {
                object.property_names = Some(Box::new(single_line_text()));
                if matches!(
                    object.additional_properties.as_deref(),
                    None | Some(AdditionalProperties::FreeForm(true))
                ) {
                    object.additional_properties = Some(Box::new(AdditionalProperties::RefOr(RefOr::Ref(
                        Ref::from_schema_name(EXTRA_VALUE),
                    ))));
                }
            }
            for (name, property) in object.properties.iter_mut() {
                apply(name, property, referred);
            }
            if let Some(AdditionalProperties::RefOr(values)) = object.additional_properties.as_deref_mut() {
                apply(field, values, referred);
            }
            let is_text = match &object.schema_type {
                SchemaType::Type(Type::String) => true,
                SchemaType::Array(types) => types.contains(&Type::String),
                _ => false,
            };
            if is_text && object.enum_values.is_none() && object.pattern.is_none() {
                let pattern = match (&object.format, object.min_length) {
                    (Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)), _) => Some(UUID),
                    (Some(SchemaFormat::KnownFormat(KnownFormat::Date)), _) => Some(DATE),
                    (Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)), _) => Some(DATE_TIME),
                    (Some(_), _) => None,
                    (None, Some(1)) if MULTI_LINE_FIELDS.contains(&field) => Some(REQUIRED_MULTI_LINE),
                    _ if MULTI_LINE_FIELDS.contains(&field) => Some(MULTI_LINE),
                    (None, Some(1)) => Some(REQUIRED),
                    (None, _) => Some(SINGLE_LINE),
                };
                object.pattern = pattern.map(str::to_string);
            }
        }
        RefOr::T(Schema::AllOf(all)) => all.items.iter_mut().for_each(|item| apply(field, item, referred)),
        RefOr::T(Schema::OneOf(one)) => one.items.iter_mut().for_each(|item| apply(field, item, referred)),
        RefOr::T(Schema::AnyOf(any)) => any.items.iter_mut().for_each(|item| apply(field, item, referred)),
        RefOr::T(_) => {}
    }
}

fn object_may_hold_properties(schema_type: &SchemaType) -> bool {
    match schema_type {
        SchemaType::Type(Type::Object) | SchemaType::AnyValue => true,
        SchemaType::Array(types) => types.contains(&Type::Object),
        SchemaType::Type(_) => false,
    }
}

fn single_line_text() -> Schema {
    Schema::Object(
        utoipa::openapi::ObjectBuilder::new().schema_type(Type::String).pattern(Some(SINGLE_LINE)).build(),
    )
}

/// Any JSON whose texts and property names are free of control
/// characters: what the server takes in a property it does not read.
fn extra_value() -> RefOr<Schema> {
    let text = serde_json::json!({ "type": "string", "pattern": SINGLE_LINE });
    let itself = serde_json::json!({ "$ref": format!("#/components/schemas/{EXTRA_VALUE}") });
    let schema = serde_json::json!({
        "description": "A property the operation does not read: any JSON without control characters.",
        "anyOf": [
            text,
            { "type": ["number", "boolean", "null"] },
            { "type": "array", "items": itself },
            { "type": "object", "propertyNames": text, "additionalProperties": itself },
        ]
    });
    serde_json::from_value(schema).unwrap_or_else(|_| RefOr::T(Schema::default()))
}
