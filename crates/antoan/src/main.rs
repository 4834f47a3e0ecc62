//! The `antoan` binary: parses the command line and wires the crates together.
//! No collection, evaluation or rendering logic lives here.

mod agent;
mod audit;
mod cli;
mod kb;
mod output;
mod passwords;
mod report_sign;
mod scan;
mod serve;

use std::process::ExitCode;

/// mimalloc instead of glibc malloc: the server spent ~15% of its CPU in
/// malloc/free while ingesting reports (perf, bench/server-load.sh), and the
/// audit and password engines allocate heavily too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let lang = cli.lang.unwrap_or_else(cli::lang_from_env);
    let result = match cli.command {
        cli::Command::Audit(args) => audit::run(args, lang),
        cli::Command::Agent(args) => agent::run(args, lang),
        cli::Command::Scan(args) => scan::run(args, lang),
        cli::Command::Passwords(args) => passwords::run(args, lang),
        cli::Command::Kb(args) => kb::run(args, lang),
        cli::Command::Report(args) => report_sign::run(args, lang),
        cli::Command::Serve(args) => serve::run(args, lang),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            output::print_error(&err, lang);
            ExitCode::from(2)
        }
    }
}
