//! The `ticketlens` binary: web server, workers and admin commands in one.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    ticketlens::server::telemetry::init();
    match ticketlens::server::tools::cli::run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
