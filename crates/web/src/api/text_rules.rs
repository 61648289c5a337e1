//! What the edge refuses in text, written into the document: every string
//! a caller sends (query values and request bodies) without a format or an
//! enum of its own gets the pattern the server enforces — no control
//! characters (`extract::refuse_control_characters`), tabs and line breaks
//! only in multi-line fields, at least one visible character where the
//! field is required (`#[schema(min_length = 1)]`), and an id's digits
//! where the format is `uuid`. Written once here, the
//! document and the server cannot drift field by field.
use crate::extract::MULTI_LINE_FIELDS;
use std::collections::BTreeSet;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{ArrayItems, KnownFormat, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// Any text on one line: Unicode's control characters (Cc) refused.
const SINGLE_LINE: &str = r"^[^\u0000-\u001f\u007f-\u009f]*$";
/// A text area: tab, line feed and carriage return are text.
const MULTI_LINE: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$";
/// An id, as the server reads it (a format alone lets a generator send any
/// text).
const UUID: &str = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
/// A required value (`minLength: 1`): one line with something besides
/// spaces, which the server trims away.
const REQUIRED: &str =
    r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$";

pub fn describe_text_rules(document: &mut OpenApi) {
    let mut bodies = BTreeSet::new();
    for item in document.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            for parameter in operation.parameters.iter_mut().flatten() {
                if matches!(parameter.parameter_in, ParameterIn::Query) {
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
    let Some(components) = document.components.as_mut() else { return };
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
            for (name, property) in object.properties.iter_mut() {
                apply(name, property, referred);
            }
            if let Some(utoipa::openapi::schema::AdditionalProperties::RefOr(values)) =
                object.additional_properties.as_deref_mut()
            {
                apply(field, values, referred);
            }
            let is_text = match &object.schema_type {
                SchemaType::Type(Type::String) => true,
                SchemaType::Array(types) => types.contains(&Type::String),
                _ => false,
            };
            let is_uuid = matches!(object.format, Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)));
            if is_text && object.enum_values.is_none() && object.pattern.is_none() {
                let pattern = match (&object.format, object.min_length) {
                    _ if is_uuid => Some(UUID),
                    (Some(_), _) => None,
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
