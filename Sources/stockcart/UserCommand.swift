import API
import ArgumentParser
import Foundation
import Vapor
#if canImport(Glibc)
import Glibc
#endif

/// `stockcart user …`: accounts managed on the server itself (the only way to make an administrator).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Create accounts and set roles on the server's database (same environment as serve).",
        subcommands: [Create.self, SetRole.self])

    /// `stockcart user create --email E [--admin]`: the password from stdin's first line, or prompted twice.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account. The password is read from standard input's first line (or prompted for "
                + "on a terminal), never from the command line.")

        @ArgumentParser.Option(help: "The account's e-mail address.")
        var email: String

        @ArgumentParser.Flag(help: "Make the account an administrator.")
        var admin = false

        func run() async throws {
            let password = try PasswordInput.read()
            try await runAccountCommand("user create") { app, config in
                let account = try await UserAdministration.create(app, config: config, email: email,
                                                                  password: password, admin: admin)
                print("created \(account.role) \(account.email) (\(account.id.uuidString.lowercased()))")
            }
        }
    }

    /// `stockcart user set-role --email E --role admin|user`.
    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-role", abstract: "Give an existing account the role user or admin.")

        @ArgumentParser.Option(help: "The account's e-mail address.")
        var email: String

        @ArgumentParser.Option(help: "user or admin.")
        var role: String

        func run() async throws {
            try await runAccountCommand("user set-role") { app, config in
                let account = try await UserAdministration.setRole(app, config: config, email: email, role: role)
                print("\(account.email) is now \(account.role)")
            }
        }
    }
}

/// Runs one account command on a quiet application, mapping refusals to their exit codes.
private func runAccountCommand(_ name: String,
                               _ body: (Application, AppConfig) async throws -> Void) async throws {
    let config = try AppConfig.fromEnvironment()
    let app = try await makeApplication(arguments: ["stockcart"], logLevel: "warning")
    do {
        try await body(app, config)
    } catch let refused as UserAdministration.Refused {
        FileHandle.standardError.write(Data("\(name): \(refused.description)\n".utf8))
        try? await app.asyncShutdown()
        throw ExitCode(refused.exitCode)
    } catch {
        FileHandle.standardError.write(Data("\(name) failed: \(error)\n".utf8))
        try? await app.asyncShutdown()
        throw ExitCode.failure
    }
    try await app.asyncShutdown()
}

/// A password for a command: typed twice without echo on a terminal, else standard input's first line.
enum PasswordInput {
    static func read() throws -> String {
        if isatty(STDIN_FILENO) != 0 {
            let first = prompt("Password: ")
            guard prompt("Password again: ") == first else {
                FileHandle.standardError.write(Data("the passwords differ\n".utf8))
                throw ExitCode(2)
            }
            return first
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            FileHandle.standardError.write(Data("no password on standard input (write it as the first line)\n".utf8))
            throw ExitCode(2)
        }
        return line
    }

    private static func prompt(_ text: String) -> String {
        guard let raw = getpass(text) else { return "" }
        return String(cString: raw)
    }
}
