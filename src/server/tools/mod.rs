//! The tools around the product, outside its request path: the command line, the benchmarks, the
//! demo generator with first-run seeding, and the eval commands. Nothing in the product uses them.

pub mod bench;
pub mod cli;
pub mod demo;
pub mod eval;
pub mod seed;
