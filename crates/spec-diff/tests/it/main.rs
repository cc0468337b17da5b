//! `spec-diff` on its own: two documents in, classified wire changes out, with no git, no
//! filesystem and no code generation (the full catalogue of categories is exercised through
//! `cargo xtask diff` in the workspace tests).

mod wire;
