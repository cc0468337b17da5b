//! The facade's integration tests, linked as one binary (one module per former test file):
//! over loopback HTTP against wiremock and the test kit's fakes, with the fixtures in
//! `tests/fixtures/` and the insta snapshots in `snapshots/`.

mod bodies;
mod budget;
mod capabilities;
mod chaos;
mod common;
mod credentials;
mod faults;
mod http;
mod leak_guard;
mod load;
mod names;
mod properties;
mod readme;
mod redaction;
mod tracing_events;
mod validation;
