import AngelOne
import AsyncHTTPClient
import FakeVenues
import Foundation
import Testing

/// The instrument master on disk: downloaded once a day, read from disk after, and yesterday's copy used when the
/// download fails.
@Suite("Instrument master cache")
struct InstrumentMasterCacheTests {
    static let listed = [FakeSmartAPI.ListedInstrument(symbol: "RELIANCE", token: "2885"),
                         FakeSmartAPI.ListedInstrument(symbol: "SBIN", token: "3045")]

    func withCache(_ body: (FakeSmartAPI, InstrumentMasterCache, String) async throws -> Void) async throws {
        let fake = try await FakeSmartAPI.start(accounts: [], instruments: Self.listed)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("instruments-\(UUID())").path
        let cache = InstrumentMasterCache(url: fake.instrumentsURL, directory: directory, http: .shared)
        do {
            try await body(fake, cache, directory)
        } catch {
            await fake.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        await fake.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// 2026-11-30 10:00 IST.
    static let today = Date(timeIntervalSince1970: 1_796_009_400)

    @Test("the first load of a day downloads and writes the day's file; the second reads it without a download")
    func downloadsOncePerDay() async throws {
        try await withCache { fake, cache, directory in
            let first = try await cache.load(now: Self.today)
            #expect(first.master.nseEquity("RELIANCE")?.token == "2885")
            #expect(first.master.nseEquity("SBIN")?.token == "3045")
            #expect(first.downloadError == nil)
            #expect(first.file.hasSuffix("instruments-2026-11-30.json"))
            #expect(fake.calls("/OpenAPI_File/files/OpenAPIScripMaster.json") == 1)
            _ = try await cache.load(now: Self.today.addingTimeInterval(3_600))
            #expect(fake.calls("/OpenAPI_File/files/OpenAPIScripMaster.json") == 1, "read from disk")
            _ = try await cache.load(now: Self.today.addingTimeInterval(86_400))
            #expect(fake.calls("/OpenAPI_File/files/OpenAPIScripMaster.json") == 2, "a new day downloads again")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 2)
        }
    }

    @Test("when the download fails, the newest earlier file stands in and the failure is reported")
    func fallsBackToYesterday() async throws {
        try await withCache { fake, cache, _ in
            _ = try await cache.load(now: Self.today)
            fake.failInstrumentMaster(true)
            let next = try await cache.load(now: Self.today.addingTimeInterval(86_400))
            #expect(next.file.hasSuffix("instruments-2026-11-30.json"))
            #expect(next.downloadError?.contains("503") == true, "\(String(describing: next.downloadError))")
            #expect(next.master.nseEquity("RELIANCE")?.token == "2885")
        }
    }

    @Test("with no download and no earlier file, loading fails saying both")
    func nothingAtAll() async throws {
        try await withCache { fake, cache, directory in
            fake.failInstrumentMaster(true)
            do {
                _ = try await cache.load(now: Self.today)
                Issue.record("loaded a master that does not exist")
            } catch {
                #expect("\(error)".contains("could not be downloaded"))
                #expect("\(error)".contains(directory))
            }
        }
    }
}
