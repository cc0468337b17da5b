//! Each reader and page style: a fixture, then one edited copy per kind of change, each detected
//! as exactly that change and nothing else; the OpenAPI forms (3.0 YAML, 3.1 JSON, one operation,
//! Markdown embedding a document) read the same; unreadable input is an error, not a panic.

use xtask::upstream::compare::{Drift, Kind, changes};
use xtask::upstream::facts::{Attribute, Facts};
use xtask::upstream::openapi;
use xtask::upstream::page_text::{self, Context, Style};

use crate::fixture;

/// The operation every fixture describes.
const OPERATION: &str = "POST /v1/members";

/// How a fixture is read.
#[derive(Debug, Clone, Copy)]
enum Reader {
    OpenApi,
    Page(Style),
}

/// Reads `text` with `reader`.
fn read(reader: Reader, text: &str) -> Result<Facts, String> {
    match reader {
        Reader::OpenApi => {
            let document = openapi::parse(text)?;
            Ok(openapi::read(&document, OPERATION)?.facts)
        }
        Reader::Page(style) => page_text::read(
            text,
            style,
            &Context {
                operation: OPERATION.into(),
                success_status: "201".into(),
                error_status: "400".into(),
            },
        ),
    }
}

/// One edit of a fixture: the kind of change it makes, where, and the text replaced.
struct Edit {
    kind: Kind,
    place: &'static str,
    find: &'static str,
    replace: &'static str,
}

/// Shorthand for an [`Edit`].
const fn edit(kind: Kind, place: &'static str, find: &'static str, replace: &'static str) -> Edit {
    Edit {
        kind,
        place,
        find,
        replace,
    }
}

/// Applies each edit to `base` (where it must match exactly once) and checks that the facts
/// change by exactly one line of the edit's kind at its place.
fn check_edits(name: &str, reader: Reader, edits: &[Edit]) {
    let base_text = fixture(name);
    let base = read(reader, &base_text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(base.operation, OPERATION, "{name}");
    assert_eq!(changes(&base, &base), Vec::<Drift>::new(), "{name}");
    let mut failures = Vec::new();
    for edit in edits {
        assert_eq!(
            base_text.matches(edit.find).count(),
            1,
            "{name}: the edit for {:?} must match once: {:?}",
            edit.kind,
            edit.find
        );
        let edited = base_text.replacen(edit.find, edit.replace, 1);
        let facts = read(reader, &edited).unwrap_or_else(|e| panic!("{name} {:?}: {e}", edit.kind));
        let found = changes(&base, &facts);
        let expected =
            found.len() == 1 && found[0].kind == edit.kind && found[0].place == edit.place;
        if !expected {
            failures.push(format!(
                "{:?} at `{}`: found {:#?}",
                edit.kind, edit.place, found
            ));
        }
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
}

#[test]
fn openapi_document_each_change_is_found_alone() {
    use Kind::*;
    check_edits(
        "openapi.yaml",
        Reader::OpenApi,
        &[
            edit(
                FieldAdded,
                "request body nickname",
                "        marketingOptIn:\n          type: boolean\n",
                "        marketingOptIn:\n          type: boolean\n        nickname:\n          type: string\n",
            ),
            edit(
                FieldRemoved,
                "request body birthDate",
                "        birthDate:\n          type: string\n          format: date\n          example: '1992-07-04'\n",
                "",
            ),
            edit(
                MadeRequired,
                "request body plan",
                "        - email\n      properties:",
                "        - email\n        - plan\n      properties:",
            ),
            edit(
                MadeOptional,
                "request body email",
                "        - handle\n        - email\n",
                "        - handle\n",
            ),
            edit(
                TypeChanged,
                "request body marketingOptIn",
                "          type: boolean",
                "          type: string",
            ),
            edit(
                FormatChanged,
                "request body birthDate",
                "format: date\n",
                "format: date-time\n",
            ),
            edit(
                PatternChanged,
                "request body handle",
                "pattern: '^[a-z0-9_]+$'",
                "pattern: '^[a-z0-9]+$'",
            ),
            edit(
                LengthChanged,
                "request body handle",
                "maxLength: 20",
                "maxLength: 16",
            ),
            edit(
                LengthChanged,
                "header Idempotency-Key",
                "maxLength: 64",
                "maxLength: 128",
            ),
            edit(
                EnumValueAdded,
                "request body plan",
                "            - family\n",
                "            - family\n            - student\n",
            ),
            edit(
                EnumValueRemoved,
                "request body plan",
                "            - plus\n",
                "",
            ),
            edit(
                ResponseAdded,
                "response 409",
                "        '400':\n          description: The body was refused\n",
                "        '400':\n          description: The body was refused\n        '409':\n          description: The handle is taken\n",
            ),
            edit(
                ResponseRemoved,
                "response 400",
                "        '400':\n          description: The body was refused\n",
                "",
            ),
            edit(
                ExampleChanged,
                "request body referralCode",
                "example: FRIEND10",
                "example: WELCOME5",
            ),
            edit(
                MadeOptional,
                "response 201 memberId",
                "      required:\n        - memberId\n",
                "",
            ),
        ],
    );
}

#[test]
fn redocly_page_each_change_is_found_alone() {
    use Kind::*;
    check_edits(
        "redocly.txt",
        Reader::Page(Style::Redocly),
        &[
            edit(
                FieldAdded,
                "request body nickname",
                "Whether news may be sent\n",
                "Whether news may be sent\n\nnickname\nstring\n\nName shown in greetings\n",
            ),
            edit(
                FieldRemoved,
                "request body birthDate",
                "birthDate\nstring <date>\n\nDay of birth\n\nExample: \"1992-07-04\"\n",
                "",
            ),
            edit(
                MadeRequired,
                "request body plan",
                "plan\nstring\n",
                "plan\nrequired\nstring\n",
            ),
            edit(
                MadeOptional,
                "request body email",
                "email\nrequired\n",
                "email\n",
            ),
            edit(
                TypeChanged,
                "request body marketingOptIn",
                "marketingOptIn\nboolean",
                "marketingOptIn\nstring",
            ),
            edit(
                FormatChanged,
                "request body birthDate",
                "string <date>",
                "string <date-time>",
            ),
            edit(
                PatternChanged,
                "request body handle",
                "^[a-z0-9_]+$",
                "^[a-z0-9]+$",
            ),
            edit(
                LengthChanged,
                "request body handle",
                "[ 3 .. 20 ]",
                "[ 3 .. 16 ]",
            ),
            edit(
                LengthChanged,
                "header Idempotency-Key",
                "<= 64 characters",
                "<= 128 characters",
            ),
            edit(
                EnumValueAdded,
                "request body plan",
                "\"family\"",
                "\"family\" \"student\"",
            ),
            edit(EnumValueRemoved, "request body plan", "\"plus\" ", ""),
            edit(
                ResponseAdded,
                "response 409",
                "400\n\nThe body was refused\n",
                "400\n\nThe body was refused\n\n409\n\nThe handle is taken\n",
            ),
            edit(
                ResponseRemoved,
                "response 400",
                "400\n\nThe body was refused\n\n",
                "",
            ),
            edit(
                ExampleChanged,
                "request body referralCode",
                "Example: \"FRIEND10\"",
                "Example: \"WELCOME5\"",
            ),
        ],
    );
}

#[test]
fn mintlify_page_each_change_is_found_alone() {
    use Kind::*;
    check_edits(
        "mintlify.txt",
        Reader::Page(Style::Mintlify),
        &[
            edit(
                FieldAdded,
                "request body nickname",
                "Whether news may be sent\n",
                "Whether news may be sent\n\nnickname\nstring\n\nName shown in greetings\n",
            ),
            edit(
                FieldRemoved,
                "request body birthDate",
                "birthDate\nstring<date>\n\nDay of birth\n\nExample:\n\n\"1992-07-04\"\n\n",
                "",
            ),
            edit(
                MadeRequired,
                "request body plan",
                "plan\nenum<string>\n",
                "plan\nenum<string>\nrequired\n",
            ),
            edit(
                MadeOptional,
                "request body email",
                "string<email>\nrequired\n",
                "string<email>\n",
            ),
            edit(
                TypeChanged,
                "request body marketingOptIn",
                "marketingOptIn\nboolean",
                "marketingOptIn\nstring",
            ),
            edit(
                FormatChanged,
                "request body birthDate",
                "string<date>",
                "string<date-time>",
            ),
            edit(
                PatternChanged,
                "request body handle",
                "Pattern: ^[a-z0-9_]+$",
                "Pattern: ^[a-z0-9]+$",
            ),
            edit(
                LengthChanged,
                "request body handle",
                "Required string length: 3 - 20",
                "Required string length: 3 - 16",
            ),
            edit(
                EnumValueAdded,
                "request body plan",
                "plus,\nfamily\n",
                "plus,\nfamily,\nstudent\n",
            ),
            edit(
                EnumValueRemoved,
                "request body plan",
                "basic,\nplus,\n",
                "basic,\n",
            ),
            edit(
                ResponseAdded,
                "response 409",
                "The body was refused\n",
                "The body was refused\n\nResponse\n409 - application/json\n\nThe handle is taken\n",
            ),
            edit(
                ResponseRemoved,
                "response 400",
                "Response\n400 - application/json\n\nThe body was refused\n",
                "",
            ),
            edit(
                ExampleChanged,
                "request body referralCode",
                "\"FRIEND10\"",
                "\"WELCOME5\"",
            ),
            edit(
                MadeOptional,
                "header Authorization",
                "header\nrequired\n",
                "header\n",
            ),
        ],
    );
}

#[test]
fn starlight_page_each_change_is_found_alone() {
    use Kind::*;
    check_edits(
        "starlight.txt",
        Reader::Page(Style::Starlight),
        &[
            edit(
                FieldAdded,
                "request body nickname",
                "contacts\n",
                "nickname\n\nName shown in greetings.\n\nstring\ncontacts\n",
            ),
            edit(
                FieldRemoved,
                "request body birthDate",
                "birthDate\n\nDay of birth.\n\nstring\nFormat: date\nExample\n1992-07-04\n",
                "",
            ),
            edit(
                MadeRequired,
                "request body plan",
                "plan\n\nSavings",
                "plan\nrequired\n\nSavings",
            ),
            edit(
                MadeOptional,
                "request body email",
                "email\nrequired\n",
                "email\n",
            ),
            edit(
                TypeChanged,
                "request body marketingOptIn",
                "news may be sent.\n\nboolean",
                "news may be sent.\n\nstring",
            ),
            edit(
                FormatChanged,
                "request body birthDate",
                "Format: date\n",
                "Format: date-time\n",
            ),
            edit(
                PatternChanged,
                "request body handle",
                "Pattern: ^[a-z0-9_]+$",
                "Pattern: ^[a-z0-9]+$",
            ),
            edit(
                LengthChanged,
                "request body handle",
                "[ 3 .. 20 ]",
                "[ 3 .. 16 ]",
            ),
            edit(
                EnumValueAdded,
                "request body plan",
                "basic plus family",
                "basic plus family student",
            ),
            edit(
                EnumValueRemoved,
                "request body plan",
                "basic plus family",
                "basic family",
            ),
            edit(
                ResponseAdded,
                "response 409",
                "What was wrong.\n\nstring\n",
                "What was wrong.\n\nstring\n\n409\n\nThe handle is taken.\n\nobject\nmessage\nrequired\n\nWhy.\n\nstring\n",
            ),
            edit(
                ResponseRemoved,
                "response 400",
                "400\n\nThe body was refused.\n\nobject\nmessage\nrequired\n\nWhat was wrong.\n\nstring\n",
                "",
            ),
            edit(
                ExampleChanged,
                "request body referralCode",
                "FRIEND10",
                "WELCOME5",
            ),
            edit(
                FieldRemoved,
                "request body contacts[].phone",
                "phone\nstring\n",
                "",
            ),
        ],
    );
}

#[test]
fn the_openapi_forms_read_the_same_facts() {
    let yaml = read(Reader::OpenApi, &fixture("openapi.yaml")).unwrap();
    assert_eq!(
        yaml.get("request body handle", Attribute::Pattern),
        Some("^[a-z0-9_]+$")
    );
    assert_eq!(
        yaml.get("request body handle", Attribute::Length),
        Some("3..20")
    );
    assert_eq!(
        yaml.get("request body plan", Attribute::Enum),
        Some("basic, family, plus")
    );
    assert_eq!(
        yaml.get("response 201 memberId", Attribute::Required),
        Some("true")
    );
    let json = read(Reader::OpenApi, &fixture("openapi-3.1.json")).unwrap();
    assert_eq!(changes(&yaml, &json), Vec::<Drift>::new());
    let markdown = read(Reader::OpenApi, &fixture("mintlify.md")).unwrap();
    assert_eq!(changes(&yaml, &markdown), Vec::<Drift>::new());
    // One operation on its own (the operation object of the Markdown's document).
    let document = openapi::parse(&fixture("mintlify.md")).unwrap();
    let operation = &document["paths"]["/v1/members"]["post"];
    let alone = openapi::read(operation, OPERATION).unwrap().facts;
    assert_eq!(changes(&yaml, &alone), Vec::<Drift>::new());
}

#[test]
fn the_openapi_reader_picks_the_operation_asked_for() {
    let document = openapi::parse(&fixture("openapi.yaml")).unwrap();
    let other = openapi::read(&document, "GET /v1/members/{id}")
        .unwrap()
        .facts;
    assert_eq!(other.get("path id", Attribute::Required), Some("true"));
    assert!(
        other
            .get("request body handle", Attribute::Present)
            .is_none()
    );
    let error = openapi::read(&document, "DELETE /v1/members").unwrap_err();
    assert!(error.contains("DELETE /v1/members"), "{error}");
}

#[test]
fn page_styles_read_what_their_pages_show() {
    let redocly = read(Reader::Page(Style::Redocly), &fixture("redocly.txt")).unwrap();
    // The copy lost the name of the collapsed object; the request sample gives it back.
    assert_eq!(
        redocly.get("request body labels", Attribute::Type),
        Some("object")
    );
    assert_eq!(
        redocly.get("response 201 links", Attribute::Type),
        Some("array")
    );
    assert_eq!(
        redocly.get("request body email", Attribute::Format),
        Some("email")
    );
    // Collapsed values written on one line (`{ }`, `[ ]`) and without bullets read the same.
    let one_line = fixture("redocly.txt")
        .replace("  • \"labels\": {\n    }\n", "  \"labels\": { }\n")
        .replace("  • \"links\": [\n    ]\n", "  \"links\": [ ]\n");
    assert_ne!(one_line, fixture("redocly.txt"));
    let compact = read(Reader::Page(Style::Redocly), &one_line).unwrap();
    assert_eq!(changes(&redocly, &compact), Vec::<Drift>::new());
    let without_sample = fixture("redocly.txt").replace("  • \"labels\": {\n    }\n", "");
    let lost = read(Reader::Page(Style::Redocly), &without_sample).unwrap();
    assert_eq!(
        lost.get("request body (unnamed 1)", Attribute::Type),
        Some("object")
    );
    let starlight = read(Reader::Page(Style::Starlight), &fixture("starlight.txt")).unwrap();
    assert_eq!(
        starlight.get("request body contacts", Attribute::Type),
        Some("array of object")
    );
    assert_eq!(
        starlight.get("request body contacts[].name", Attribute::Type),
        Some("string")
    );
    assert_eq!(
        starlight.get("response 201 memberId", Attribute::Example),
        Some("m_0123456789abcdef")
    );
    assert_eq!(
        starlight.get("response 400 message", Attribute::Required),
        Some("true")
    );
    let mintlify = read(Reader::Page(Style::Mintlify), &fixture("mintlify.txt")).unwrap();
    assert_eq!(
        mintlify.get("header Authorization", Attribute::Required),
        Some("true")
    );
    assert_eq!(
        mintlify.get("response 201 memberId", Attribute::Pattern),
        Some("^m_[0-9a-f]{16}$")
    );
    // The page styles and the document agree where each shows a fact.
    let yaml = read(Reader::OpenApi, &fixture("openapi.yaml")).unwrap();
    for page in [&redocly, &mintlify, &starlight] {
        for place in [
            "request body handle",
            "request body plan",
            "request body birthDate",
        ] {
            for attribute in [
                Attribute::Required,
                Attribute::Type,
                Attribute::Format,
                Attribute::Pattern,
                Attribute::Length,
                Attribute::Enum,
                Attribute::Example,
            ] {
                assert_eq!(
                    page.get(place, attribute),
                    yaml.get(place, attribute),
                    "{place} {attribute}"
                );
            }
        }
    }
}

#[test]
fn a_rendered_page_is_read_through_its_html() {
    let html = "<!DOCTYPE html><html><head><style>p{}</style><script>var x = '<p>';</script></head>\
        <body><nav><div>Members</div><div>Previous</div><p>Overview</p></nav><main><script>var y = '<p>';</script><p>Open a member account.</p><div>POST</div><div>/v1/members</div>\
        <p>Send the handle.</p><div>object</div><div>handle</div><div>required</div><p></p>\
        <p>Lower-case handle &amp; name.</p><p></p><div>string</div><div>Example</div><div>river_otter</div>\
        <p>Member account opened.</p><div>object</div></main>\
        <footer><p>Next</p><div>Close the account</div></footer></body></html>";
    assert!(page_text::html::is_html(html));
    let text = page_text::html::to_text(html);
    assert!(!text.contains("var x") && !text.contains("var y"), "{text}");
    assert!(
        !text.contains("Previous") && !text.contains("Next"),
        "{text}"
    );
    let facts = read(Reader::Page(Style::Starlight), &text).unwrap();
    assert_eq!(
        facts.get("request body handle", Attribute::Required),
        Some("true")
    );
    assert_eq!(
        facts.get("request body handle", Attribute::Example),
        Some("river_otter"),
        "{text}"
    );
    assert_eq!(facts.get("response 201", Attribute::Present), Some("true"));
}

#[test]
fn unreadable_input_is_an_error_naming_the_place() {
    for style in [Style::Redocly, Style::Mintlify, Style::Starlight] {
        for text in [
            "",
            "\n\n   \n",
            "just some words\nand more",
            "\u{0}\u{1}binary",
        ] {
            let error = read(Reader::Page(style), text).unwrap_err();
            assert!(error.starts_with("line "), "{style:?} {text:?}: {error}");
        }
    }
    for text in [
        "openapi: [1, 2",
        "{\"openapi\": ",
        "- a list\n- of things",
        "title: no document",
    ] {
        let error = openapi::parse(text).unwrap_err();
        assert!(
            !error.is_empty() && !error.contains('\n'),
            "{text:?}: {error}"
        );
    }
    let yaml_error = openapi::parse("openapi: 3.0.3\npaths: [1, 2\n").unwrap_err();
    assert!(yaml_error.contains("line"), "{yaml_error}");
}

#[test]
fn every_cut_of_every_fixture_reads_or_fails_without_a_panic() {
    let cases = [
        ("openapi.yaml", Reader::OpenApi),
        ("openapi-3.1.json", Reader::OpenApi),
        ("mintlify.md", Reader::OpenApi),
        ("redocly.txt", Reader::Page(Style::Redocly)),
        ("mintlify.txt", Reader::Page(Style::Mintlify)),
        ("starlight.txt", Reader::Page(Style::Starlight)),
    ];
    for (name, reader) in cases {
        let text = fixture(name);
        let lines: Vec<&str> = text.lines().collect();
        for cut in 0..=lines.len() {
            let head = lines[..cut].join("\n");
            let tail = lines[cut..].join("\n");
            for part in [head, tail] {
                // Ok or Err are both fine; a panic fails the test.
                let _ = read(reader, &part);
                if let Reader::Page(style) = reader {
                    let _ = read(Reader::Page(style), &part.replace('\n', "\n\n"));
                }
            }
        }
    }
}
