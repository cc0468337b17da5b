//! The workspace-level tests, linked as one binary (one module per former test file): codegen
//! freshness, the spec lint and diff, surface and body snapshots, loopback round trips.

mod accounting;
mod architecture;
mod bodies;
mod check_spec;
mod codegen;
mod diff;
mod fidelity;
mod generator_panics;
mod lint;
mod lint_support;
mod patterns;
mod redaction;
mod roundtrip;
mod snapshot_metadata;
mod spec_examples;
mod spec_gaps;
mod surface;
