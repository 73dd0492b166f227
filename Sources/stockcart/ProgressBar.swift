import Foundation

/// A progress bar on standard error, drawn only when it is a terminal and the job is long enough to need one.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let visible: Bool
    private var shown = -1

    init(total: Int, minimum: Int = 200_000) {
        self.total = max(1, total)
        visible = isatty(STDERR_FILENO) == 1 && total >= minimum
    }

    func show(_ done: Int) {
        guard visible else { return }
        let percent = min(100, done * 100 / total)
        guard percent != shown else { return }
        shown = percent
        let filled = percent / 5
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: 20 - filled)
            + "] \(percent)% of \(total) bars"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard visible, shown >= 0 else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
