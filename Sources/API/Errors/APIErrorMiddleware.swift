import Persistence
import TradingCore
import Vapor

/// The one place that maps errors to HTTP: domain and storage errors get their status and a reason the user can
/// act on; anything unexpected is a 500 whose details go to the log, never to the client.
struct APIErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let mapped = Self.map(error)
            if mapped.status.code >= 500 {
                request.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            } else {
                request.logger.debug("request refused", metadata: ["status": "\(mapped.status.code)",
                                                                  "reason": "\(mapped.reason)"])
            }
            let response = Response(status: mapped.status, headers: mapped.headers)
            try response.content.encode(ErrorBody(reason: mapped.reason, field: mapped.field), as: .json)
            return response
        }
    }

    static func map(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ValidationError:
            return APIError(.unprocessableEntity, error.reason, field: error.field)
        case let error as AmountOutOfRange:
            // Input bounds keep every amount a user can ask for far inside `Money`; an amount that still does not
            // fit is refused like any other bad input, with the arithmetic in the log.
            return APIError(.unprocessableEntity, "an amount in this request is too large to handle (\(error.operation))")
        case let error as FundsError:
            return APIError(.unprocessableEntity, error.description, field: "quantity")
        case let error as CheckoutError:
            switch error {
            case .keyReusedWithDifferentRequest:
                return APIError(.conflict, error.description, field: "Idempotency-Key")
            case .itemNotInCart(let index):
                return APIError(.unprocessableEntity, error.description, field: "items[\(index)].cart_item_id")
            }
        case let error as UnknownPageCursor:
            return APIError(.badRequest, error.description, field: "after")
        case let error as OrderTransitionError:
            return APIError(.conflict, error.description, field: "status")
        case PersistenceError.duplicate(let what):
            return APIError(.conflict, "\(what) is already registered", field: what)
        case let error as DecodingError:
            return decodingError(error)
        case let error as any AbortError where error.status == .unsupportedMediaType:
            // Vapor's answer when a body of another type reaches its content decoders, which only know JSON.
            return APIError(.unsupportedMediaType, "the API accepts JSON bodies only (Content-Type: application/json)",
                            field: "Content-Type")
        case let error as any AbortError where error.status == .payloadTooLarge:
            return APIError(.payloadTooLarge, "request body is too large: at most \(BodyLimit.kilobytes) KB")
        case let error as any AbortError:
            // Vapor's own errors (unknown route, method not allowed) keep their status and reason.
            return APIError(error.status, error.reason, headers: error.headers)
        case let error where error.isDatabaseUnavailable:
            // Nothing was wrong with the request: the client sends it again (orders and checkouts with the same
            // Idempotency-Key, so one that did commit before the connection broke is not placed twice).
            return APIError(.serviceUnavailable, "the database is unavailable right now; try again in a few seconds",
                            headers: ["Retry-After": "5"])
        default:
            return APIError(.internalServerError, "internal error")
        }
    }

    /// Turns a JSON decoding failure into a message naming the field as the JSON spells it (coding keys are
    /// snake_case).
    private static func decodingError(_ error: DecodingError) -> APIError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { key in key.intValue.map { "[\($0)]" } ?? "." + key.stringValue }
                .joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case let .keyNotFound(key, context):
            let field = path(context.codingPath + [key])
            return APIError(.unprocessableEntity, "\(field) is required", field: field)
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            guard !context.codingPath.isEmpty else {
                return APIError(.unprocessableEntity, "request body must be a JSON object")
            }
            let field = path(context.codingPath)
            return APIError(.unprocessableEntity, "\(field) must be \(describe(type))", field: field)
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                return APIError(.badRequest, "request body is not valid JSON")
            }
            let field = path(context.codingPath)
            return APIError(.unprocessableEntity, "\(field) is not valid", field: field)
        @unknown default:
            return APIError(.badRequest, "request body could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Double.Type, is Int.Type, is Int64.Type: "a number"
        default: "of the right type"
        }
    }
}
