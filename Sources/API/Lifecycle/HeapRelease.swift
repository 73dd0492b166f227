#if canImport(Glibc)
import Glibc
#endif

/// Hands the heap's free pages back to the operating system after a bulk load at start-up.
///
/// Loading a million rules grows the rule books' arrays by doubling and decodes every row through temporary buffers;
/// glibc keeps what that frees for later allocations, so the process would go on holding (and the operator would go
/// on seeing in RSS) about as much again as the books themselves. One `malloc_trim` after the load returns it. Other
/// C libraries return free memory on their own terms; there this does nothing.
enum HeapRelease {
    static func afterBulkLoad() {
        #if canImport(Glibc)
        // `malloc_trim` is declared in <malloc.h>, which the Glibc module does not export: look it up instead.
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
