//! The error answers of the API, each described once. An endpoint names
//! only those its shape does not imply (`responses((status = 200, body =
//! Party), Forbidden, Conflict)`); 401, 404 for a path id and 422 for a
//! body or query are added to every operation by [`add_answers_of_every_shape`].
use std::collections::BTreeMap;
use utoipa::IntoResponses;
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
    "A stale `version` (`conflict`), a CPF/CNPJ/NIF already registered (`duplicate`, with `existing_id` when visible), or a name or e-mail another record holds (`taken`, with `fields`)."
);
error_answer!(TooLarge, "413", "The body is larger than the server takes (`too_large`).");
error_answer!(Invalid, "422", "A value is refused; `fields` names each field and why (`validation`).");

/// Adds to every operation the answers its shape alone can give, so the
/// document never leaves one out: a bearer token that is missing or dead
/// (401), an id in the path that names nothing (404), a query value that
/// does not read (422), a body that is not JSON, too large or not of the
/// type (400, 413, 422). What an operation names itself stays as written.
pub fn add_answers_of_every_shape(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    for item in document.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            let has_path_id = parameters.iter().any(|p| matches!(p.parameter_in, ParameterIn::Path));
            let has_query = parameters.iter().any(|p| matches!(p.parameter_in, ParameterIn::Query));
            let mut answers = Vec::new();
            if operation.security.is_some() {
                answers.push(Unauthorized::responses());
            }
            if has_path_id {
                answers.push(NotFound::responses());
            }
            if has_query {
                answers.push(Invalid::responses());
            }
            if operation.request_body.is_some() {
                answers.extend([BadRequest::responses(), TooLarge::responses(), Invalid::responses()]);
            }
            for (status, response) in answers.into_iter().flatten() {
                operation.responses.responses.entry(status).or_insert(response);
            }
        }
    }
}
