//! `x-sensitive`: the spec extension that marks personal data, read from a spec.
//!
//! A property (or a schema it `$ref`s, or the `items` of an array property) with
//! `x-sensitive: true` holds personal data: a name, an e-mail address, a phone number, a birth
//! date, an address line, a document number. After progenitor runs, [`crate::redact`] gives every
//! generated type holding such a field a `Debug` that prints `***` in its place.
//! `x-sensitive: false` says, deliberately, that a property holds none.
//!
//! The lint ([`problems`]) reports a property whose name suggests personal data but that carries
//! no `x-sensitive` either way (see [`suggests_personal_data`] for the words and the exceptions),
//! and likewise a header, query, path or cookie parameter, or an API-key security scheme, whose
//! name suggests personal data or a credential (see [`parameter_suggests_sensitive`]).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::preflight::{pointer_segment, resolve, visit_objects};

/// The extension's name.
pub const EXTENSION: &str = "x-sensitive";

/// Words that, as one word of a property name, suggest personal data.
///
/// A property name is split into lower-case words at `_`, `-`, and lower-to-upper case changes
/// (`dateOfBirth` → `date`, `of`, `birth`; `addressLine1` → `address`, `line1`).
pub const PERSONAL_WORDS: [&str; 31] = [
    "email",
    "mail",
    "phone",
    "mobile",
    "telephone",
    "name",
    "surname",
    "forename",
    "birth",
    "birthday",
    "birthdate",
    "dob",
    "address",
    "street",
    "line1",
    "line2",
    "line3",
    "postal",
    "postcode",
    "zip",
    "city",
    "tax",
    "tin",
    "ssn",
    "passport",
    "document",
    "identifier",
    "national",
    "mrz",
    "iban",
    "gender",
];

/// Last words that make a name describe *something about* personal data rather than hold it:
/// `documentType`, `document_side`, `emailVerified`, `addressStatus`. Such a name is not flagged.
pub const QUALIFIER_WORDS: [&str; 7] = [
    "type", "side", "kind", "format", "status", "verified", "count",
];

/// Words that, as one word of a header, query, path or cookie parameter's name (or an API-key
/// security scheme's), suggest a credential: `Authorization`, `X-Api-Key`, `session_token`.
pub const CREDENTIAL_WORDS: [&str; 13] = [
    "authorization",
    "auth",
    "token",
    "key",
    "apikey",
    "secret",
    "password",
    "passphrase",
    "cookie",
    "session",
    "credential",
    "credentials",
    "signature",
];

/// Where a parameter may be sent, as OpenAPI's `in` says.
const PARAMETER_PLACES: [&str; 4] = ["header", "query", "path", "cookie"];

/// One object schema of a spec, as the struct typify generates for it will show it: its property
/// names (the JSON names, merged over `allOf`) and which of them are sensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Where the schema is: a JSON pointer into the document.
    pub at: String,
    /// Every property name, own and from `allOf` members.
    pub fields: BTreeSet<String>,
    /// The properties marked sensitive.
    pub sensitive: BTreeSet<String>,
}

/// Keys under which a walk over schemas does not descend: example values and extensions.
fn outside_values(key: &str) -> bool {
    key != "example" && key != "examples" && !key.starts_with("x-")
}

/// Every object schema of `document` that has `properties`, with its JSON pointer.
fn object_schemas(document: &Value) -> Vec<(String, &Map<String, Value>)> {
    let mut found = Vec::new();
    visit_objects(document, "#", &outside_values, &mut |map, at| {
        if map.get("properties").is_some_and(Value::is_object) {
            found.push((at.to_owned(), map));
        }
    });
    found
}

/// The `x-sensitive` mark that applies to `property`: its own, else the schema it `$ref`s, else
/// that of its `items` (an array of sensitive values is sensitive). `None` when unmarked.
pub fn mark(document: &Value, property: &Value) -> Option<bool> {
    let own = |node: &Value| node.get(EXTENSION).and_then(Value::as_bool);
    own(property)
        .or_else(|| own(resolve(document, property)))
        .or_else(|| {
            let items = resolve(document, property).get("items")?;
            own(items).or_else(|| own(resolve(document, items)))
        })
}

/// The properties of `schema` (own and, following `$ref`s, from its `allOf` members).
fn properties<'a>(
    document: &'a Value,
    schema: &'a Map<String, Value>,
    out: &mut Map<String, Value>,
) {
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Value::Object(member) = resolve(document, member) {
            properties(document, member, out);
        }
    }
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        out.insert(name.clone(), property.clone());
    }
}

/// Every object schema of `document` as a [`Shape`]. A property is sensitive when [`mark`] says
/// so, or when the object schema itself is marked `x-sensitive: true`.
pub fn shapes(document: &Value) -> Vec<Shape> {
    object_schemas(document)
        .into_iter()
        .map(|(at, schema)| {
            let mut all = Map::new();
            properties(document, schema, &mut all);
            // A schema marked as a whole makes every property it has sensitive.
            let whole = schema.get(EXTENSION) == Some(&Value::Bool(true));
            let sensitive = all
                .iter()
                .filter(|(_, property)| whole || mark(document, property) == Some(true))
                .map(|(name, _)| name.clone())
                .collect();
            Shape {
                at,
                fields: all.keys().cloned().collect(),
                sensitive,
            }
        })
        .collect()
}

/// The lower-case words of a property name (see [`PERSONAL_WORDS`]).
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

/// Whether a property called `name` suggests personal data: one of its words is in
/// [`PERSONAL_WORDS`] and its last word is not in [`QUALIFIER_WORDS`].
///
/// Country codes (`countryCode`, `residencyCountry`, `nationality`) are deliberately not flagged:
/// a country alone does not single a person out, and it helps to see it in a log. A spec may still
/// mark one `x-sensitive: true`.
pub fn suggests_personal_data(name: &str) -> bool {
    let words = words(name);
    let qualified = words
        .last()
        .is_some_and(|last| QUALIFIER_WORDS.contains(&last.as_str()));
    !qualified && words.iter().any(|w| PERSONAL_WORDS.contains(&w.as_str()))
}

/// Whether a parameter called `name` suggests personal data ([`suggests_personal_data`]) or a
/// credential (one of its words is in [`CREDENTIAL_WORDS`], and its last word is not in
/// [`QUALIFIER_WORDS`]).
pub fn parameter_suggests_sensitive(name: &str) -> bool {
    let words = words(name);
    let qualified = words
        .last()
        .is_some_and(|last| QUALIFIER_WORDS.contains(&last.as_str()));
    suggests_personal_data(name)
        || (!qualified && words.iter().any(|w| CREDENTIAL_WORDS.contains(&w.as_str())))
}

/// Every parameter of `document` (in a `parameters` list or `#/components/parameters`) and every
/// API-key security scheme: an object with a string `name` and an `in` of [`PARAMETER_PLACES`],
/// with its JSON pointer.
fn parameters(document: &Value) -> Vec<(String, &Map<String, Value>)> {
    let mut found = Vec::new();
    visit_objects(document, "#", &outside_values, &mut |map, at| {
        let place = map.get("in").and_then(Value::as_str);
        if place.is_some_and(|p| PARAMETER_PLACES.contains(&p))
            && map.get("name").is_some_and(Value::is_string)
        {
            found.push((at.to_owned(), map));
        }
    });
    found
}

/// The `x-sensitive` mark of a parameter: its own, else its schema's (see [`mark`]).
fn parameter_mark(document: &Value, parameter: &Map<String, Value>) -> Option<bool> {
    parameter
        .get(EXTENSION)
        .and_then(Value::as_bool)
        .or_else(|| mark(document, parameter.get("schema")?))
}

/// Whether `property` holds a value of its own that could be personal: not an object (its own
/// properties are checked where they are defined), not a composition of schemas, not a boolean,
/// and, for an array, items that hold such a value.
fn holds_a_value(document: &Value, property: &Value) -> bool {
    let schema = resolve(document, property);
    if ["properties", "allOf", "oneOf", "anyOf"]
        .iter()
        .any(|key| schema.get(key).is_some())
    {
        return false;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object" | "boolean") => false,
        Some("array") => schema
            .get("items")
            .is_some_and(|items| holds_a_value(document, items)),
        _ => true,
    }
}

/// Lint problems about personal data in `document`: an `x-sensitive` that is not a boolean, an
/// unmarked property whose name suggests personal data (see [`suggests_personal_data`]), and an
/// unmarked header, query, path or cookie parameter (or API-key security scheme) whose name
/// suggests personal data or a credential (see [`parameter_suggests_sensitive`]).
pub fn problems(document: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    visit_objects(document, "#", &outside_values, &mut |map, at| {
        if map.get(EXTENSION).is_some_and(|mark| !mark.is_boolean()) {
            problems.push(format!("{at}: {EXTENSION} must be true or false"));
        }
    });
    for (at, schema) in object_schemas(document) {
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if mark(document, property).is_none()
                && suggests_personal_data(name)
                && holds_a_value(document, property)
            {
                problems.push(format!(
                    "{at}/properties/{}: the name suggests personal data: mark it `{EXTENSION}: true` (or `{EXTENSION}: false` if it holds none)",
                    pointer_segment(name)
                ));
            }
        }
    }
    for (at, parameter) in parameters(document) {
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("");
        if parameter_mark(document, parameter).is_none() && parameter_suggests_sensitive(name) {
            let place = parameter.get("in").and_then(Value::as_str).unwrap_or("");
            let what = if parameter.get("type").and_then(Value::as_str) == Some("apiKey") {
                format!("{place} API key")
            } else {
                format!("{place} parameter")
            };
            problems.push(format!(
                "{at}: the {what} `{name}` suggests personal data or a credential: mark it `{EXTENSION}: true` (or `{EXTENSION}: false` if it holds none)"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_take_marks_from_properties_refs_items_and_whole_objects() {
        let document = serde_json::json!({
            "components": {"schemas": {
                "Name": {"type": "string", "x-sensitive": true},
                "Person": {
                    "type": "object",
                    "properties": {
                        "name": {"$ref": "#/components/schemas/Name"},
                        "phones": {"type": "array", "items": {"type": "string", "x-sensitive": true}},
                        "nick": {"type": "string", "x-sensitive": false},
                        "age": {"type": "integer"}
                    }
                },
                "Secret": {
                    "type": "object",
                    "x-sensitive": true,
                    "properties": {"a": {"type": "string"}, "b": {"type": "string"}}
                }
            }}
        });
        let shapes = shapes(&document);
        let sensitive = |at: &str| -> Vec<String> {
            let shape = shapes.iter().find(|s| s.at == at).unwrap();
            shape.sensitive.iter().cloned().collect()
        };
        assert_eq!(sensitive("#/components/schemas/Person"), ["name", "phones"]);
        assert_eq!(sensitive("#/components/schemas/Secret"), ["a", "b"]);
    }

    #[test]
    fn parameters_and_api_key_schemes_named_for_credentials_or_people_need_a_mark() {
        let document = serde_json::json!({
            "paths": {"/users/{email}": {"get": {"parameters": [
                {"name": "email", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "X-Session-Token", "in": "header", "schema": {"type": "string"}},
                {"name": "page", "in": "query", "schema": {"type": "integer"}},
                {"name": "tokenType", "in": "query", "schema": {"type": "string"}},
                {"name": "User-Identifier", "in": "header", "x-sensitive": false}
            ]}}},
            "components": {"securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                "marked": {"type": "apiKey", "in": "header", "name": "Authorization", "x-sensitive": true}
            }}
        });
        let found = problems(&document);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found[0]
                .starts_with("#/components/securitySchemes/key: the header API key `X-Api-Key`"),
            "{found:#?}"
        );
        assert!(
            found[1].contains("/parameters/0: the path parameter `email`"),
            "{found:#?}"
        );
        assert!(found[2].contains("/parameters/1: the header parameter `X-Session-Token`"));
    }

    #[test]
    fn names_split_into_lower_case_words() {
        assert_eq!(words("dateOfBirth"), ["date", "of", "birth"]);
        assert_eq!(words("addressLine1"), ["address", "line1"]);
        assert_eq!(words("zip_code"), ["zip", "code"]);
        assert_eq!(words("IBAN"), ["iban"]);
        assert_eq!(words("userIBAN"), ["user", "iban"]);
    }

    #[test]
    fn personal_names_are_flagged_and_qualifiers_are_not() {
        for name in [
            "email",
            "firstName",
            "last_name",
            "dateOfBirth",
            "phoneNumber",
            "postalCode",
            "national_id",
            "birth_place",
            "userIdentifier",
        ] {
            assert!(suggests_personal_data(name), "{name}");
        }
        for name in [
            "documentType",
            "document_side",
            "countryCode",
            "residencyCountry",
            "language",
            "emailVerified",
            "id",
        ] {
            assert!(!suggests_personal_data(name), "{name}");
        }
    }
}
