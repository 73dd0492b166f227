import Foundation

/// Asks the kernel for transparent huge pages under a large output buffer before it is first written. A series of
/// ten million values is 80 MB: written in 4 KB pages, each of its 20,000 first touches is a page fault, and a profile
/// of the indicator benchmark spent most of its time there. With 2 MB pages it is forty. (numpy does the same for its
/// large arrays, which is why TA-Lib called from Python did not pay it.) Only advice: without transparent huge pages
/// (or off Linux) nothing changes but speed.
enum HugePages {
    /// Below this, the buffer spans too few huge pages to matter.
    static let threshold = 4 << 20
    static let hugePage = 2 << 20

    static func advise(_ buffer: UnsafeMutableBufferPointer<Double>) {
        #if os(Linux)
        guard let base = buffer.baseAddress, buffer.count * MemoryLayout<Double>.stride >= threshold else { return }
        let start = (Int(bitPattern: base) + hugePage - 1) & ~(hugePage - 1)
        let end = (Int(bitPattern: base) + buffer.count * MemoryLayout<Double>.stride) & ~(hugePage - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
        #endif
    }
}
