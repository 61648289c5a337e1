//! The error answers of the API, each described once and named in an
//! endpoint's `responses(...)`: `responses((status = 200, body = PartyView), Unauthorized, NotFound)`.
use std::collections::BTreeMap;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder, ResponsesBuilder};

macro_rules! error_answer { ($(#[$doc:meta])* $name:ident, $status:literal, $description:literal) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                error_body($status, $description)
            }
        }
    };
}

fn error_body(status: &str, description: &str) -> BTreeMap<String, RefOr<Response>> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    let response = ResponseBuilder::new().description(description).content("application/json", content);
    ResponsesBuilder::new().response(status, response).build().into()
}

error_answer!(BadRequest, "400", "The body is not JSON, or not of the documented shape (`bad_request`).");
error_answer!(Unauthorized, "401", "No valid bearer token (`unauthorized`).");
error_answer!(Forbidden, "403", "The token's user lacks the right for this (`forbidden`).");
error_answer!(
    NotFound,
    "404",
    "Nothing with this id that the token's user may see (`not_found`), or a party merged into another (`merged`, with `existing_id`)."
);
error_answer!(
    Conflict,
    "409",
    "A stale `version` (`conflict`), or a CPF/CNPJ/NIF already registered (`duplicate`, with `existing_id` when visible)."
);
error_answer!(Invalid, "422", "A value is refused; `fields` names each field and why (`validation`).");
