import AngelOne
import Foundation
import Testing

/// SmartAPI's answers in every shape `../shared/reference/protocols.md` §1.2 records, including its failures.
@Suite("SmartAPI replies: both envelopes, lenient fields, and the failures")
struct SmartAPIReplyTests {
    struct Tokens: Decodable, Equatable {
        let jwtToken: String
        let refreshToken: String
        let feedToken: String
    }

    private func read<Payload: Decodable>(_ type: Payload.Type, _ body: String, status: Int = 200)
        throws(SmartAPIFailure) -> Payload? {
        try SmartAPIReply.decode(type, httpStatus: status, body: Data(body.utf8))
    }

    private func failure(_ body: String, status: Int = 200) -> SmartAPIFailure? {
        do {
            _ = try read(Tokens.self, body, status: status)
            return nil
        } catch {
            return error
        }
    }

    @Test("a successful login's tokens")
    func success() throws {
        let body = #"{"status":true,"message":"SUCCESS","errorcode":"","data":{"jwtToken":"eyJ","refreshToken":"r1","feedToken":"f1","state":"x"}}"#
        #expect(try read(Tokens.self, body) == Tokens(jwtToken: "eyJ", refreshToken: "r1", feedToken: "f1"))
    }

    @Test("status as the string \"true\", and data null, empty or the string \"null\" mean success with nothing", arguments: [
        #"{"status":"true","message":"SUCCESS","errorcode":"","data":null}"#,
        #"{"status":true,"message":"SUCCESS","errorcode":"","data":""}"#,
        #"{"status":true,"message":"SUCCESS","errorcode":""}"#,
        #"{"status":"true","message":"SUCCESS","errorcode":"","data":"null"}"#,
    ])
    func emptyData(body: String) throws {
        #expect(try read([String].self, body) == nil)
    }

    @Test("business refusals carry the code and the message, in either dialect", arguments: [
        (#"{"status":false,"message":"Invalid totp and client combination","errorcode":"AB1050","data":null}"#,
         SmartAPIFailure.rejected(code: "AB1050", message: "Invalid totp and client combination")),
        (#"{"status":"false","message":"Login Id or password is invalid","errorcode":"AB1007","data":"null"}"#,
         .rejected(code: "AB1007", message: "Login Id or password is invalid")),
        (#"{"success":false,"message":"Invalid Token","errorCode":"AG8001","data":""}"#,
         .reauthenticate(code: "AG8001", message: "Invalid Token")),
        (#"{"success":false,"message":"Token missing","errorCode":"AG8003","data":""}"#,
         .reauthenticate(code: "AG8003", message: "Token missing")),
        (#"{"status":false,"message":"Token Expired","errorcode":"AG8002","data":null}"#,
         .reauthenticate(code: "AG8002", message: "Token Expired")),
        (#"{"status":false,"message":"Invalid Refresh Token","errorcode":"AB8050","data":null}"#,
         .reauthenticate(code: "AB8050", message: "Invalid Refresh Token")),
        (#"{"status":false,"message":"Access denied because of exceeding access rate","errorcode":"","data":null}"#,
         .rateLimited(message: "Access denied because of exceeding access rate")),
    ])
    func refusals(body: String, expected: SmartAPIFailure) {
        #expect(failure(body) == expected)
    }

    @Test("the plain-text 403 is a rate limit; an empty 400, HTML or garbage is unreadable, never a crash")
    func notJSON() {
        #expect(failure("Access denied because of exceeding access rate", status: 403)
                == .rateLimited(message: "Access denied because of exceeding access rate"))
        #expect(failure("", status: 400) == .unreadable(httpStatus: 400, detail: "an empty body"))
        #expect(failure("<html><body>Will be right back…</body></html>", status: 503)?.code == nil)
        if case .unreadable(let status, let detail)? = failure("<html>Will be right back</html>", status: 503) {
            #expect(status == 503 && detail.contains("Will be right back"))
        } else {
            Issue.record("an HTML page should be unreadable")
        }
        #expect(failure(#"{"status":"maybe","data":null}"#) == .unreadable(httpStatus: 200, detail: #"{"status":"maybe","data":null}"#))
        #expect(failure(#"{"message":"no status at all"}"#)?.code == nil)
    }

    @Test("data of the wrong shape on a success is unreadable, naming the data")
    func wrongShape() {
        guard case .unreadable(_, let detail)? = failure(#"{"status":true,"message":"SUCCESS","errorcode":"","data":{"jwtToken":1}}"#) else {
            Issue.record("expected unreadable")
            return
        }
        #expect(detail.hasPrefix("data:"))
    }

    @Test("failures describe themselves with the broker's code")
    func descriptions() {
        #expect(SmartAPIFailure.rejected(code: "AB1050", message: "Invalid totp").description == "AB1050: Invalid totp")
        #expect(SmartAPIFailure.reauthenticate(code: "AG8001", message: "Invalid Token").description.contains("AG8001"))
    }
}
