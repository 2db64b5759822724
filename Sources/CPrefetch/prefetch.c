// The module is header-only (its functions are static inline); SwiftPM wants a source file.
#include "CPrefetch.h"
