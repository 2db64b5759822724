#ifndef FOLIO_CLIBEDIT_SHIM_H
#define FOLIO_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <locale.h>
#include <editline/readline.h>
#endif
