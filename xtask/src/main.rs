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
        ["lint"] => run_lint(&root),
        ["codegen"] => run_codegen(&root, Mode::Write),
        ["codegen", "--check"] => run_codegen(&root, Mode::Check),
        ["surface", provider] => print_surface(&root, provider),
        ["diff", rest @ ..] => run_diff(&root, rest),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run_lint(root: &Path) -> ExitCode {
    let reports = match xtask::lint::run(root) {
        Ok(reports) => reports,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let mut problems = 0;
    for report in &reports {
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
