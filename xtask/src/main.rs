//! `cargo xtask`: the maintainer's command line. See `cargo xtask help`.

use std::path::Path;
use std::process::ExitCode;

use xtask::codegen::{self, FileStatus, Mode};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  lint              check every specs/*.yaml (operationId and summary, property descriptions,
                    response bodies progenitor can type, examples against their schemas with
                    OpenAPI 3.0 semantics, x-inferred notes, x-sensitive on properties whose
                    names suggest personal data, a source for every pattern, format, length,
                    minItems and response status); one `file: place: problem` line per problem
  codegen           lint, then regenerate crates/*-client/src/generated.rs from specs/*.yaml
                    (types holding x-sensitive fields get a Debug that prints ***)
  codegen --check   lint, then write nothing; fail with a diff when a generated file is stale
  diff [BASE] [--fail-on-breaking]
                    compare specs/*.yaml with their version at git revision BASE (default HEAD)
                    and print a Markdown report of breaking, to-review and non-breaking changes,
                    each judged on the wire (the specs) or in the source (the generated clients);
                    exit 1 on a breaking or to-review change, on either axis, only with
                    --fail-on-breaking
  upstream check NAME [--from FILE] [--reader openapi|page-text] [--url URL] [--fail-on-drift]
                    read provider NAME's published docs (the URL of specs/upstream.toml, or
                    FILE) and print a Markdown report: what changed since the recorded
                    snapshot specs/upstream/NAME.facts.json, and where specs/NAME.yaml
                    disagrees (curation decisions listed apart); exit 1 on drift only with
                    --fail-on-drift
  upstream record NAME [--from FILE] [--reader openapi|page-text] [--url URL]
                    write what the docs state today to specs/upstream/NAME.facts.json
  check-spec [NAME] everything a spec edit must pass, in order, stopping at the first failure:
                    lint, codegen --check, the change report against HEAD (printed; read it),
                    then the tests a spec edit affects (surfaces, bodies, fidelity, spec
                    examples and gaps, request-field accounting, capabilities); with NAME, the
                    lint and the report are those of specs/NAME.yaml only
  surface NAME      print the public surface of crates/NAME-client (what the snapshot shows)
  help              show this message

Every command acts on the checkout it is run from (found at run time).";

fn main() -> ExitCode {
    xtask::render::quiet_generator_panics();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if let ["help" | "--help" | "-h"] = args.as_slice() {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let root = match xtask::workspace::root() {
        Ok(root) => root,
        Err(error) => {
            eprintln!("error: cannot find the workspace: {error}");
            return ExitCode::FAILURE;
        }
    };
    match args.as_slice() {
        ["lint"] => run_lint(&root, None),
        ["check-spec"] => check_spec(&root, None),
        ["check-spec", name] if !name.starts_with('-') => check_spec(&root, Some(name)),
        ["codegen"] => run_codegen(&root, Mode::Write),
        ["codegen", "--check"] => run_codegen(&root, Mode::Check),
        ["surface", provider] => print_surface(&root, provider),
        ["diff", rest @ ..] => run_diff(&root, rest),
        [
            "upstream",
            command @ ("check" | "record"),
            provider,
            rest @ ..,
        ] => run_upstream(&root, command, provider, rest),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `check-spec [NAME]`: lint, codegen --check, the change report, the spec tests; a line after
/// each failure says what to do.
fn check_spec(root: &Path, name: Option<&str>) -> ExitCode {
    let spec = name.map(|name| format!("specs/{name}.yaml"));
    if let Some(spec) = &spec
        && !root.join(spec).is_file()
    {
        eprintln!("error: no {spec}");
        return ExitCode::from(2);
    }
    println!("== 1/4 lint");
    if run_lint(root, spec.as_deref()) != ExitCode::SUCCESS {
        eprintln!("check-spec: fix the spec where each line points, then run it again");
        return ExitCode::FAILURE;
    }
    println!("\n== 2/4 codegen --check");
    if run_codegen(root, Mode::Check) != ExitCode::SUCCESS {
        eprintln!(
            "check-spec: run `cargo xtask codegen`, then run check-spec again (the diff above is what changes)"
        );
        return ExitCode::FAILURE;
    }
    println!("\n== 3/4 change report against HEAD");
    match xtask::diff::run(root, "HEAD") {
        Ok(mut diffs) => {
            if let Some(spec) = &spec {
                diffs.retain(|diff| &diff.spec == spec);
            }
            print!("{}", xtask::diff::render_report("HEAD", &diffs));
        }
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    }
    println!("\n== 4/4 the tests a spec edit affects");
    if let Err(command) = xtask::check_spec::run_tests(root) {
        eprintln!(
            "check-spec: `{command}` failed. A surface or body snapshot: review it and accept it \
             (`cargo insta review`, or INSTA_UPDATE=always with the same command). An \
             unaccounted request field: map it in crates/onboarding/src/mapping/ and list it in \
             the provider's FieldSupport table, or list it as unmapped with a reason \
             (crates/onboarding/src/provider.rs)."
        );
        return ExitCode::FAILURE;
    }
    println!("\ncheck-spec: ok");
    ExitCode::SUCCESS
}

/// `lint`: every spec's problems, one line each; with `only`, the lines of that spec alone.
fn run_lint(root: &Path, only: Option<&str>) -> ExitCode {
    let reports = match xtask::lint::run(root) {
        Ok(reports) => reports,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let mut problems = 0;
    for report in reports
        .iter()
        .filter(|r| only.is_none_or(|spec| r.target.spec_display() == spec))
    {
        if report.problems.is_empty() {
            println!("ok  {}", report.target.spec_display());
        }
        for problem in &report.problems {
            problems += 1;
            println!("{problem}");
        }
    }
    if problems > 0 {
        eprintln!("error: {problems} lint problem(s): fix the spec(s) above");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn run_codegen(root: &Path, mode: Mode) -> ExitCode {
    let outcomes = match codegen::run(root, mode) {
        Ok(outcomes) => outcomes,
        Err(error) => {
            eprintln!("{error}");
            eprintln!("error: codegen stopped; no generated file was changed");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = 0;
    for outcome in &outcomes {
        println!("{outcome}");
        if let FileStatus::Stale(diff) = &outcome.status {
            stale += 1;
            print!("{diff}");
        }
    }
    if stale > 0 {
        eprintln!(
            "error: {stale} generated file(s) are not up to date: run `cargo xtask codegen` and commit the result"
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn print_surface(root: &Path, provider: &str) -> ExitCode {
    let target = xtask::workspace::SpecTarget::for_provider(provider);
    let path = root.join(&target.generated);
    match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| xtask::surface::describe(&text))
    {
        Ok(surface) => {
            print!("{surface}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn run_diff(root: &Path, args: &[&str]) -> ExitCode {
    let fail_on_breaking = args.contains(&"--fail-on-breaking");
    let bases: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| *a != "--fail-on-breaking")
        .collect();
    let base = match bases.as_slice() {
        [] => "HEAD",
        [base] if !base.starts_with('-') => base,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let diffs = match xtask::diff::run(root, base) {
        Ok(diffs) => diffs,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", xtask::diff::render_report(base, &diffs));
    if fail_on_breaking && diffs.iter().any(|d| d.has_breaking() || d.has_review()) {
        eprintln!(
            "error: breaking or possibly breaking API changes against {base} (see the report above)"
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn run_upstream(root: &Path, command: &str, provider: &str, args: &[&str]) -> ExitCode {
    let mut input = xtask::upstream::Input::default();
    let mut fail_on_drift = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match (*arg, rest.clone().next()) {
            ("--fail-on-drift", _) if command == "check" => fail_on_drift = true,
            ("--from", Some(file)) => {
                input.from = Some(std::path::PathBuf::from(file));
                rest.next();
            }
            ("--url", Some(url)) => {
                input.url = Some((*url).to_owned());
                rest.next();
            }
            ("--reader", Some(name)) => {
                let Some(reader) = xtask::upstream::config::ReaderKind::from_name(name) else {
                    eprintln!("error: --reader is `openapi` or `page-text`, not `{name}`");
                    return ExitCode::from(2);
                };
                input.reader = Some(reader);
                rest.next();
            }
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if command == "record" {
        return match xtask::upstream::record(root, provider, &input) {
            Ok(path) => {
                println!("wrote {path}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {}", one_line(&error));
                ExitCode::FAILURE
            }
        };
    }
    let check = match xtask::upstream::check(root, provider, &input) {
        Ok(check) => check,
        Err(error) => {
            eprintln!("error: {}", one_line(&error));
            return ExitCode::FAILURE;
        }
    };
    print!("{}", xtask::upstream::report::render(&check));
    if fail_on_drift && check.has_drift() {
        eprintln!("error: {provider}: the docs drifted (see the report above)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// An error message on one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
