#ifndef FOLIO_CLIBEDIT_SHIM_H
#define FOLIO_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <locale.h>
#include <langinfo.h>
#include <string.h>
#include <strings.h>
#include <histedit.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <wchar.h>
#include <limits.h>

/* An editor on the standard streams (Swift 6 may not touch the stdin/stdout globals). */
static inline EditLine *folio_el_init(const char *program) {
    return el_init(program, stdin, stdout, stderr);
}

/* libedit reads multibyte input only under a UTF-8 LC_CTYPE: take the environment's
   locale, else C.UTF-8. Returns 1 when the locale in force is UTF-8. */
static inline int folio_use_utf8_locale(void) {
    setlocale(LC_CTYPE, "");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "UTF8") == 0)) return 1;
    if (setlocale(LC_CTYPE, "C.UTF-8") || setlocale(LC_CTYPE, "en_US.UTF-8")) return 1;
    return 0;
}

/* el_set, el_get and history are variadic, which Swift cannot call: one non-variadic
   wrapper per operation folio uses. */

typedef char *(*folio_prompt_fn)(EditLine *);
typedef unsigned char (*folio_command_fn)(EditLine *, int);

static inline int folio_el_set_prompt(EditLine *el, folio_prompt_fn f, char ignore) {
    return el_set(el, EL_PROMPT_ESC, f, ignore);
}
static inline int folio_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}
static inline int folio_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}
static inline int folio_el_add_function(EditLine *el, const char *name, const char *help, folio_command_fn f) {
    return el_set(el, EL_ADDFN, name, help, f);
}
static inline int folio_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}
static inline int folio_el_set_client_data(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}
static inline void *folio_el_client_data(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int folio_history_set_size(History *h, int size) {
    HistEvent event;
    return history(h, &event, H_SETSIZE, size);
}
static inline int folio_history_set_unique(History *h, int unique) {
    HistEvent event;
    return history(h, &event, H_SETUNIQUE, unique);
}
static inline int folio_history_enter(History *h, const char *entry) {
    HistEvent event;
    return history(h, &event, H_ENTER, entry);
}

/* Defined by the CTerminal target (its SIGINT handler sets the flag and makes the wake
   descriptor readable). */
int folio_sigint_pending(void);
void folio_sigint_clear(void);
int folio_sigint_wake_fd(void);

/* libedit's character reader, replaced so that Ctrl-C is never lost: it waits on the
   terminal and on the SIGINT wake descriptor together, so a Ctrl-C that lands just after
   the prompt is drawn, or on another thread, still ends the read (errno EINTR).
   Decodes UTF-8 (the locale's multibyte encoding) into one wide character. */
static inline int folio_read_char(EditLine *el, wchar_t *out) {
    (void)el;
    char bytes[8]; /* a UTF-8 character is at most 4 bytes (MB_LEN_MAX may be 1 under clang) */
    size_t count = 0;
    mbstate_t state;
    memset(&state, 0, sizeof state);
    for (;;) {
        if (folio_sigint_pending()) {
            errno = EINTR;
            return -1;
        }
        struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = folio_sigint_wake_fd(), .events = POLLIN } };
        int ready = poll(fds, fds[1].fd >= 0 ? 2 : 1, -1);
        if (ready < 0) {
            if (errno == EINTR) continue; /* the flag says whether it was Ctrl-C */
            return -1;
        }
        if (fds[1].fd >= 0 && (fds[1].revents & POLLIN)) {
            if (folio_sigint_pending()) continue;
            folio_sigint_clear(); /* a stale wake-up */
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char byte;
        ssize_t n = read(STDIN_FILENO, &byte, 1);
        if (n == 0) return 0;
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
        bytes[count++] = byte;
        wchar_t wc;
        /* mbrtowc keeps the bytes of a partial character in `state`: pass only the new one. */
        size_t used = mbrtowc(&wc, &byte, 1, &state);
        if (used == (size_t)-2 && count < sizeof bytes) continue; /* more bytes to come */
        if (used == (size_t)-1 || used == (size_t)-2) {
            /* Not valid in this encoding: pass the first byte on as it is. */
            *out = (wchar_t)(unsigned char)bytes[0];
            return 1;
        }
        *out = used == 0 ? L'\0' : wc;
        return 1;
    }
}

static inline int folio_el_use_interruptible_reader(EditLine *el) {
    return el_set(el, EL_GETCFN, folio_read_char);
}
#endif
