//! Completes the generated OpenAPI document with the failures every operation can answer (bad input, no or wrong token, unknown id, body too large or not JSON, database unavailable), so clients and schema checkers see every status the API sends.

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AllOfBuilder, AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Request bodies that need a subject or a body that is not blank (either will do), a rule
/// across two fields that the derived schemas cannot say.
const SUBJECT_OR_BODY: [&str; 2] = ["NewTicketIn", "AnalyseIn"];

/// Status codes any operation may answer, with their meaning; each body is an `ErrorBody`.
const COMMON: [(&str, &str); 8] = [
    ("400", "Invalid input (`invalid`)"),
    ("401", "No valid API token (`unauthenticated`)"),
    ("403", "The token's role may not do this (`forbidden`)"),
    ("404", "No such resource (`not_found`)"),
    ("413", "Body over the size limit (`too_large`)"),
    ("415", "Body is not JSON (`unsupported_media_type`)"),
    ("500", "Server failure (`internal`)"),
    (
        "503",
        "Database unavailable; retry after `Retry-After` seconds (`unavailable`)",
    ),
];

/// Requires, in the schemas of [`SUBJECT_OR_BODY`], a subject or a body with a non-space
/// character, as the handlers do.
pub fn require_subject_or_body(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for name in SUBJECT_OR_BODY {
        let Some(schema) = components.schemas.remove(name) else {
            continue;
        };
        let filled = |field: &str| {
            ObjectBuilder::new()
                .property(
                    field,
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some(r"\S")),
                )
                .required(field)
        };
        let either = AnyOfBuilder::new()
            .item(filled("subject"))
            .item(filled("body"));
        let both = AllOfBuilder::new().item(schema).item(either).build();
        components
            .schemas
            .insert(name.to_string(), RefOr::T(Schema::AllOf(both)));
    }
}

/// Adds each common failure to every operation that does not document it already.
pub fn add_common_errors(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in operations.into_iter().flatten() {
            add_to(op);
        }
    }
}

fn add_to(op: &mut Operation) {
    let takes_body = op.request_body.is_some();
    for (code, description) in COMMON {
        if (code == "413" || code == "415") && !takes_body {
            continue;
        }
        op.responses
            .responses
            .entry(code.to_string())
            .or_insert_with(|| {
                let body = ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build();
                RefOr::T(
                    ResponseBuilder::new()
                        .description(description)
                        .content("application/json", body)
                        .build(),
                )
            });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_operation_documents_the_common_failures() {
        let (_, doc) = crate::server::api::routes();
        let item = &doc.paths.paths["/api/v1/tickets"];
        let post = item.post.as_ref().unwrap();
        for code in ["400", "401", "403", "404", "413", "415", "500", "503"] {
            assert!(post.responses.responses.contains_key(code), "POST {code}");
        }
        let get = item.get.as_ref().unwrap();
        assert!(get.responses.responses.contains_key("503"));
        assert!(
            !get.responses.responses.contains_key("415"),
            "a GET takes no body"
        );
    }
}
