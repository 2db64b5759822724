#include <malloc.h>
#include "CTerminal.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted = 0;
/* The self-pipe: the handler may run on any thread (Dispatch workers too), so besides the
   flag it writes a byte that wakes a poll() on the main thread. */
static int wake[2] = { -1, -1 };

static void on_sigint(int signo) {
    (void)signo;
    interrupted = 1;
    if (wake[1] >= 0) {
        int saved = errno;
        ssize_t ignored = write(wake[1], "!", 1);
        (void)ignored;
        errno = saved;
    }
}

void folio_sigint_install(void) {
    if (wake[0] < 0 && pipe(wake) == 0) {
        for (int i = 0; i < 2; i++) {
            fcntl(wake[i], F_SETFL, fcntl(wake[i], F_GETFL) | O_NONBLOCK);
            fcntl(wake[i], F_SETFD, FD_CLOEXEC);
        }
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: read() returns EINTR */
    sigaction(SIGINT, &action, NULL);
}

int folio_sigint_pending(void) { return interrupted != 0; }

void folio_sigint_clear(void) {
    interrupted = 0;
    char drain[64];
    if (wake[0] >= 0) while (read(wake[0], drain, sizeof drain) > 0) {}
}

int folio_sigint_wake_fd(void) { return wake[0]; }

int folio_terminal_columns(int fd) {
    struct winsize size;
    if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

void folio_keep_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}
