#ifndef FOLIO_CFILESAFETY_H
#define FOLIO_CFILESAFETY_H

/// Files being written (temporaries renamed into place when whole) are registered while they
/// are open, so that SIGTERM, SIGHUP or SIGINT outside the REPL, and SIGBUS, remove them
/// before folio goes: a signal never leaves a half-written file behind. C, because a signal
/// handler may only call async-signal-safe functions (unlink, write, _exit).

/// Registers a temporary file (or a folder of them, removed once they are); returns its slot (pass it to folio_temporary_done), or -1 when
/// every slot is taken (the file is then simply not removed on a signal).
int folio_temporary_begin(const char *path);
/// The temporary was renamed into place or removed: forget it.
void folio_temporary_done(int slot);

/// Installs the handlers: SIGTERM, SIGHUP and SIGINT (until the REPL installs its own) remove
/// the registered temporaries and then end the process by the same signal (its exit status
/// says so); SIGBUS (a file folio has mapped was truncated under it) removes them, says so on
/// stderr and exits with status 3 (a data error) instead of dumping core; SIGXFSZ is ignored,
/// so a write past `ulimit -f` fails with EFBIG like a full disk. SIGPIPE keeps its default:
/// `folio … | head -1` ends quietly, as every filter does.
void folio_file_safety_install(void);

/// For tests: how many temporaries are registered now.
int folio_temporaries_open(void);

/// `--max-memory`: a thread samples the process's resident memory every few milliseconds
/// and raises a flag once it passes `limit` bytes, which running queries poll (as they poll
/// Ctrl-C) to stop with an error before the kernel's out-of-memory killer ends the process.
/// A limit of 0 stops the sampling.
void folio_memory_limit(unsigned long long limit);
/// The limit set, 0 when none.
unsigned long long folio_memory_current_limit(void);
/// 1 once the limit was passed since the last folio_memory_clear().
int folio_memory_exceeded(void);
/// Gives freed memory back to the system (after a stopped query) and lowers the flag,
/// unless the process is still past the limit.
void folio_memory_clear(void);
/// The process's resident memory in bytes now.
unsigned long long folio_memory_resident(void);
/// Physical memory, or the cgroup's limit when smaller, in bytes (0 if unknown).
unsigned long long folio_memory_available(void);

#endif
