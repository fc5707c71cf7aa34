fn main() -> std::process::ExitCode {
    llmnotes::cli::main()
}
