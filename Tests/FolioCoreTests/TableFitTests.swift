import XCTest
@testable import FolioCore

/// Tables fitted to a width: cells cut with `…`, middle columns left out with a marker.
final class TableFitTests: XCTestCase {
    func testNarrowsWidestColumnsFirst() {
        let (columns, widths) = Renderer.fit([4, 30, 8], into: 40)
        XCTAssertEqual(columns, [0, 1, 2])
        XCTAssertEqual(widths.reduce(0, +) + 3 * 3 + 1, 40)
        XCTAssertEqual(widths[0], 4)
        XCTAssertEqual(widths[2], 8)
    }

    func testLeavesOutMiddleColumns() {
        let (columns, widths) = Renderer.fit(Array(repeating: 20, count: 10), into: 60)
        XCTAssertTrue(columns.contains(nil))
        XCTAssertEqual(columns.first, 0)
        XCTAssertEqual(columns.last, 9)
        XCTAssertLessThanOrEqual(widths.reduce(0, +) + 3 * widths.count + 1, 60)
    }

    func testFitsUnchangedWhenThereIsRoom() {
        XCTAssertEqual(Renderer.fit([3, 4], into: 80).widths, [3, 4])
        XCTAssertEqual(Renderer.fit([300], into: Optional<Int>.none).widths, [300])
    }

    func testTruncateByDisplayWidth() {
        XCTAssertEqual(ValueFormat.truncate("Müller GmbH", to: 6), "Mülle…")
        XCTAssertEqual(ValueFormat.truncate("東京都港区", to: 5), "東京…")
        XCTAssertEqual(ValueFormat.truncate("short", to: 10), "short")
    }
}

