// The entry point of every fuzz target.
//
// SwiftPM links an executable target with `--defsym main=<Target>_main`, so that tests can link
// it too; compiled with -parse-as-library (which libFuzzer needs, its main being the program's)
// a target has no <Target>_main and the link fails. These give each target that symbol, and
// hand over to libFuzzer exactly as libFuzzer's own main() does.
#include "FuzzEntry.h"

#define FUZZ_ENTRY(target) \
    int target##_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

FUZZ_ENTRY(FuzzQuery)
FUZZ_ENTRY(FuzzSQL)
FUZZ_ENTRY(FuzzCSV)
FUZZ_ENTRY(FuzzJSONL)
FUZZ_ENTRY(FuzzConfig)
FUZZ_ENTRY(FuzzSnapshot)
FUZZ_ENTRY(FuzzXLSX)
