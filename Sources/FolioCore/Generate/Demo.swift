extension PortfolioGenerator {
    /// The built-in demo portfolio: the same as `Samples/portfolio` (500 accounts, seed 42).
    public static let demo = PortfolioGenerator(accounts: 500, seed: 42)
}
