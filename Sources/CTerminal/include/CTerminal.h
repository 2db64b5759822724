#ifndef FOLIO_CTERMINAL_H
#define FOLIO_CTERMINAL_H

/// Ctrl-C for the REPL. The handler is installed without SA_RESTART, so a blocked read()
/// returns EINTR (how the line reader tells Ctrl-C from end of input); it only sets a flag,
/// which a running query polls to stop early.
void folio_sigint_install(void);
/// 1 when Ctrl-C was pressed since the last folio_sigint_clear().
int folio_sigint_pending(void);
void folio_sigint_clear(void);
/// A descriptor that becomes readable when Ctrl-C is pressed (-1 before install), for
/// waiting on input and Ctrl-C at once whichever thread the signal lands on.
int folio_sigint_wake_fd(void);

/// The width of the terminal on fd in columns, or 0 when fd is not a terminal.
/// (ioctl is variadic and cannot be called from Swift.)
int folio_terminal_columns(int fd);

/// Keeps freed blocks of up to 32 MiB in the heap and never trims it, so that a query's
/// temporaries are reused by the next instead of being zeroed page by page again by the
/// kernel (glibc's mallopt; malloc.h is not visible to Swift).
void folio_keep_freed_memory(void);

#endif
