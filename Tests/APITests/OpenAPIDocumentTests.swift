@testable import API
import Foundation
import Testing
import Vapor

/// The API describes itself: `Public/openapi.json` names exactly the routes the server registers, and it and the
/// readable page are served.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let documentURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Public/openapi.json").standardizedFileURL

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func documented() throws -> Set<String> {
        let data = try Data(contentsOf: documentURL)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        return Set(paths.flatMap { path, item in
            item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
        })
    }

    @Test("every registered route is documented, and every documented route is registered")
    func routesMatchTheDocument() async throws {
        let documented = try Self.documented()
        try await withTestApp { app in
            let registered = Set(app.app.routes.all.map { route -> String in
                let path = route.path.map { component -> String in
                    switch component {
                    case .constant(let text): text
                    case .parameter(let name): "{\(name)}"
                    case .anything: "*"
                    case .catchall: "**"
                    }
                }.joined(separator: "/")
                return "\(route.method.rawValue) /\(path)"
            })
            #expect(registered.count > 40)
            #expect(registered.subtracting(documented).sorted() == [], "registered but not in Public/openapi.json")
            #expect(documented.subtracting(registered).sorted() == [], "in Public/openapi.json but not registered")
        }
    }

    @Test("the document is served at /openapi.json and the readable page at /docs/, under the strict CSP")
    func served() async throws {
        try await withTestApp { app in
            let document = try await app.send(.GET, "/openapi.json")
            #expect(document.status == .ok)
            #expect(document["openapi"] as? String == "3.1.0")
            let redirect = try await app.send(.GET, "/docs")
            #expect(redirect.status.code / 100 == 3 && redirect.headers.first(name: .location) == "/docs/")
            let page = try await app.send(.GET, "/docs/")
            #expect(page.status == .ok && page.text.contains("<html"))
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
        }
    }
}
