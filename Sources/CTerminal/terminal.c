#include "CTerminal.h"
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted = 0;

static void on_sigint(int signo) {
    (void)signo;
    interrupted = 1;
}

void folio_sigint_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: read() returns EINTR */
    sigaction(SIGINT, &action, NULL);
}

int folio_sigint_pending(void) { return interrupted != 0; }

void folio_sigint_clear(void) { interrupted = 0; }

int folio_terminal_columns(int fd) {
    struct winsize size;
    if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}
