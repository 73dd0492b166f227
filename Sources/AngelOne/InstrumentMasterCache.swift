import AsyncHTTPClient
import Foundation
import NIOCore
import TradingCore

/// Keeps Angel One's instrument master on disk: one file per IST day in `directory`, downloaded once that day and
/// read from disk after. When the download fails the newest earlier file is used (tokens of cash equities change
/// rarely, and yesterday's master beats no feed at all); only with no file at all is it an error.
public struct InstrumentMasterCache: Sendable {
    /// The master could neither be downloaded nor found on disk.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// What was loaded and from where, for the log and `/readyz`.
    public struct Loaded: Sendable {
        public let master: InstrumentMaster
        public let file: String
        /// Nil when today's file was used; the download's failure when an older file stood in.
        public let downloadError: String?
    }

    /// The scrip master is tens of megabytes; anything past this is not it.
    static let maxBytes = 256 << 20
    /// Files kept besides today's, as fallbacks.
    static let keptFiles = 3

    private let url: String
    private let directory: String
    private let http: HTTPClient

    public init(url: String, directory: String, http: HTTPClient) {
        self.url = url
        self.directory = directory
        self.http = http
    }

    /// Today's master (IST), from disk if downloaded already today, else downloaded now.
    public func load(now: Date) async throws(Unavailable) -> Loaded {
        let todays = path(for: now)
        if let data = FileManager.default.contents(atPath: todays), let master = try? InstrumentMaster(json: data) {
            return Loaded(master: master, file: todays, downloadError: nil)
        }
        let failure: String
        do {
            let data = try await download()
            let master = try InstrumentMaster(json: data)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: todays), options: .atomic)
            prune()
            return Loaded(master: master, file: todays, downloadError: nil)
        } catch {
            failure = "\(error)"
        }
        for file in cachedFiles().reversed() {
            let path = (directory as NSString).appendingPathComponent(file)
            if let data = FileManager.default.contents(atPath: path), let master = try? InstrumentMaster(json: data) {
                return Loaded(master: master, file: path, downloadError: failure)
            }
        }
        throw Unavailable(description: "the instrument master could not be downloaded from \(url) (\(failure)) "
                              + "and no earlier copy is in \(directory)")
    }

    private func download() async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await http.execute(request, timeout: .seconds(120))
        guard response.status == .ok else {
            throw Unavailable(description: "HTTP \(response.status.code) from the instrument master's address")
        }
        let body = try await response.body.collect(upTo: Self.maxBytes)
        return Data(buffer: body)
    }

    /// `instruments-YYYY-MM-DD.json`, dated in IST (the master is regenerated overnight, India time).
    func path(for time: Date) -> String {
        let day = CandleInterval.oneDay.bucketStart(for: time).addingTimeInterval(TimeInterval(CandleInterval.istOffsetSeconds))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return (directory as NSString).appendingPathComponent("instruments-\(formatter.string(from: day)).json")
    }

    /// The dated files present, oldest first (the names sort by date).
    private func cachedFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("instruments-") && $0.hasSuffix(".json") }.sorted()
    }

    private func prune() {
        let files = cachedFiles()
        for file in files.dropLast(Self.keptFiles + 1) {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(file))
        }
    }
}
