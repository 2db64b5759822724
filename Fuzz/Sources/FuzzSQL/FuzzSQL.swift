import FolioCore

@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    UntrustedInput.sql(Array(UnsafeRawBufferPointer(start: start, count: count)))
    return 0
}
