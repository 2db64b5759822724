// The module is header-only (folio_prefetch is static inline); SwiftPM wants a source file.
#include "CPrefetch.h"
