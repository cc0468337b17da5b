//! What `cargo xtask codegen` adds on top of progenitor (issue 5, item 4).
//!
//! One group, `codegen_all_specs`, over every `specs/*.yaml` of the workspace:
//!
//! - `xtask_render_all`: [`xtask::codegen::render_all`], i.e. what `cargo xtask codegen` does
//!   short of comparing and writing files: read each spec, parse the YAML, lint it (preflight,
//!   descriptions, examples validated against their schemas), generate with progenitor, and format
//!   with `syn` + prettyplease;
//! - `progenitor_generate_tokens`: progenitor alone,
//!   `Generator::new(&settings).generate_tokens(&spec)` on the same specs, parsed beforehand, with
//!   the xtask's own settings ([`xtask::render::settings`]);
//! - and, to show where the difference goes, `read_parse_lint` ([`xtask::lint::check`] on each
//!   spec's text) and `format_prettyplease` ([`xtask::render::format_file`] on tokens generated
//!   beforehand).
//!
//! After the run it prints each step's ratio to `progenitor_generate_tokens`, from criterion's
//! own estimates. Runs are short (flat sampling, 10 samples, 1 s warm-up, 3 s measurement;
//! `cargo bench` flags override). Run with `cargo bench -p xtask --bench codegen`.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, SamplingMode};

#[path = "../../crates/onboarding/benches/support/ratios.rs"]
mod ratios;
use progenitor::Generator;
use ratios::print_ratios;
use xtask::sensitive::Shape;
use xtask::workspace::{self, SpecTarget};

/// Every spec of the workspace: its target, its text, and the document progenitor reads.
fn specs(root: &Path) -> Vec<(SpecTarget, String, openapiv3::OpenAPI, Vec<Shape>)> {
    workspace::discover(root)
        .expect("specs/ is readable")
        .into_iter()
        .map(|target| {
            let spec = target.spec_display();
            let text = std::fs::read_to_string(root.join(&target.spec)).expect("spec is readable");
            let raw = xtask::lint::check(&spec, &text).expect("committed spec is clean");
            let shapes = xtask::sensitive::shapes(&raw);
            let document = xtask::preflight::typed(&spec, raw).expect("a typed document");
            (target, text, document, shapes)
        })
        .collect()
}

fn codegen(criterion: &mut Criterion) {
    let root = workspace::root().expect("the workspace root");
    let specs = specs(&root);
    assert!(!specs.is_empty(), "no specs under {}", root.display());
    let settings = xtask::render::settings();
    let tokens: Vec<_> = specs
        .iter()
        .map(|(_, _, document, _)| {
            Generator::new(&settings)
                .generate_tokens(document)
                .expect("progenitor generates")
        })
        .collect();
    assert_eq!(
        xtask::codegen::render_all(&root)
            .expect("committed specs render")
            .len(),
        specs.len()
    );

    let mut group = criterion.benchmark_group("codegen_all_specs");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.bench_function("xtask_render_all", |b| {
        b.iter(|| xtask::codegen::render_all(black_box(&root)).expect("renders"))
    });
    group.bench_function("progenitor_generate_tokens", |b| {
        b.iter(|| {
            specs
                .iter()
                .map(|(_, _, document, _)| {
                    Generator::new(&settings)
                        .generate_tokens(black_box(document))
                        .expect("progenitor generates")
                })
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("read_parse_lint", |b| {
        b.iter(|| {
            specs
                .iter()
                .map(|(target, text, _, _)| {
                    xtask::lint::check(&target.spec_display(), black_box(text)).expect("clean")
                })
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("format_prettyplease", |b| {
        b.iter(|| {
            specs
                .iter()
                .zip(&tokens)
                .map(|((target, _, _, shapes), tokens)| {
                    xtask::render::format_file(
                        &target.spec_display(),
                        black_box(tokens.clone()),
                        shapes,
                    )
                    .expect("formats")
                })
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

fn main() {
    let started = SystemTime::now();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    codegen(&mut criterion);
    criterion.final_summary();
    let baseline = "progenitor_generate_tokens";
    print_ratios(
        started,
        &[
            ("codegen_all_specs", "xtask_render_all", baseline),
            ("codegen_all_specs", "read_parse_lint", baseline),
            ("codegen_all_specs", "format_prettyplease", baseline),
        ],
    );
}
