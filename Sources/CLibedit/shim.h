#ifndef FOLIO_CLIBEDIT_SHIM_H
#define FOLIO_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <locale.h>
#include <langinfo.h>
#include <string.h>
#include <strings.h>
#include <histedit.h>

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
#endif
