//! The `attache` binary: everything is in the library's [`attache::cli`].

fn main() {
    attache::cli::main();
}
