//! The test kit's integration tests, linked as one binary (one module per former test file).

mod behaviour;
mod facade;
mod readme;
mod rules;
mod support;
mod verdict;
