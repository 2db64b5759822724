import Foundation

// MARK: - Entry point

exit(Folio.main(Array(CommandLine.arguments.dropFirst())).rawValue)
